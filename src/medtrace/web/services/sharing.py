"""One shared repository, several writers: the server works on its own clone of the team's
repository and publishes every change it commits there.

Every write (an edit, a new item, a review, a signature) runs through :func:`write`: with
the write lock held (a PostgreSQL advisory lock, so the processes of every machine take
turns, then the project lock of the clone) it fetches the remote and merges what the
developers pushed, runs the change (which checks, writes and commits as on a single
server), and pushes. A push refused because the remote moved meanwhile undoes the local
commit, fetches, and runs the change again on top: an edit of a file nobody else changed
is simply re-applied, one of a file that changed gives the conflict view
(:class:`~medtrace.api.item_edit.EditConflictError`, raised by the change itself). Nothing
is ever force-pushed. A push that fails for another reason (the remote unreachable) keeps
the commit: the next :func:`sync` (each write, and a timer) pushes it.

Without a remote configured (``medtrace serve`` on a plain working tree) :func:`write`
only runs the change.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection

from medtrace.api import shared_repo
from medtrace.errors import MedtraceError
from medtrace.web import faults

T = TypeVar("T")
ATTEMPTS = 5  # pushes refused in a row before the change is given up (nothing is lost)
log = logging.getLogger("medtrace.sharing")


class PublishError(MedtraceError):
    """The remote refused the change every time (it kept moving); nothing was published."""


def remote() -> str:
    return str(settings.CONFIG.remote)


def write(change: Callable[[], T], record: Callable[[T], object] | None = None) -> T:
    """Run ``change`` (which commits) with the write lock held, between a sync with the
    remote and a push (again on top of the remote when the push is refused), then
    ``record`` (the audit entry) with the lock still held: entries and commits are in
    the same order."""
    root = Path(settings.CONFIG.project)
    with write_lock(root):
        result = _published(root, change) if remote() else change()
        faults.point("pushed")
        if record is not None:
            record(result)
        return result


def _published(root: Path, change: Callable[[], T]) -> T:
    for _ in range(ATTEMPTS):
        sync_locked(root)
        before = shared_repo.head(root)
        result = change()
        faults.point("committed")
        if shared_repo.head(root) == before or shared_repo.push(root, remote()):
            return result
        log.info("push refused: the remote moved; the change is applied again on top")
        shared_repo.undo_to(root, before)
    raise PublishError(
        f"the shared repository refused the change {ATTEMPTS} times (it kept moving)",
        hint="nothing was published; save again",
    )


def sync(root: Path | None = None) -> None:
    """Fetch the remote and merge what it has (on the timer, and on demand)."""
    if not remote():
        return
    root = root or Path(settings.CONFIG.project)
    with write_lock(root):
        sync_locked(root)


def sync_locked(root: Path) -> None:
    """Fetch, merge and push what is unpushed; the write lock is held."""
    shared_repo.sync(root, remote())


@contextlib.contextmanager
def write_lock(root: Path) -> Iterator[None]:
    """The write lock of ``root``: a PostgreSQL advisory lock (every process of every
    machine on the database), then the project lock of this clone."""
    key = _lock_key(root)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        with shared_repo.locked(root, "medtrace server: a shared write"):
            yield
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def start_timer(interval: float) -> threading.Thread | None:
    """Sync every ``interval`` seconds in a daemon thread (one per process)."""
    if not remote() or interval <= 0:
        return None

    def loop() -> None:
        from django.db import connections

        while not _stop.wait(interval):
            try:
                sync()
            except Exception as error:
                log.warning("fetch from the shared repository failed: %s", error)
            finally:
                connections.close_all()

    thread = threading.Thread(target=loop, name="medtrace-fetch", daemon=True)
    thread.start()
    return thread


_stop = threading.Event()


def _lock_key(root: Path) -> int:
    """The advisory lock's key: the same for every clone of the project (on any machine)."""
    name = shared_repo.identity(root) if remote() else str(root)
    digest = hashlib.sha256(f"medtrace-write:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)

"""The project lock: one writer at a time in a project, across processes.

Every command that writes into a project (reviews, imports, SOUP records,
releases, web edits) holds this lock while it reads what it will change,
allocates new ids or file names, and writes. The lock is an advisory lock
(``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) on the file
``.medtrace/lock`` in the project: the operating system releases it when the
process ends, however it ends, so a crash never leaves a project locked. The
file itself is never removed (removing a lock file races with its next user).

A second writer waits: it is told once, through ``on_wait``, who holds the
lock, and gives up with :class:`LockTimeoutError` after ``timeout`` seconds.
The lock is not re-entrant across processes; within one thread, nested
``project_lock`` calls on the same project are counted and only the outermost
one locks and unlocks. Another thread of the same process waits as another
process would (each holds the file open on its own, and ``flock`` locks an
open file, not a process).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from medtrace.errors import MedtraceError
from medtrace.model import CACHE_DIR

LOCK_NAME = "lock"
DEFAULT_TIMEOUT = 600.0  # seconds
_POLL = 0.05

_held: dict[tuple[str, int], int] = {}  # (lock file, thread) -> nesting depth
_guard = threading.Lock()


class LockTimeoutError(MedtraceError):
    """Another writer held the project lock for longer than the caller would wait."""


def lock_path(root: Path) -> Path:
    """The lock file of the project at ``root``."""
    return root / CACHE_DIR / LOCK_NAME


@contextlib.contextmanager
def project_lock(
    root: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[str], None] | None = None,
    holder: str = "",
) -> Iterator[None]:
    """Hold the project's write lock for the ``with`` block.

    ``on_wait`` is called once, with a one-line message, when another process
    holds the lock; ``holder`` describes this writer to those who wait for it
    (the command and its process id by default).
    """
    path = lock_path(root)
    key = (str(path.resolve()), threading.get_ident())
    with _guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(descriptor, path, timeout, on_wait)
        _describe(descriptor, holder or f"{Path(sys.argv[0]).name} (process {os.getpid()})")
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            _release(descriptor)
    finally:
        os.close(descriptor)


def _acquire(
    descriptor: int, path: Path, timeout: float, on_wait: Callable[[str], None] | None
) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while not _try_lock(descriptor):
        if not told and on_wait is not None:
            on_wait(f"waiting for the project lock {path} (held by {_holder(path)})")
            told = True
        if time.monotonic() >= deadline:
            raise LockTimeoutError(
                f"{path}: another medtrace command has held the project lock for more than "
                f"{timeout:.0f} s ({_holder(path)}); nothing was changed",
                hint="wait for it to finish, then run this command again",
            )
        time.sleep(_POLL)


def _describe(descriptor: int, holder: str) -> None:
    """Write who holds the lock into the lock file, for those who wait."""
    with contextlib.suppress(OSError):
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, holder.encode("utf-8", "replace")[:200] + b"\n", 0)


def _holder(path: Path) -> str:
    try:
        text = path.read_text("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)

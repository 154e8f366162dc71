"""Writing into a project: find it, and hold its lock while reading what will change,
allocating new ids and file names, and writing (:mod:`medtrace.store.lock`).

Every command that writes into a project goes through :func:`project_writer`. A
second writer waits for the first; ``on_wait`` is told once, with a one-line message
saying who holds the lock (the command line prints it to stderr). A dry run writes
nothing and takes no lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from medtrace.api.discover import find_root
from medtrace.store.lock import project_lock

OnWait = Callable[[str], None]


@contextlib.contextmanager
def project_writer(
    start: Path, *, on_wait: OnWait | None = None, dry_run: bool = False
) -> Iterator[Path]:
    """The root of the project at or above ``start``, its lock held for the block."""
    root = find_root(start)
    if dry_run:
        yield root
        return
    with project_lock(root, on_wait=on_wait):
        yield root

"""Writing files into a user's project: atomically, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def create_files(files: Iterable[tuple[str, bytes]]) -> int:
    """Create the new files ``files`` ((path, bytes) pairs; the caller has checked that
    none exists) and return how many. Each is written atomically, to a temporary file in
    its folder and renamed, but not synced: call :func:`sync` once when all are written
    (an import of tens of thousands of items would otherwise spend most of its time
    waiting for the disk, one file at a time)."""
    folders: set[str] = set()
    suffix = f".{os.getpid()}.tmp"
    count = 0
    for path, data in files:
        folder, name = os.path.split(path)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        temporary = os.path.join(folder, f".{name}{suffix}")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        count += 1
    return count


def sync() -> None:
    """Make every file written so far durable (after :func:`create_files`)."""
    os.sync()

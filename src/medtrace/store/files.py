"""Writing files into a user's project: atomically, never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
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


def write_new_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Create each new file of ``files`` atomically (a temporary file in its folder, then
    a rename) and make them all durable with one sync at the end instead of one per file:
    an import of tens of thousands of items would otherwise spend most of its time
    waiting for the disk. A file that exists already is an error (``FileExistsError``),
    raised before it is touched."""
    folders: set[Path] = set()
    for path, data in files:
        folder = path.parent
        if folder not in folders:
            folder.mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        if path.exists():
            raise FileExistsError(f"{path} exists already")
        temporary = folder / f".{path.name}.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    if files:
        os.sync()

"""Writing files into a user's project: atomically, never half-written."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self


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


def create_files(entries: Iterable[tuple[str, bytes]]) -> int:
    """Create the new files of ``entries`` (absolute path, content; the caller has
    checked that none exists), all or none, and make them durable; returns how many.

    ``entries`` may be a generator that renders each file as it is asked for: the
    files are written as they come. Those of each folder go to a hidden staging
    folder beside it, which takes the folder's place in one rename when the folder
    is new (the common case of an import), or whose files are renamed into it one
    by one. A failure before that (of writing, or raised by ``entries``) removes the
    staging folders: nothing is written. The files are synced once at the end, not
    one by one (an import of tens of thousands of items spends most of its time
    creating files)."""
    stages: dict[str, str] = {}  # folder -> its staging folder
    new_folders: set[str] = set()
    made: list[str] = []  # folders made for the stages, parents first
    count = 0
    try:
        for path, data in entries:
            folder, name = _split(path)
            stage = stages.get(folder)
            if stage is None:
                if not os.path.isdir(folder):
                    new_folders.add(folder)
                parent, base = os.path.split(folder)
                made.extend(_make_folders(parent))
                stage = stages[folder] = _make_stage(parent, base)
            _write_new(f"{stage}{os.sep}{name}", data)
            count += 1
        for folder, stage in sorted(stages.items()):
            if folder in new_folders and _rename_folder(stage, folder):
                continue
            for name in os.listdir(stage):
                os.replace(f"{stage}{os.sep}{name}", f"{folder}{os.sep}{name}")
            os.rmdir(stage)
    except BaseException:
        for stage in stages.values():
            shutil.rmtree(stage, ignore_errors=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise
    if hasattr(os, "sync"):  # Unix; elsewhere the files are left to the system to flush
        os.sync()
    return count


class NewFiles(ABC):
    """New files handed over one by one and created all or none by :meth:`finish`
    (see :func:`create_files`); leaving the ``with`` block without finishing, or on an
    exception, creates none."""

    @abstractmethod
    def add(self, path: str, data: bytes) -> None: ...

    @abstractmethod
    def finish(self) -> int:
        """Create the files; how many."""

    @abstractmethod
    def abandon(self) -> None:
        """Create none of the files (nothing, once finished)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.abandon()


class StagedFiles(NewFiles):
    """:class:`NewFiles` created in this process, when :meth:`finish` is called."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, bytes]] = []

    def add(self, path: str, data: bytes) -> None:
        self._entries.append((path, data))

    def finish(self) -> int:
        entries, self._entries = self._entries, []
        return create_files(entries)

    def abandon(self) -> None:
        self._entries = []


def _split(path: str) -> tuple[str, str]:
    """``os.path.split``, faster where there is one separator (it runs for every file)."""
    if os.altsep:
        return os.path.split(path)
    folder, _, name = path.rpartition(os.sep)
    return folder, name


def _write_new(path: str, data: bytes) -> None:
    """Create the file ``path``, which must not exist, holding ``data``."""
    view = memoryview(data)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _make_folders(folder: str) -> list[str]:
    """Make ``folder`` and its missing parents; the ones made, parents first."""
    missing: list[str] = []
    while folder and not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(each)
    return missing[::-1]


def _make_stage(parent: str, name: str) -> str:
    """A new hidden folder in ``parent`` (project loading skips hidden folders), made
    with the permissions the umask gives, which the folder keeps when it takes
    ``name``'s place."""
    while True:
        stage = os.path.join(parent, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            os.mkdir(stage)
        except FileExistsError:
            continue
        return stage


def _rename_folder(stage: str, folder: str) -> bool:
    """Move ``stage`` to ``folder`` in one rename; ``False`` if ``folder`` appeared
    meanwhile with files in it (then the files are moved one by one)."""
    try:
        os.rename(stage, folder)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            return False
        raise
    return True

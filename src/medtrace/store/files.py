"""Writing files into a user's project: atomically, all or none, never half-written.

Every file medtrace writes goes through this module. A file is written to a hidden
temporary file in its folder (``.NAME.PID-RANDOM.tmp``) and renamed over its
name, so a reader sees the old file or the new one, never a part. The new file
keeps the mode of the file it replaces; a new one gets the mode the umask gives
(``0o666 & ~umask``). A file its owner may not write (no ``u+w``) is refused,
not replaced. Several files are written all or none (:func:`write_files`): every
temporary file is written first, and renamed only when all are. A failure
(a full disk, a read-only file or folder) removes what was written and raises
:class:`WriteError`, which names the file and says that nothing was changed.

A writer killed on the way (``kill -9``) leaves its temporary file or staging
folder behind; the next write to the same folder removes those whose process is
gone (the process id is in the name).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from medtrace.errors import MedtraceError

_TEMPORARY = re.compile(r"\.(?P<pid>\d+)-[0-9a-f]+\.tmp$")
FSYNC_FILES = 64  # an import of at most this many files syncs each; a larger one, the system
_OLD_TEMPORARY = re.compile(r"\A\..+\.[a-z0-9_]{8}\.tmp\Z")  # (tempfile's 8 characters)
_OLD_TEMPORARY_AGE = 3600.0  # seconds: a temporary file without a process id older than this


class WriteError(MedtraceError):
    """A file could not be written; nothing was changed."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    write_files([(path, data)])


def write_new(path: Path, data: bytes) -> None:
    """Create the file ``path`` holding ``data``; :class:`WriteError` when it exists."""
    write_files([(path, data)], new=True)


def write_files(entries: Sequence[tuple[Path, bytes]], *, new: bool = False) -> None:
    """Write every (path, content) of ``entries``, all or none (see the module
    docstring); with ``new``, each path must not exist, and is never replaced."""
    made: list[Path] = []  # folders made, parents first
    temporaries: list[tuple[str, Path]] = []
    current = Path()
    try:
        swept: set[Path] = set()
        for path, data in entries:
            current = path
            folder = path.parent
            made.extend(_missing_folders(folder))
            if folder not in swept:
                swept.add(folder)
                remove_stale(folder)
            temporaries.append((_temporary(path, data, new), path))
        for temporary, path in temporaries:
            current = path
            if new:
                _link_new(temporary, path)
            else:
                os.replace(temporary, path)
    except OSError as error:
        for temporary, _ in temporaries:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise WriteError(_failure(current, error)) from error


def _link_new(temporary: str, path: Path) -> None:
    """Give ``temporary`` the name ``path``, which must not exist (a hard link fails if it
    does; where the file system has none, the name is checked first)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.rename(temporary, path)
        return
    os.unlink(temporary)


def _failure(path: Path, error: OSError) -> str:
    if error.errno == errno.EEXIST:
        return f"{path} exists already; nothing was changed"
    reason = error.strerror or " ".join(str(error).split())
    return f"cannot write {path}: {reason}; nothing was changed"


def _missing_folders(folder: Path) -> list[Path]:
    missing: list[Path] = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    made = []
    for each in reversed(missing):
        try:
            os.mkdir(each)
        except FileExistsError:
            continue
        made.append(each)
    return made


def _temporary(path: Path, data: bytes, new: bool) -> str:
    """A temporary file beside ``path`` holding ``data``, with the mode ``path`` will have,
    made durable."""
    mode: int | None = None
    if new and os.path.lexists(path):  # (checked for all before any is linked)
        raise FileExistsError(errno.EEXIST, "exists", str(path))
    if not new:
        try:
            status = os.stat(path)
        except FileNotFoundError:
            pass
        else:
            mode = stat.S_IMODE(status.st_mode)
            if not mode & stat.S_IWUSR:
                raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    temporary = os.path.join(path.parent, _temporary_name(path.name))
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(descriptor, mode)
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _temporary_name(name: str) -> str:
    return f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def remove_stale(folder: Path) -> int:
    """Remove the hidden temporary files and staging folders in ``folder`` that a killed
    writer left (its process is gone); how many."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    removed = 0
    for entry in entries:
        name = entry.name
        if name[:1] != "." or not name.endswith(".tmp") or not _stale(entry):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
    return removed


def _stale(entry: os.DirEntry[str]) -> bool:
    match = _TEMPORARY.search(entry.name)
    if match is None:  # an older medtrace's name (mkstemp's): stale once it is old
        if _OLD_TEMPORARY.match(entry.name) is None:
            return False
        try:
            return time.time() - entry.stat(follow_symlinks=False).st_mtime > _OLD_TEMPORARY_AGE
        except OSError:
            return False
    pid = int(match.group("pid"))
    return pid != os.getpid() and not _alive(pid)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - signal 0 would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


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
    creating files; a few are synced one by one: a sync of the whole system waits for
    every other process's writes too)."""
    stages: dict[str, str] = {}  # folder -> its staging folder
    new_folders: set[str] = set()
    made: list[str] = []  # folders made for the stages, parents first
    written: list[str] = []
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
            _write_new(f"{stage}{os.sep}{name}", data, durable=len(written) < FSYNC_FILES)
            written.append(f"{folder}{os.sep}{name}")
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
    if count > FSYNC_FILES and hasattr(os, "sync"):  # Unix; elsewhere the system flushes
        os.sync()
    else:
        folders = {os.path.dirname(path) for path in written}
        for folder in sorted(folders | {os.path.dirname(folder) for folder in folders}):
            _sync_folder(folder)
    return count


def _sync_folder(folder: str) -> None:
    """Make the names of a folder's new files durable (where folders can be opened)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


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


def _write_new(path: str, data: bytes, *, durable: bool = False) -> None:
    """Create the file ``path``, which must not exist, holding ``data`` (synced to the
    disk when ``durable``)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_all(descriptor, data)
        if durable:
            os.fsync(descriptor)
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
    ``name``'s place; a killed import's stale stages there are removed first."""
    remove_stale(Path(parent))
    while True:
        stage = os.path.join(parent, _temporary_name(name))
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

"""Writing files into a user's project: atomically, never half-written."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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


def create_files(paths: Sequence[str], content: Callable[[int], bytes], *, threads: int = 1) -> int:
    """Create the new files ``paths`` (absolute; the caller has checked that none
    exists), the ``i``-th holding ``content(i)``, all or none, and make them durable;
    returns how many.

    The files of each folder are written to a hidden staging folder beside it, which
    takes the folder's place in one rename when the folder is new (the common case of
    an import), or whose files are renamed into it one by one. A failure before that
    removes the staging folders: nothing is written. An import of tens of thousands of
    items spends most of its time creating files, nearly all of it in the system: they
    are synced once at the end, and with ``threads=2`` (and :data:`THREAD_THRESHOLD`
    files or more) two threads render and create them, each into staging folders of
    its own: while one waits for the system, the other runs ``content`` (so ``content``
    must be safe to call from two threads). A system creates the files of one folder
    one at a time; renaming them in afterwards costs a tenth of creating them."""
    workers = max(1, threads) if len(paths) >= THREAD_THRESHOLD else 1
    bounds = [len(paths) * worker // workers for worker in range(workers + 1)]
    stages: dict[tuple[str, int], str] = {}  # (folder, worker) -> its staging folder
    new_folders: set[str] = set()
    made: list[str] = []  # folders made for the stages, parents first
    try:
        staged = _staged_paths(paths, bounds, stages, new_folders, made)
        _write_ranges(staged, content, bounds)
        for (folder, _), stage in sorted(stages.items()):
            if folder in new_folders and _rename_folder(stage, folder):
                new_folders.discard(folder)  # the next stage of it moves file by file
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
    return len(paths)


def _staged_paths(
    paths: Sequence[str],
    bounds: list[int],
    stages: dict[tuple[str, int], str],
    new_folders: set[str],
    made: list[str],
) -> list[str]:
    """Where each of ``paths`` is written first: in the staging folder of its folder and
    worker, made here (and recorded in ``stages``, with the missing parents made in
    ``made`` and the folders that do not exist yet in ``new_folders``)."""
    staged: list[str] = []
    worker = 0
    for index, path in enumerate(paths):
        while index >= bounds[worker + 1]:
            worker += 1
        folder, name = _split(path)
        stage = stages.get((folder, worker))
        if stage is None:
            if not os.path.isdir(folder):
                new_folders.add(folder)
            parent, base = os.path.split(folder)
            made.extend(_make_folders(parent))
            stage = stages[folder, worker] = _make_stage(parent, base)
        staged.append(f"{stage}{os.sep}{name}")
    return staged


THREAD_THRESHOLD = 1_000  # files: below it a second thread costs more than it saves


def _write_ranges(paths: Sequence[str], content: Callable[[int], bytes], bounds: list[int]) -> None:
    """Write ``paths[bounds[k]:bounds[k + 1]]`` in a thread each (the system calls let
    the others run); the first failure stops the others and is raised once they have."""
    failed = threading.Event()
    if len(bounds) == 2:
        _write_range(paths, content, bounds[0], bounds[1], failed)
        return
    with ThreadPoolExecutor(max_workers=len(bounds) - 1) as pool:
        futures = [
            pool.submit(_write_range, paths, content, start, stop, failed)
            for start, stop in itertools.pairwise(bounds)
        ]
    for future in futures:
        future.result()


def _split(path: str) -> tuple[str, str]:
    """``os.path.split``, faster where there is one separator (it runs for every file)."""
    if os.altsep:
        return os.path.split(path)
    folder, _, name = path.rpartition(os.sep)
    return folder, name


def _write_range(
    paths: Sequence[str],
    content: Callable[[int], bytes],
    start: int,
    stop: int,
    failed: threading.Event,
) -> None:
    try:
        for index in range(start, stop):
            if failed.is_set():
                return
            data = memoryview(content(index))
            descriptor = os.open(paths[index], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                while data:
                    data = data[os.write(descriptor, data) :]
            finally:
                os.close(descriptor)
    except BaseException:
        failed.set()
        raise


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

"""Issue 19: a rewritten file keeps its mode, a new one gets the umask's, a read-only file
is refused, and the hidden temporary files of a killed write are removed by the next."""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from medtrace.errors import MedtraceError
from medtrace.store import files
from medtrace.store.files import create_files, write_atomic, write_files

_FORK = multiprocessing.get_context("fork")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "record.md"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o640)
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert _mode(path) == 0o640
    script = tmp_path / "hook.sh"
    script.write_bytes(b"#!/bin/sh\n")
    os.chmod(script, 0o755)
    write_atomic(script, b"#!/bin/sh\necho\n")
    assert _mode(script) == 0o755


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "new.md", b"text\n")
        write_files([(tmp_path / "a.md", b"a\n"), (tmp_path / "sub" / "b.md", b"b\n")])
    finally:
        os.umask(old)
    for name in ("new.md", "a.md", "sub/b.md"):
        assert _mode(tmp_path / name) == 0o666 & ~mask, name


def test_a_read_only_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "medtrace-reviews.yaml"
    path.write_bytes(b"kept\n")
    os.chmod(path, 0o444)
    other = tmp_path / "other.md"
    with pytest.raises(MedtraceError, match=r"medtrace-reviews.yaml.*read-only.*nothing was"):
        write_files([(other, b"new\n"), (path, b"new\n")])
    assert path.read_bytes() == b"kept\n"
    assert not other.exists()
    assert _hidden(tmp_path) == []


def test_a_failed_write_of_several_files_changes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_bytes(b"a\n")
    written = []
    real = os.write

    def full_disk(descriptor: int, data: bytes | memoryview) -> int:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(bytes(data))
        return real(descriptor, data)

    monkeypatch.setattr(os, "write", full_disk)
    entries = [(tmp_path / name, b"new\n") for name in ("a.md", "b.md", "new/c.md")]
    with pytest.raises(MedtraceError, match=r"c\.md: No space left on device; nothing was changed"):
        write_files(entries)
    assert (tmp_path / "a.md").read_bytes() == b"a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]  # "new" is gone again


def _killed_while_writing(target: Path, write: object) -> None:
    """Fork a writer of ``target`` that is killed (SIGKILL) before it renames its file."""
    started = _FORK.Event()

    def child() -> None:
        def stuck(*_: object) -> None:
            started.set()
            time.sleep(60)

        os.replace = stuck  # type: ignore[assignment]
        os.rename = stuck  # type: ignore[assignment]
        assert callable(write)
        write()

    process = _FORK.Process(target=child)
    process.start()
    assert started.wait(20), "the writer never got to its rename"
    assert process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    process.join()


def test_the_temporary_file_of_a_killed_write_is_removed_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "medtrace-reviews.yaml"
    _killed_while_writing(target, lambda: write_atomic(target, b"first\n"))
    assert len(_hidden(tmp_path)) == 1  # what the killed writer left
    write_atomic(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert _hidden(tmp_path) == []


def test_the_staging_folder_of_a_killed_import_is_removed_by_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "reqif" / "software-requirement"
    entries = [(str(folder / f"SRS-{n}.md"), b"item\n") for n in range(3)]
    _killed_while_writing(folder, lambda: create_files(iter(entries)))
    assert len(_hidden(tmp_path)) >= 1
    create_files(iter([(str(folder / "SRS-9.md"), b"item\n")]))
    assert _hidden(tmp_path) == []
    assert sorted(p.name for p in folder.iterdir()) == ["SRS-9.md"]


def test_a_temporary_file_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "record.md"
    alive = tmp_path / f".record.md.{os.getppid()}-0123abcd.tmp"  # (this process's parent)
    alive.write_bytes(b"being written\n")
    write_atomic(target, b"text\n")
    assert alive.exists()
    assert files is not None


def test_other_hidden_files_are_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / ".notes.tmp"
    mine.write_bytes(b"a person's file\n")
    old = time.time() - 7200
    os.utime(mine, (old, old))
    write_atomic(tmp_path / "record.md", b"text\n")
    assert mine.exists()

"""Creating many new files: all or none, in new and existing folders, by one thread
or two."""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from medtrace.store import files
from medtrace.store.files import create_files

MANY = 21  # files: enough for two threads once the threshold is lowered to 8


@pytest.fixture(autouse=True)
def _low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "THREAD_THRESHOLD", 8)


def contents(paths: list[str]) -> list[bytes]:
    return [f"file {index}\n".encode() for index, _ in enumerate(paths)]


def listing(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("count", [3, MANY])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_files_land_in_new_and_existing_folders(tmp_path: Path, count: int, threads: int) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "kept.md").write_bytes(b"kept\n")
    names = [f"{'ab'[index % 2]}/deep/F-{index}.md" for index in range(count)]
    names = [name.replace("b/deep", "b") for name in names]
    paths = [str(tmp_path / name) for name in names]
    data = contents(paths)
    assert create_files(paths, data.__getitem__, threads=threads) == count
    found = listing(tmp_path)
    assert found.pop("b/kept.md") == b"kept\n"
    assert found == {name: f"file {index}\n".encode() for index, name in enumerate(names)}
    hidden = list(tmp_path.rglob(".*"))
    assert hidden == []  # no staging folder left
    mode = stat.S_IMODE(os.stat(tmp_path / "a" / "deep").st_mode)
    assert mode == 0o777 & ~current_umask()  # not a temporary folder's 0o700


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_many_files_are_written_by_two_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writers: set[int] = set()
    real: Callable[..., int] = os.open

    def recording(path: str, *args: int, **kwargs: int) -> int:
        writers.add(threading.get_ident())
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    paths = [str(tmp_path / "a" / f"F-{index}.md") for index in range(MANY)]
    create_files(paths, contents(paths).__getitem__, threads=2)
    assert len(writers) == 2
    writers.clear()
    few = [str(tmp_path / "b" / f"F-{index}.md") for index in range(7)]
    create_files(few, contents(few).__getitem__, threads=2)
    assert len(writers) == 1  # below the threshold: one thread


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("failing", [2, MANY - 3])  # in the first half, in the second
def test_a_failure_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int, failing: int
) -> None:
    (tmp_path / "b").mkdir()
    paths = [
        str(tmp_path / ("a/new" if index % 2 else "b") / f"F-{index}.md") for index in range(MANY)
    ]
    real: Callable[..., int] = os.open

    def full_disk(path: str, *args: int, **kwargs: int) -> int:
        if path.endswith(f"F-{failing}.md"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", full_disk)
    with pytest.raises(OSError, match="No space left"):
        create_files(paths, contents(paths).__getitem__, threads=threads)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b"]  # "a" is gone again
    assert list((tmp_path / "b").iterdir()) == []


@pytest.mark.parametrize("threads", [1, 2])
def test_a_failure_to_render_writes_nothing(tmp_path: Path, threads: int) -> None:
    paths = [str(tmp_path / "a" / f"F-{index}.md") for index in range(MANY)]

    def content(index: int) -> bytes:
        if index == MANY - 3:  # in the second thread's half, with two
            raise ValueError("cannot render F")
        return b"text\n"

    with pytest.raises(ValueError, match="cannot render F"):
        create_files(paths, content, threads=threads)
    assert list(tmp_path.iterdir()) == []

"""Creating many new files: all or none, in new and existing folders, in one process
or two."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from medtrace.store import files
from medtrace.store.files import create_files

MANY = 21  # files: enough for two processes once the threshold is lowered to 8


@pytest.fixture(autouse=True)
def _low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "FORK_THRESHOLD", 8)


def contents(paths: list[str]) -> dict[str, bytes]:
    return {path: f"file {index}\n".encode() for index, path in enumerate(paths)}


def listing(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("count", [3, MANY])
@pytest.mark.parametrize("processes", [1, 2])
def test_files_land_in_new_and_existing_folders(tmp_path: Path, count: int, processes: int) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "kept.md").write_bytes(b"kept\n")
    names = [f"{'ab'[index % 2]}/deep/F-{index}.md" for index in range(count)]
    names = [name.replace("b/deep", "b") for name in names]
    paths = [str(tmp_path / name) for name in names]
    expected = contents(paths)
    assert create_files(paths, lambda index: expected[paths[index]], processes=processes) == count
    found = listing(tmp_path)
    assert found.pop("b/kept.md") == b"kept\n"
    assert found == {name: expected[str(tmp_path / name)] for name in names}
    hidden = list(tmp_path.rglob(".*"))
    assert hidden == []  # no staging folder left
    mode = stat.S_IMODE(os.stat(tmp_path / "a" / "deep").st_mode)
    assert mode == 0o777 & ~current_umask()  # not a temporary folder's 0o700


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failure_writes_nothing(tmp_path: Path, processes: int) -> None:
    (tmp_path / "b").mkdir()
    count = MANY
    paths = [
        str(tmp_path / ("a/new" if index % 2 else "b") / f"F-{index}.md") for index in range(count)
    ]

    def content(index: int) -> bytes:
        if index == count - 3:  # in the second half: the forked process's, with two
            raise ValueError("cannot render F")
        return b"text\n"

    # With two processes the forked one fails, and says why in the parent's error.
    with pytest.raises(OSError if processes == 2 else ValueError, match="cannot render F"):
        create_files(paths, content, processes=processes)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b"]  # "a" is gone again
    assert list((tmp_path / "b").iterdir()) == []


def test_two_processes_need_many_files_and_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    assert files._may_fork(8)
    assert not files._may_fork(7)
    monkeypatch.setattr("threading.active_count", lambda: 2)  # as a web server has
    assert not files._may_fork(8)

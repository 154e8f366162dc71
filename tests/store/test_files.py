"""Creating many new files: all or none, in new and existing folders."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medtrace.store.files import StagedFiles, create_files

COUNT = 21


def listing(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("count", [1, 3, COUNT])
def test_files_land_in_new_and_existing_folders(tmp_path: Path, count: int) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "kept.md").write_bytes(b"kept\n")
    names = [f"{'ab'[index % 2]}/deep/F-{index}.md" for index in range(count)]
    names = [name.replace("b/deep", "b") for name in names]
    paths = [str(tmp_path / name) for name in names]
    entries = ((path, f"file {index}\n".encode()) for index, path in enumerate(paths))
    assert create_files(entries) == count
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


@pytest.mark.parametrize("failing", [2, COUNT - 3])  # in an existing folder, in a new one
def test_a_full_disk_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    (tmp_path / "b").mkdir()
    paths = [
        str(tmp_path / ("a/new" if index % 2 else "b") / f"F-{index}.md") for index in range(COUNT)
    ]
    real: Callable[..., int] = os.open

    def full_disk(path: str, *args: int, **kwargs: int) -> int:
        if path.endswith(f"F-{failing}.md"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", full_disk)
    with pytest.raises(OSError, match="No space left"):
        create_files((path, b"text\n") for path in paths)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b"]  # "a" is gone again
    assert list((tmp_path / "b").iterdir()) == []


def test_a_failure_to_render_writes_nothing(tmp_path: Path) -> None:
    def entries() -> Iterator[tuple[str, bytes]]:
        for index in range(COUNT):
            if index == COUNT - 3:
                raise ValueError("cannot render F")
            yield str(tmp_path / "a" / f"F-{index}.md"), b"text\n"

    with pytest.raises(ValueError, match="cannot render F"):
        create_files(entries())
    assert list(tmp_path.iterdir()) == []


def test_a_folder_made_meanwhile_receives_the_files_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real: Callable[..., int] = os.open

    def racing(path: str, *args: int, **kwargs: int) -> int:
        if path.endswith("F-1.md"):  # meanwhile another program makes the folder
            (tmp_path / "a").mkdir()
            os.close(real(str(tmp_path / "a" / "theirs.md"), os.O_WRONLY | os.O_CREAT))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", racing)
    create_files([(str(tmp_path / "a" / "F-1.md"), b"mine\n")])
    monkeypatch.undo()
    assert listing(tmp_path) == {"a/F-1.md": b"mine\n", "a/theirs.md": b""}


def test_staged_files_are_created_on_finish_and_not_at_all_without_it(tmp_path: Path) -> None:
    with StagedFiles() as files:
        files.add(str(tmp_path / "a" / "F-1.md"), b"one\n")
        assert list(tmp_path.iterdir()) == []  # nothing before finish
        assert files.finish() == 1
    assert listing(tmp_path) == {"a/F-1.md": b"one\n"}
    with pytest.raises(ValueError, match="stop"), StagedFiles() as files:
        files.add(str(tmp_path / "b" / "F-2.md"), b"two\n")
        raise ValueError("stop")
    assert listing(tmp_path) == {"a/F-1.md": b"one\n"}

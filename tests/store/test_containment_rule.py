"""The containment rule on its own: inside the root after links are resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtrace.store.containment import OutsideProjectError, inside, is_inside


def test_a_path_below_the_root_is_inside(tmp_path: Path) -> None:
    assert is_inside(tmp_path, Path("soup"))
    assert is_inside(tmp_path, Path("a/b/../c/new.md"))  # need not exist yet
    assert inside(tmp_path, "soup/x.md", "[soup] folder") == tmp_path / "soup/x.md"


@pytest.mark.parametrize("path", ["..", "../x", "a/../../x", "/etc/passwd"])
def test_a_path_leading_out_is_refused_naming_the_setting(tmp_path: Path, path: str) -> None:
    root = tmp_path / "project"
    root.mkdir()
    assert not is_inside(root, Path(path))
    with pytest.raises(OutsideProjectError, match=r"\[soup\] folder .* leads outside the project"):
        inside(root, path, "[soup] folder")


def test_a_link_out_of_the_root_is_outside(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "soup").symlink_to(elsewhere)
    (root / "file.txt").symlink_to(elsewhere / "secret.txt")
    assert not is_inside(root, Path("soup"))
    assert not is_inside(root, Path("soup/new.md"))
    assert not is_inside(root, Path("file.txt"))


def test_a_link_that_stays_inside_is_inside(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert is_inside(tmp_path, Path("alias/x.md"))

"""The server's clone after a process was killed mid-save: git's index lock removed, and a
file written but never committed put back (the person was never told it was saved)."""

from __future__ import annotations

from pathlib import Path

from tests.web.served import git, make_served_project

from medtrace.api.shared_repo import recover_clone


def test_a_save_killed_between_write_and_commit_is_put_back(tmp_path: Path) -> None:
    root = make_served_project(tmp_path / "pump")
    path = next(root.rglob("SRS-012.md"))
    committed = path.read_text("utf-8")
    path.write_text(committed + "\nWritten, never committed.\n", "utf-8")
    git(root, "add", str(path))  # killed during git add: staged, not committed
    other = root / "notes.txt"
    other.write_text("untracked: not the server's to touch\n", "utf-8")
    (root / ".git" / "index.lock").write_text("", "utf-8")  # killed inside git commit
    put_back = recover_clone(root)
    assert [Path(p).name for p in put_back] == ["SRS-012.md"]
    assert path.read_text("utf-8") == committed
    assert not (root / ".git" / "index.lock").exists()
    assert other.exists()
    assert git(root, "status", "--porcelain", "--untracked-files=no") == ""


def test_a_clean_clone_is_left_as_it_is(tmp_path: Path) -> None:
    root = make_served_project(tmp_path / "pump")
    head = git(root, "rev-parse", "HEAD")
    assert recover_clone(root) == ()
    assert git(root, "rev-parse", "HEAD") == head

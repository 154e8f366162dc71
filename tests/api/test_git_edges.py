"""Issue 19: git histories that are not whole, and file names git keeps that are not UTF-8.

A shallow clone's history begins at the earliest fetched commit: ``history`` says so
rather than calling it the item's creation. An item file whose name is not UTF-8 is
named by ``diff`` (it cannot be compared) and refused by ``baseline create`` (a
baseline would leave it out), never left out silently.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.test_git_changes import git_in, shut_out_git_configuration

from medtrace.api.baseline import create_baseline
from medtrace.api.diff import diff
from medtrace.api.history import item_history
from medtrace.cli.main import cli
from medtrace.errors import MedtraceError
from medtrace.export.diff import diff_json, diff_markdown

ITEM = "---\nid: SRS-1\nkind: software-requirement\ntitle: {title}\n---\nText.\n"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)


def _repository(folder: Path) -> tuple[Path, object]:
    folder.mkdir()
    git = git_in(folder)
    git("init", "-q")
    git("config", "user.name", "Ada Tester")
    git("config", "user.email", "ada@example.com")
    (folder / "medtrace.toml").write_text('[project]\nname = "G"\n', "utf-8")
    (folder / ".gitignore").write_text(".medtrace/\n", "utf-8")
    (folder / "items").mkdir()
    return folder, git


def _commit(git: object, message: str) -> None:
    assert callable(git)
    git("add", "-A")
    git("commit", "-q", "-m", message)


def test_history_in_a_shallow_clone_says_it_begins_at_the_earliest_fetched_commit(
    tmp_path: Path,
) -> None:
    origin, git = _repository(tmp_path / "origin")
    for number, title in enumerate(("First", "Second", "Third"), start=1):
        (origin / "items" / "SRS-1.md").write_text(ITEM.format(title=title), "utf-8")
        _commit(git, f"commit {number}")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{origin}", str(clone)], check=True
    )
    entries = item_history(clone, "SRS-1")
    assert [e.event for e in entries] == ["first fetched", "changed"]
    full = item_history(origin, "SRS-1")
    assert [e.event for e in full] == ["created", "changed", "changed"]
    result = CliRunner().invoke(cli, ["history", "SRS-1", "--path", str(clone)])
    assert result.exit_code == 0, result.output
    assert "shallow" in result.output and "--unshallow" in result.output


def _not_utf8(folder: Path) -> Path:
    name = os.fsdecode(b"caf\xe9.md")  # Latin-1 bytes: not UTF-8
    path = folder / "items" / name
    path.write_text(ITEM.replace("SRS-1", "SRS-2").format(title="Latin"), "utf-8")
    return path


def test_diff_names_an_item_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    root, git = _repository(tmp_path / "repo")
    (root / "items" / "SRS-1.md").write_text(ITEM.format(title="One"), "utf-8")
    _commit(git, "one")
    _not_utf8(root)
    _commit(git, "a file with a Latin-1 name")
    changes = diff(root, "HEAD~1", "HEAD")
    assert not changes.empty
    assert changes.unreadable == ("new: items/caf\ufffd.md",)
    assert "caf\ufffd.md" in diff_markdown(changes)
    assert "caf\\ufffd.md" in diff_json(changes) or "caf\ufffd.md" in diff_json(changes)


def test_a_baseline_refuses_an_item_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    root, git = _repository(tmp_path / "repo")
    (root / "items" / "SRS-1.md").write_text(ITEM.format(title="One"), "utf-8")
    _not_utf8(root)
    _commit(git, "with a Latin-1 name")
    with pytest.raises(MedtraceError, match=r"caf\ufffd\.md.*not UTF-8") as refused:
        create_baseline(root, "b1")
    assert "nothing was tagged" in str(refused.value)
    assert callable(git)
    assert git("tag", "--list").strip() == ""

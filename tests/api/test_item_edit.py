"""Item edits for someone else: the would-be file, the version check, ids, commits."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from medtrace.api.commit import Author
from medtrace.api.item_edit import (
    EditConflictError,
    InvalidEditError,
    compose_edit,
    create_item,
    merge_edit,
    open_item,
    save_item,
)
from medtrace.api.load import load_project
from medtrace.api.workspace import Workspace
from medtrace.errors import ProjectError

ANA = Author(name="Ana Ruiz", email="ana@example.org")
TEXT = """---
id: SRS-1
kind: software-requirement
title: Old title
# a comment the person wrote
derived-from: [SYS-1]
status: draft
---
The body.
"""


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "items").mkdir()
    (project / "items" / "SYS-1.md").write_text(
        "---\nid: SYS-1\nkind: system-requirement\ntitle: A system requirement\n---\nText.\n"
    )
    (project / "items" / "SRS-1.md").write_text(TEXT)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(
            ["git", "-c", "user.name=x", "-c", "user.email=x@y", *args],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return project


def _schema(root: Path):  # type: ignore[no-untyped-def]
    return load_project(root).config.schema


def test_compose_changes_only_the_keys_that_changed(repo: Path) -> None:
    values = {"title": "New title", "derived-from": ("SYS-1",), "status": "draft", "rationale": ""}
    text = compose_edit(_schema(repo), "items/SRS-1.md", TEXT, values, "New body.")
    assert text == TEXT.replace("Old title", "New title").replace("The body.", "New body.")


def test_compose_writes_lists_and_removes_emptied_keys(repo: Path) -> None:
    values = {"title": "Old title", "derived-from": ("SYS-1", "SYS-2"), "status": ""}
    text = compose_edit(_schema(repo), "items/SRS-1.md", TEXT, values, "The body.")
    assert "derived-from:\n- SYS-1\n- SYS-2\n" in text and "status" not in text
    assert "# a comment the person wrote\n" in text


def test_save_commits_with_the_author_and_reason(repo: Path) -> None:
    opened = open_item(repo, "items/SRS-1.md")
    new = opened.text.replace("Old title", "New title")
    saved = save_item(
        repo,
        "items/SRS-1.md",
        new,
        base=opened.text,
        base_version=opened.version,
        author=ANA,
        reason="clearer wording",
    )
    log = subprocess.run(
        ["git", "log", "-1", "--format=%an|%ae|%cn|%B"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        log
        == "Ana Ruiz|ana@example.org|Ana Ruiz|Edit SRS-1: New title\n\nReason: clearer wording\n"
        "Medtrace-Audit: logged\n\n"
    )
    assert (
        saved.commit
        == subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
    )


def test_a_changed_file_is_a_conflict_and_nothing_is_written(repo: Path) -> None:
    opened = open_item(repo, "items/SRS-1.md")
    theirs = opened.text.replace("The body.", "Their body.")
    (repo / "items" / "SRS-1.md").write_text(theirs)
    mine = opened.text.replace("Old title", "My title")
    with pytest.raises(EditConflictError) as raised:
        save_item(
            repo,
            "items/SRS-1.md",
            mine,
            base=opened.text,
            base_version=opened.version,
            author=ANA,
            reason="mine",
        )
    conflict = raised.value
    assert (conflict.base, conflict.theirs, conflict.yours) == (opened.text, theirs, mine)
    assert (repo / "items" / "SRS-1.md").read_text() == theirs
    merged = merge_edit(
        _schema(repo),
        "items/SRS-1.md",
        conflict,
        {"title": "My title", "status": "draft"},
        "The body.",
    )
    assert merged.values["title"] == "My title" and merged.body.strip() == "Their body."
    assert merged.conflicts == ()


def test_a_missing_reason_or_a_broken_file_is_refused(repo: Path) -> None:
    opened = open_item(repo, "items/SRS-1.md")
    with pytest.raises(ProjectError, match="needs a reason"):
        save_item(
            repo,
            "items/SRS-1.md",
            opened.text,
            base=opened.text,
            base_version=opened.version,
            author=ANA,
            reason=" ",
        )
    broken = opened.text.replace("id: SRS-1", "id: SRS-2")
    with pytest.raises(InvalidEditError, match="the id would change"):
        save_item(
            repo,
            "items/SRS-1.md",
            broken,
            base=opened.text,
            base_version=opened.version,
            author=ANA,
            reason="x",
        )
    assert (repo / "items" / "SRS-1.md").read_text() == TEXT


def test_people_creating_items_at_once_get_different_ids(repo: Path) -> None:
    made: list[str] = []

    def create(n: int) -> None:
        saved = create_item(
            repo,
            "system-requirement",
            {"title": f"New {n}"},
            "Text.",
            author=ANA,
            reason=f"need {n}",
        )
        made.append(saved.item_id)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made) == ["SYS-2", "SYS-3", "SYS-4", "SYS-5"]
    count = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert count == "5"


def test_the_workspace_sees_changes_on_disk(repo: Path) -> None:
    workspace = Workspace(repo, max_age=0)
    first = workspace.current()
    assert first.item("SRS-1").title == "Old title"  # type: ignore[union-attr]
    assert workspace.current() is first  # nothing changed: the same snapshot
    (repo / "items" / "SRS-1.md").write_text(TEXT.replace("Old title", "Edited on disk"))
    assert workspace.current().item("SRS-1").title == "Edited on disk"  # type: ignore[union-attr]

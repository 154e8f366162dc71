"""Suspect links from git history: a link is clean when made, suspect after a change upstream.

Each scenario checks twice: with the cache (the walk goes on from the commit it last
reached) and without it (the whole history walked afresh); both must agree.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration

from medtrace.api import CheckOptions, LoadOptions, check_project, init_project
from medtrace.api.review import record_reviews

SUSPECT = "62304.7.4.1/suspect-link"


def item(project: Path, item_id: str, kind: str, body: str, links: str = "") -> None:
    text = f"---\nid: {item_id}\nkind: {kind}\ntitle: {item_id}\n{links}---\n{body}\n"
    (project / f"{item_id}.md").write_text(text, "utf-8")


def suspects(project: Path) -> set[str | None]:
    cached = check_project(project)
    fresh = check_project(project, CheckOptions(load=LoadOptions(use_cache=False)))
    found = {f.item for f in cached.findings if f.code == SUSPECT}
    again = {f.item for f in fresh.findings if f.code == SUSPECT}
    assert found == again, "the remembered walk and a walk afresh disagree"
    shutil.rmtree(project / ".medtrace", ignore_errors=True)
    walked = {f.item for f in check_project(project).findings if f.code == SUSPECT}
    assert walked == found, "a walk from the first commit disagrees"
    return found


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Git]:
    shut_out_git_configuration(monkeypatch, tmp_path)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    project = tmp_path / "p"
    init_project(project)
    item(project, "SWS-1", "software-system", "The software.", "safety-class: A\n")
    item(project, "SYS-1", "system-requirement", "The pump shall stop.")
    item(project, "SRS-1", "software-requirement", "Detect it.", "derived-from: [SYS-1]\n")
    git = git_in(project)
    git("init", "-q")
    git("config", "user.name", "Ada")
    git("config", "user.email", "ada@example.com")
    commit(git, "first")
    return project, git


def commit(git: Git, message: str) -> None:
    git("add", "-A")
    git("commit", "-qm", message)


def test_a_link_is_clean_when_made_and_suspect_after_an_upstream_change(
    repo: tuple[Path, Git],
) -> None:
    project, git = repo
    assert suspects(project) == set()
    item(project, "SYS-1", "system-requirement", "The pump shall stop within 3 s.")
    assert suspects(project) == {"SRS-1"}  # in the working tree only
    commit(git, "tighten SYS-1")
    assert suspects(project) == {"SRS-1"}
    # A link made after the change is clean: it was made against the new content.
    item(project, "SRS-2", "software-requirement", "Alarm.", "derived-from: [SYS-1]\n")
    commit(git, "SRS-2")
    assert suspects(project) == {"SRS-1"}
    # Put back as it was: SRS-1 is clean again, SRS-2 (made against the change) suspect.
    item(project, "SYS-1", "system-requirement", "The pump shall stop.")
    commit(git, "revert SYS-1")
    assert suspects(project) == {"SRS-2"}


def test_a_review_after_the_change_clears_the_link_until_the_next_change(
    repo: tuple[Path, Git],
) -> None:
    project, git = repo
    item(project, "SYS-1", "system-requirement", "The pump shall stop within 3 s.")
    commit(git, "tighten SYS-1")
    record_reviews(project, ["SRS-1"], now=dt.datetime.now(dt.UTC))
    commit(git, "review SRS-1")
    assert suspects(project) == set()
    item(project, "SYS-1", "system-requirement", "The pump shall stop within 2 s.")
    commit(git, "tighten SYS-1 again")
    assert suspects(project) == {"SRS-1"}


def test_another_branch_is_walked_afresh(repo: tuple[Path, Git]) -> None:
    project, git = repo
    git("checkout", "-qb", "change")
    item(project, "SYS-1", "system-requirement", "The pump shall stop within 3 s.")
    commit(git, "tighten SYS-1 on a branch")
    assert suspects(project) == {"SRS-1"}
    git("checkout", "-q", "-")
    assert suspects(project) == set()  # the main line never changed SYS-1


def test_a_project_in_a_folder_of_the_repository_walks_its_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)
    top = tmp_path / "repo"
    project = top / "docs" / "dhf"
    init_project(project)
    item(project, "SWS-1", "software-system", "The software.", "safety-class: A\n")
    item(project, "SYS-1", "system-requirement", "The pump shall stop.")
    item(project, "SRS-1", "software-requirement", "Detect it.", "derived-from: [SYS-1]\n")
    git = git_in(top)
    git("init", "-q")
    git("config", "user.name", "Ada")
    git("config", "user.email", "ada@example.com")
    commit(git, "first")
    (top / "README.md").write_text("A change outside the project.\n", "utf-8")
    commit(git, "outside")
    assert suspects(project) == set()
    item(project, "SYS-1", "system-requirement", "The pump shall stop within 3 s.")
    commit(git, "tighten SYS-1")
    assert suspects(project) == {"SRS-1"}

"""Change control: an edit to an approved item needs an approved change request (8.2.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.change_control import UNCONTROLLED, audit_changes
from medtrace.cli.changes import change_control
from medtrace.cli.context import Context

SRS = Path("requirements") / "software" / "SRS-008.md"
CHANGE_REQUEST = """---
id: CR-009
kind: change-request
title: Word the maximum bolus message as the labelling does
status: approved
state: {state}
safety-impact: No effect on the limit itself (RC-001); the message text only.
approved-by: Anna Keller (QA)
approved-date: 2026-03-02
changes: [SRS-008]
---
Align the message with the instructions for use.
"""


@pytest.fixture
def repo(example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Git]:
    shut_out_git_configuration(monkeypatch, tmp_path)
    git = git_in(example)
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "v1.2.0")
    git("tag", "v1.2.0")
    return example, git


def commit(git: Git, message: str) -> None:
    git("add", "-A")
    git("-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", message)


def edit_requirement(project: Path) -> None:
    path = project / SRS
    text = path.read_text("utf-8")
    assert "status: approved" in text
    path.write_text(text.replace("\n---\n", "\n---\nThe message names the limit.\n", 1), "utf-8")


def test_an_edit_without_a_change_request_is_reported(repo: tuple[Path, Git]) -> None:
    project, git = repo
    edit_requirement(project)
    commit(git, "Reword SRS-008")
    audit = audit_changes(project, "v1.2.0", "HEAD")
    assert [(c.id, c.what, c.requests) for c in audit.changes] == [("SRS-008", "changed", ())]
    (finding,) = audit.findings()
    assert (finding.code, finding.item, finding.clause) == (UNCONTROLLED, "SRS-008", "8.2.1")
    report = check_project(project, CheckOptions(load=LoadOptions(use_cache=False), since="v1.2.0"))
    assert [f.item for f in report.findings if f.code == UNCONTROLLED] == ["SRS-008"]
    result = CliRunner().invoke(
        change_control, ["v1.2.0", "HEAD", "--path", str(project)], obj=Context()
    )
    assert result.exit_code == 1, result.output
    assert "SRS-008" in result.output and "NO APPROVED CHANGE REQUEST" in result.output


def test_the_same_edit_with_an_approved_change_request_is_not(repo: tuple[Path, Git]) -> None:
    project, git = repo
    edit_requirement(project)
    (project / "changes" / "CR-009.md").write_text(CHANGE_REQUEST.format(state="approved"))
    commit(git, "Reword SRS-008 (CR-009)")
    audit = audit_changes(project, "v1.2.0", "HEAD")
    assert [(c.id, c.requests) for c in audit.changes] == [("SRS-008", ("CR-009",))]
    assert audit.findings() == ()
    result = CliRunner().invoke(change_control, ["v1.2.0", "--path", str(project)], obj=Context())
    assert result.exit_code == 0, result.output


def test_a_proposed_request_does_not_cover_and_status_only_edits_do_not_count(
    repo: tuple[Path, Git],
) -> None:
    project, _ = repo
    edit_requirement(project)
    (project / "changes" / "CR-009.md").write_text(CHANGE_REQUEST.format(state="proposed"))
    other = project / "requirements" / "software" / "SRS-009.md"
    other.write_text(other.read_text("utf-8").replace("status: approved", "status: in-review"))
    audit = audit_changes(project, "v1.2.0")  # against the working tree
    assert [(c.id, c.requests) for c in audit.changes] == [("SRS-008", ())]


def test_removing_a_controlled_item_is_a_change(repo: tuple[Path, Git]) -> None:
    project, _ = repo
    (project / SRS).unlink()
    audit = audit_changes(project, "v1.2.0")
    assert [(c.id, c.what) for c in audit.changes] == [("SRS-008", "removed")]

"""Suspect links: a change upstream flags the downstream chain until each item is reviewed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.cli import cli
from medtrace.graph import TraceGraph

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
SYS_ID = "SYS-006"
SYS = f"requirements/system/{SYS_ID}.md"


def suspects(root: Path) -> set[str]:
    report = check_project(root, NO_CACHE)
    return {f.item for f in report.findings if f.code == "62304.7.4.1/suspect-link" and f.item}


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text("utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), "utf-8")


def expected_chain(root: Path) -> dict[str, set[str]]:
    """The downstream of the system requirement, worked out from the graph independently."""
    project = load_project(root, LoadOptions(use_cache=False))
    graph = TraceGraph(project.items, project.config.schema)
    derived = {i.id for i in graph.sources(SYS_ID, "derived-from")}
    units = {i.id for r in derived for i in graph.sources(r, "implements")}
    tests = {i.id for r in derived for i in graph.sources(r, "verifies")}
    controls = {i.id for r in derived | units for i in graph.targets(r, "implements-risk-control")}
    return {"requirements": derived, "units": units, "tests": tests, "controls": controls}


def test_the_example_ships_reviewed_and_checks_clean(example: Path) -> None:
    assert (example / "medtrace-reviews.yaml").exists()
    assert suspects(example) == set()


def test_editing_a_system_requirement_flags_its_chain_until_each_is_reviewed(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ana Ruiz")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ana@example.invalid")
    chain = expected_chain(example)
    assert all(chain.values()), chain  # the example has each link of the chain
    edit(example, SYS, " shall ", " shall always ")
    flagged = suspects(example)
    for part, ids in chain.items():
        assert ids <= flagged, (part, ids - flagged)
    assert SYS_ID not in flagged  # the changed item itself is not suspect
    first, *rest = sorted(flagged)
    result = CliRunner().invoke(cli, ["review", first, "--path", str(example)])
    assert result.exit_code == 0, result.output
    assert suspects(example) == set(rest)
    CliRunner().invoke(cli, ["review", *rest, "--path", str(example)])
    assert suspects(example) == set()
    log = (example / "medtrace-reviews.yaml").read_text("utf-8")
    assert log.count("by: Ana Ruiz <ana@example.invalid>") == len(flagged)


def test_whitespace_and_non_normative_edits_flag_nothing(example: Path) -> None:
    edit(example, SYS, " shall ", "  shall\n")
    edit(example, SYS, "status: approved", "status: in-review")
    assert suspects(example) == set()


def test_a_new_link_starts_trusted(example: Path) -> None:
    (example / "tests" / "TC-900.md").write_text(
        "---\nid: TC-900\nkind: test-case\ntitle: Extra basal check\nlevel: system\n"
        f"method: automated\nverifies: [{SYS_ID}]\n---\nRuns the basal profile for 24 h.\n",
        "utf-8",
    )
    assert suspects(example) == set()


def test_a_broken_reviews_file_is_a_located_finding(example: Path) -> None:
    with (example / "medtrace-reviews.yaml").open("a", encoding="utf-8") as log:
        log.write("- item: SRS-001\n  by: [unclosed\n")
    report = check_project(example, NO_CACHE)
    problems = [f for f in report.findings if f.code == "file/reviews-invalid"]
    assert len(problems) == 1
    assert problems[0].location.path == "medtrace-reviews.yaml"
    assert (problems[0].location.line or 0) > 1000


def test_review_refuses_unknown_items_by_and_date_and_all_without_a_reason(
    example: Path,
) -> None:
    runner = CliRunner()
    before = (example / "medtrace-reviews.yaml").read_bytes()
    unknown = runner.invoke(cli, ["review", "SRS-999", "--path", str(example)])
    assert unknown.exit_code == 2
    assert "no item with id SRS-999" in unknown.stderr
    for option in (["--by", "Anyone at all"], ["--date", "2020-01-01"]):
        refused = runner.invoke(cli, ["review", "SRS-001", *option, "--path", str(example)])
        assert refused.exit_code == 2
        assert "is gone" in refused.stderr
    everything = runner.invoke(cli, ["review", "--all", "--path", str(example)])
    assert everything.exit_code == 2
    assert "needs a reason" in everything.stderr
    assert (example / "medtrace-reviews.yaml").read_bytes() == before


def test_review_without_a_git_identity_is_refused_and_writes_nothing(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("[user]\n\tuseConfigOnly = true\n", "utf-8")  # no guessing either
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    before = (example / "medtrace-reviews.yaml").read_bytes()
    result = CliRunner().invoke(cli, ["review", "SRS-001", "--path", str(example)])
    assert result.exit_code == 2
    assert "no git identity is set" in result.stderr
    assert (example / "medtrace-reviews.yaml").read_bytes() == before


def test_review_all_records_the_reason_the_time_and_the_identity(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ana Ruiz")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ana@example.invalid")
    edit(example, SYS, " shall ", " shall always ")
    assert suspects(example)
    result = CliRunner().invoke(
        cli, ["review", "--all", "--reason", "re-baselined after the v2 rewrite", "--path",
              str(example)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert suspects(example) == set()
    entries = yaml.safe_load((example / "medtrace-reviews.yaml").read_text("utf-8"))
    latest = [e for e in entries if e.get("reason")]
    assert latest
    assert {e["reason"] for e in latest} == {"re-baselined after the v2 rewrite"}
    assert {e["by"] for e in latest} == {"Ana Ruiz <ana@example.invalid>"}
    stamp = dt.datetime.fromisoformat(latest[0]["date"].replace("Z", "+00:00"))
    assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=5)


def test_diff_lists_the_items_newly_suspect(example: Path) -> None:
    import json
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(example), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.invalid")
    git("add", "-A")
    git("commit", "-qm", "baseline")
    chain = expected_chain(example)
    edit(example, SYS, " shall ", " shall always ")
    git("commit", "-qam", "tighten the dose limits")
    result = CliRunner().invoke(
        cli, ["diff", "HEAD~1", "HEAD", "--format", "json", "--path", str(example)]
    )
    assert result.exit_code == 0, result.output
    newly = set(json.loads(result.stdout)["suspect"])
    assert chain["requirements"] | chain["units"] | chain["tests"] <= newly
    assert SYS_ID not in newly


def test_a_project_outside_git_says_what_suspect_links_compare_against(example: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--path", str(example)])
    assert "history: the project is not in a git repository" in result.stdout
    document = CliRunner().invoke(cli, ["check", "--path", str(example), "--format", "json"])
    (note,) = json.loads(document.stdout)["notes"]
    assert "review stamps alone" in note

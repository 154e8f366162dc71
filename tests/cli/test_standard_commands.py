"""gaps, classify, fda and check --format sarif through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.cli import cli
from medtrace.standard import CLAUSES


def test_gaps_shows_every_clause_met_or_not_applicable_on_the_example(
    runner: CliRunner, committed: Path
) -> None:
    result = runner.invoke(cli, ["gaps", "--path", str(committed), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["class"] == "C"
    assert [row["clause"] for row in document["clauses"]] == [c.number for c in CLAUSES]
    statuses = {row["clause"]: row["status"] for row in document["clauses"]}
    reasons = {row["clause"]: row["reason"] for row in document["clauses"]}
    # Removed by Amendment 1, and nothing to evaluate: no item claims a lower class, and
    # no software is legacy (4.4).
    legacy = ("4.4.1", "4.4.2", "4.4.3", "4.4.4", "4.4.5")
    elsewhere = ("7.3.2", "5.3.5", *legacy)
    assert {statuses[n] for n in elsewhere} == {"not applicable"}
    assert reasons["7.3.2"] == "removed by Amendment 1"
    assert "segregation" in reasons["5.3.5"]
    assert all("legacy" in reasons[n] for n in legacy)
    assert {s for n, s in statuses.items() if n not in elsewhere} == {"met"}
    attested = next(row for row in document["clauses"] if row["clause"] == "5.1.2")
    assert attested["evidence"] and attested["method"] == "attestation"


def test_gaps_text_reads_at_80_columns_and_exits_1_on_gaps(
    runner: CliRunner, example: Path
) -> None:
    (example / "design" / "DD-001.md").unlink()
    result = runner.invoke(cli, ["gaps", "--path", str(example)])
    assert result.exit_code == 1
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    row = next(line for line in result.stdout.splitlines() if line.startswith("5.4.2 "))
    assert "gap" in row


def test_gaps_html_escapes_what_comes_from_the_project(runner: CliRunner, project: Path) -> None:
    (project / "medtrace.toml").write_text('[project]\nname = "<script>alert(1)</script>"\n')
    result = runner.invoke(cli, ["gaps", "--path", str(project), "--format", "html"])
    assert "<script>" not in result.stdout
    assert "&lt;script&gt;" in result.stdout
    assert result.stdout.startswith("<!DOCTYPE html>")


def test_check_sarif_has_rules_results_and_repository_paths(
    runner: CliRunner, example: Path
) -> None:
    (example / ".git").mkdir()  # the project at the top of a repository
    (example / "design" / "DD-001.md").unlink()
    result = runner.invoke(cli, ["check", "--path", str(example), "--format", "sarif"])
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    result_0 = run["results"][0]
    assert result_0["ruleId"] == rule_ids[result_0["ruleIndex"]]
    assert result_0["level"] == "error"
    location = result_0["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith("architecture/")
    assert location["region"]["startLine"] >= 1


def test_sarif_paths_are_relative_to_the_repository(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    root = tmp_path / "docs" / "lifecycle"
    root.mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "Sub"\n', "utf-8")
    (root / "a.md").write_text("---\nid: A-1\nkind: hazard\ntitle: T\nx: 1\n---\n", "utf-8")
    sarif = json.loads(
        runner.invoke(cli, ["check", "--path", str(root), "--format", "sarif"]).stdout
    )
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert "docs/lifecycle/a.md" in uris


def write_system(root: Path) -> None:
    (root / "items").mkdir()
    (root / "items" / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Controller\n---\n", "utf-8"
    )
    (root / "items" / "HAZ-001.md").write_text(
        "---\nid: HAZ-001\nkind: hazard\ntitle: Overdose\n---\n", "utf-8"
    )


def test_classify_with_options_writes_a_record_the_rules_accept(
    runner: CliRunner, project: Path
) -> None:
    write_system(project)
    args = [
        "classify",
        "--path",
        str(project),
        "--system",
        "SWS-001",
        "--contributes",
        "--unacceptable-risk",
        "--worst-harm",
        "non-serious-injury",
        "--hazard",
        "HAZ-001",
        "--rationale",
        "A wrong basal rate causes mild hyperglycaemia at worst.",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Class B" in result.stdout
    record = (project / "items" / "SCL-001.md").read_text("utf-8")
    assert "safety-class: B" in record and "classifies:\n- SWS-001" in record
    report = json.loads(
        runner.invoke(cli, ["check", "--path", str(project), "--format", "json"]).stdout
    )
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"62304.4.3/classification-missing", "62304.4.3/classification-inconsistent"}
    again = runner.invoke(cli, args)
    assert again.exit_code == 2
    assert "already classifies" in again.stderr
    assert (project / "items" / "SCL-001.md").read_text("utf-8") == record


def test_classify_asks_at_a_terminal(
    runner: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_system(project)
    monkeypatch.setattr("medtrace.cli.classify.interactive", lambda: True)
    answers = "SWS-001\ny\ny\nserious-injury-or-death\nOverdose can kill.\n"
    result = runner.invoke(
        cli, ["classify", "--path", str(project), "--hazard", "HAZ-001"], input=answers
    )
    assert result.exit_code == 0, result.output
    assert "Class C" in result.stdout


def test_classify_without_a_terminal_needs_the_options(runner: CliRunner, project: Path) -> None:
    write_system(project)
    result = runner.invoke(cli, ["classify", "--path", str(project), "--system", "SWS-001"])
    assert result.exit_code == 2
    assert "--contributes is required" in result.stderr


def test_classify_refuses_an_unknown_system(runner: CliRunner, project: Path) -> None:
    write_system(project)
    result = runner.invoke(
        cli,
        [
            "classify",
            "--path",
            str(project),
            "--system",
            "SWS-404",
            "--no-contributes",
            "--rationale",
            "x",
        ],
    )
    assert result.exit_code == 2
    assert "SWS-404: no software-system" in result.stderr


def test_fda_shows_the_recorded_level_and_its_documents(runner: CliRunner, example: Path) -> None:
    result = runner.invoke(cli, ["fda", "--path", str(example), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["level"], document["problems"]) == ("enhanced", [])
    design = next(d for d in document["documents"] if d["name"] == "Software design specification")
    assert design["content"] == "Submitted."


def test_fda_without_a_record_assumes_enhanced_and_says_so(
    runner: CliRunner, project: Path
) -> None:
    result = runner.invoke(cli, ["fda", "--path", str(project)])
    assert result.exit_code == 1
    assert "FDA documentation level: enhanced" in result.stdout
    assert "no documentation-level record" in result.stdout

"""``medtrace init``: empty projects and the example, never overwriting anything."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from medtrace.api import check_project, load_project
from medtrace.cli import cli


def test_a_bare_init_creates_an_empty_project_that_checks_clean(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["init", "--path", str(tmp_path / "new"), "--name", 'My "pump"', "--bare"]
    )
    assert result.exit_code == 0, result.output
    report = check_project(tmp_path / "new")
    assert (report.items, report.config.name, report.failed) == (0, 'My "pump"', False)
    assert [f.code for f in report.findings] == ["62304.4.3/no-software-system"]
    assert ".medtrace/" in (tmp_path / "new" / ".gitignore").read_text("utf-8")


def test_a_new_project_is_scaffolded_and_its_first_check_fits_one_screen(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--path", str(tmp_path / "new"), "--name", "Pump"])
    assert result.exit_code == 0, result.output
    kinds = sorted(item.kind for item in load_project(tmp_path / "new").items)
    assert kinds == ["attestation", "attestation", "plan", "plan", "software-system"]
    result = runner.invoke(cli, ["check", "--path", str(tmp_path / "new")])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    # What to write next, on one 80 x 50 screen (with the shell prompt after it).
    assert len(lines) <= 49, result.stdout
    assert max(len(line) for line in lines) <= 80
    assert lines[0].startswith("Errors (") and any(line.startswith("Warnings (") for line in lines)
    text = result.stdout
    for wanted in (
        "62304.4.3/classification-missing",  # classify the software system
        "plan-section-missing",  # the plan sections to write
        "62304.4.1/attestation-needed",  # the attestations to sign
        "62304.5.1.2/attestation-needed",
        "is not written yet (TODO)",
    ):
        assert wanted in text, wanted
    # Errors come first, then warnings; each clause once, in order, with its count.
    assert text.index("Errors (") < text.index("Warnings (")
    assert "62304.5.1.1/development-plan-missing" not in text  # the plan is there
    assert len(check_project(tmp_path / "new").findings) < 30


def test_check_severity_error_shows_only_the_errors_and_says_how_many_are_hidden(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", "--path", str(tmp_path / "new")])
    every = check_project(tmp_path / "new").findings
    below = [f for f in every if f.severity.value != "error"]
    assert below and len(below) < len(every)  # the scaffold has both
    result = runner.invoke(cli, ["check", "--path", str(tmp_path / "new"), "--severity", "error"])
    assert result.exit_code == 1  # the exit code counts every finding
    text = result.stdout
    assert text.startswith("Errors (") and "Warnings (" not in text
    assert all(f.code.rpartition("/")[2] not in text for f in below)
    assert f"({len(below)} below --severity not shown)" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_scaffold_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "mine.md").write_text("keep me", "utf-8")
    result = CliRunner().invoke(cli, ["init", "--path", str(tmp_path)])
    assert result.exit_code == 2
    assert "exists already" in result.stderr
    assert not (tmp_path / "medtrace.toml").exists()
    assert (tmp_path / "plans" / "mine.md").read_text("utf-8") == "keep me"


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    (tmp_path / "medtrace.toml").write_text("[project]\nname = 'mine'\n", "utf-8")
    result = CliRunner().invoke(cli, ["init", "--path", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "medtrace.toml").read_text("utf-8") == "[project]\nname = 'mine'\n"


def test_the_example_goes_only_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    result = CliRunner().invoke(
        cli, ["init", "--example", "infusion-pump", "--path", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_example_is_a_complete_class_c_project(committed: Path) -> None:
    example = committed
    report = check_project(example)
    counts: dict[str, int] = {}
    for item in load_project(example).items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    assert report.findings == ()
    assert counts["system-requirement"] >= 25
    assert counts["software-requirement"] >= 50
    for kind in (
        "software-system",
        "software-item",
        "software-unit",
        "detailed-design",
        "hazard",
        "hazardous-situation",
        "harm",
        "risk-control",
        "soup",
        "test-case",
        "test-record",
        "problem-report",
        "change-request",
        "plan",
        "review-record",
    ):
        assert counts.get(kind, 0) >= 1, kind

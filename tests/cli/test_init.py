"""``medtrace init``: empty projects and the example, never overwriting anything."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from medtrace.api import check_project, load_project
from medtrace.cli import cli


def test_init_creates_an_empty_project_that_checks_clean(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["init", "--path", str(tmp_path / "new"), "--name", 'My "pump"']
    )
    assert result.exit_code == 0, result.output
    report = check_project(tmp_path / "new")
    assert (report.items, report.config.name, report.failed) == (0, 'My "pump"', False)
    assert [f.code for f in report.findings] == ["62304.4.3/no-software-system"]
    assert ".medtrace/" in (tmp_path / "new" / ".gitignore").read_text("utf-8")


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


def test_the_example_is_a_complete_class_c_project(example: Path) -> None:
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

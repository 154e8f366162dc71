"""Importing test reports as runs: all or nothing, bound to a revision, never lost."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import shared_path

from medtrace.api.results import import_results
from medtrace.cli import cli
from medtrace.errors import ProjectError
from medtrace.ingest.junit import parse_results
from medtrace.model.results import RUNS_FOLDER
from medtrace.store.runs import decode_run

NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)
MALFORMED = ("corrupt-xml.xml", "non-junit.xml")


def reports() -> list[Path]:
    folder = shared_path("realworld", "junit")
    return sorted(p for p in folder.rglob("*") if p.suffix in (".xml", ".trx"))


def test_every_real_report_imports_with_the_totals_it_holds(project: Path) -> None:
    imported = 0
    for report in reports():
        parsed, _ = parse_results(report.read_bytes(), report.name)
        if parsed is None or report.name in MALFORMED:
            continue
        run, written, _ = import_results(project, [report], revision="v1.2.0", now=NOW)
        again = decode_run(written.read_bytes())
        assert again == run
        assert run.totals == parsed.totals, report
        assert run.reports[0].sha256 and run.reports[0].path == report.name
        imported += 1
    assert imported >= 40
    assert len(list((project / RUNS_FOLDER).iterdir())) == imported  # one new file each


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_report_imports_nothing_and_loses_nothing(project: Path, name: str) -> None:
    good = next(r for r in reports() if r.name == "normal.xml")
    bad = next(r for r in reports() if r.name == name)
    _, first, _ = import_results(project, [good], revision="v1", now=NOW)
    before = first.read_bytes()
    with pytest.raises(ProjectError, match=rf"{name}:\d+: .*nothing was imported") as caught:
        import_results(project, [good, bad], revision="v2", now=NOW)
    assert "\n" not in str(caught.value)
    assert list((project / RUNS_FOLDER).iterdir()) == [first]
    assert first.read_bytes() == before


def test_the_revision_is_resolved_to_its_commit_in_git(project: Path) -> None:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True)
        return done.stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "x")
    report = next(r for r in reports() if r.name == "normal.xml")
    run, _, _ = import_results(project, [report], revision="HEAD", now=NOW)
    assert run.commit == git("rev-parse", "HEAD")
    with pytest.raises(ProjectError, match="is not a revision"):
        import_results(project, [report], revision="no-such-tag", now=NOW)


def test_outside_git_the_revision_is_kept_as_given(project: Path) -> None:
    report = next(r for r in reports() if r.name == "normal.xml")
    run, written, _ = import_results(project, [report], revision="1.2.0-rc1", now=NOW)
    assert (run.revision, run.commit, run.imported) == (
        "1.2.0-rc1",
        None,
        "2026-03-14T09:30:00+00:00",
    )
    assert written.name == "20260314T093000Z-1.2.0-rc1.json"


def test_the_command_reports_and_exits_2_on_bad_input(project: Path) -> None:
    runner = CliRunner()
    report = next(r for r in reports() if r.name == "normal.xml")
    ok = runner.invoke(
        cli, ["results", "import", str(report), "--revision", "v1", "--path", str(project)]
    )
    assert ok.exit_code == 0, ok.output
    assert "Imported" in ok.stdout
    missing = runner.invoke(
        cli, ["results", "import", "nope.xml", "--revision", "v1", "--path", str(project)]
    )
    assert missing.exit_code == 2
    assert "nope.xml: cannot be read" in missing.stderr

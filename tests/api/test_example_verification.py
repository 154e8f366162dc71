"""The example's own pytest suite verifies its requirements; a failing test is caught."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.results import import_results
from medtrace.api.verify import verify
from medtrace.cli import cli
from medtrace.graph.verification import Status

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))


def run_suite(example: Path, report: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=example / "code",
        capture_output=True,
        check=False,
    )


def tag(root: Path, name: str) -> None:
    subprocess.run(["git", "tag", name], cwd=root, check=True, capture_output=True)


def test_the_suite_verifies_every_software_requirement(
    committed: Path, example_report: Path
) -> None:
    example = committed
    tag(example, "v1.2.0")
    report = example_report
    now = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)
    run, _, _ = import_results(example, [report], revision="v1.2.0", now=now)
    assert run.totals.failures == 0 and run.totals.tests >= 70
    statuses = verify(example, revision="v1.2.0", options=LoadOptions(use_cache=False)).statuses
    assert {entry.status for entry in statuses} == {Status.VERIFIED}
    assert check_project(example, NO_CACHE).findings == ()


def test_a_failing_test_fails_its_requirements_and_the_check(
    committed: Path, tmp_path: Path
) -> None:
    example = committed
    test_file = example / "code" / "tests" / "unit" / "test_bolus.py"
    text = test_file.read_text("utf-8")
    test_file.write_text(text.replace("    assert ", "    assert 1 == 2 and ", 1), "utf-8")
    report = tmp_path / "junit.xml"
    run_suite(example, report)
    tag(example, "v1.2.1")
    now = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    run, _, _ = import_results(example, [report], revision="v1.2.1", now=now)
    failing = [r for r in run.results if r.outcome.value == "failed"]
    assert len(failing) == 1
    statuses = verify(example, options=LoadOptions(use_cache=False)).statuses
    failed = {e.requirement.id for e in statuses if e.status is Status.FAILED}
    assert failed and failed <= set(failing[0].requirements)
    result = CliRunner().invoke(cli, ["check", "--path", str(example), "--no-cache"])
    assert result.exit_code == 1
    assert "62304.5.7.1/requirement-test-failed" in result.stdout

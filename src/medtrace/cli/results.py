"""``medtrace results``: import test reports as evidence bound to a revision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from medtrace.api.evaluations import import_evaluation, is_evaluation
from medtrace.api.results import import_results
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option, wait_message


@click.group(context_settings=SETTINGS)
def results() -> None:
    """Test results as verification evidence (IEC 62304 5.5.5, 5.6, 5.7)."""


@results.command("import", context_settings=SETTINGS)
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--revision", required=True, help="The software version or git revision tested.")
@click.option("--environment", help="Where the tests ran [default: from the reports, or here].")
@project_option
@click.pass_obj
def import_command(
    obj: Context, reports: tuple[Path, ...], revision: str, environment: str | None, path: Path
) -> None:
    """Import test REPORTS (JUnit XML of any common runner, NUnit, TRX) as one run.

    The run is written to verification/runs/ in the project as a new JSON file,
    with the revision (and its git commit), the date, the environment, and each
    result's outcome, duration, message, properties and requirement ids. A
    report that cannot be read is an error and nothing is written.

    A performance evaluation's metrics file (medtrace's evaluation JSON,
    docs/format.md) is written into the performance-evaluation item it names:
    its model version, metrics, subgroup results, the commit and the date.
    """
    now = dt.datetime.now(dt.UTC)
    evaluations = [report for report in reports if _is_evaluation(report)]
    tests = [report for report in reports if report not in evaluations]
    with user_errors(obj.debug):
        for report in evaluations:
            parsed, item = import_evaluation(
                path, report, revision=revision, now=now, on_wait=wait_message
            )
            click.echo(
                f"Imported {len(parsed.metrics)} metrics of {parsed.model} "
                f"{parsed.model_version} into {item}."
            )
        if not tests:
            return
        run, written, warnings = import_results(
            path,
            tests,
            revision=revision,
            now=now,
            environment=environment,
            on_wait=wait_message,
        )
    for warning in warnings:
        click.echo(f"warning: {warning.location}: {warning.message}", err=True)
    click.echo(f"Imported {run.totals} at {run.revision} into {written}.")


def _is_evaluation(report: Path) -> bool:
    try:
        with report.open("rb") as stream:
            return is_evaluation(stream.read(1 << 20))
    except OSError:
        return False  # the test report import says why it cannot be read

"""``medtrace verify``: the verification report."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.verify import verify as verify_project
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.export.verification import (
    verification_html,
    verification_json,
    verification_summary,
    verification_table,
)
from medtrace.graph.verification import Status


@click.command(context_settings=SETTINGS)
@click.option("--revision", help="Only results and records of this revision count.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    default=("software-requirement",),
    show_default=True,
    help="Kinds of item to report on (repeatable).",
)
@format_option("text", "json", "html", default="text")
@click.pass_obj
@project_path
def verify(
    obj: Context, path: Path, revision: str | None, kinds: tuple[str, ...], output_format: str
) -> None:
    """Report, per requirement, its tests, their latest results and a status:
    verified, stale, failed, not run or not covered.

    Automated tests are matched to imported results (medtrace results import)
    by test-id, by verifies properties and by ids in test names; manual tests
    to their latest test records. A unit is also verified by the tests of its
    detailed design. Each result names the commit it tested (this revision or
    an older one) or its record; a result is stale when the test, the
    requirement or a unit's code changed since. Exit 1 when any requirement is
    not verified.
    """
    with user_errors(obj.debug):
        report = verify_project(path, revision, kinds)
    name, statuses, current = report.project, report.statuses, report.current
    if output_format == "json":
        click.echo(verification_json(name, revision, statuses, current), nl=False)
    elif output_format == "html":
        click.echo(verification_html(name, revision, statuses, current), nl=False)
    else:
        from rich.console import Console

        verification_table(statuses, Console(highlight=False), current)
        click.echo(f"{name}: {verification_summary(statuses)}")
    verified = all(entry.status is Status.VERIFIED for entry in statuses)
    raise SystemExit(EXIT_OK if verified else EXIT_FINDINGS)

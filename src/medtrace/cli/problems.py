"""``medtrace problems``: problem reports imported from an issue tracker, and their trend."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.problems import import_problems, problem_trend
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import (
    SETTINGS,
    Context,
    format_option,
    project_option,
    project_path,
    wait_message,
)
from medtrace.export.problems import import_json, import_text, trend_json, trend_text
from medtrace.model.issues import TRACKERS


@click.group(context_settings=SETTINGS)
def problems() -> None:
    """Software problem resolution (IEC 62304 9.1, 9.2, 9.6, 9.8)."""


@problems.command("import", context_settings=SETTINGS)
@click.argument("export_file", metavar="EXPORT_FILE", type=click.Path(path_type=Path))
@click.option(
    "--tracker",
    type=click.Choice(TRACKERS),
    help="The tracker the export comes from [default: recognised from its shape].",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@project_option
@format_option("text", "json", default="text")
@click.pass_obj
def import_command(
    obj: Context,
    export_file: Path,
    tracker: str | None,
    dry_run: bool,
    path: Path,
    output_format: str,
) -> None:
    """Import issues from a GitHub or GitLab issue list (the REST API's JSON) as
    problem reports.

    A new issue becomes a report PR-NNN in the [problems] folder, its state and
    criticality read from its labels ([problems] states and criticality); an
    issue imported before has its state: line updated and a state-history entry
    appended, and nothing else. Pull requests are skipped. An export that cannot
    be read is an error (exit 2) and nothing is written.
    """
    with user_errors(obj.debug):
        report = import_problems(path, export_file, tracker, dry_run=dry_run, on_wait=wait_message)
    render = import_json if output_format == "json" else import_text
    click.echo(render(report), nl=False)


@problems.command(context_settings=SETTINGS)
@format_option("text", "json", default="text")
@click.pass_obj
@project_path
def trend(obj: Context, path: Path, output_format: str) -> None:
    """Problem reports per month and criticality: reported in the month and still
    open (not closed) at its end, for the trend analysis of 9.6."""
    with user_errors(obj.debug):
        found = problem_trend(path)
    render = trend_json if output_format == "json" else trend_text
    click.echo(render(found), nl=False)

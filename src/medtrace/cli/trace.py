"""``medtrace trace``, ``coverage`` and ``orphans``: what the trace links reach."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import click

from medtrace.api.trace import TraceReport, coverage_summary, find_orphans
from medtrace.api.trace import trace as trace_project
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, UserFacingError, user_errors
from medtrace.cli.context import (
    SETTINGS,
    Context,
    deprecated,
    format_option,
    old_path_argument,
    path_option,
    project_path,
    the_project,
)
from medtrace.export.trace import (
    coverage_json,
    coverage_table,
    orphans_json,
    orphans_table,
    trace_csv,
    trace_html,
    trace_json,
    trace_summary,
    trace_table,
    trace_xlsx,
)
from medtrace.store import write_atomic

_FORMATS = ("text", "json", "csv", "xlsx", "html")
_VIA_HELP = (
    "Link types to follow, comma-separated; '<' follows a link backward, '>' forward, "
    "e.g. derived-from<,verifies<. [default: the shortest routes between the kinds]"
)


@click.command(context_settings=SETTINGS)
@click.option("--from", "source_kind", required=True, metavar="KIND", help="Kind of the rows.")
@click.option("--to", "target_kind", required=True, metavar="KIND", help="Kind to reach.")
@click.option("--via", "route", metavar="STEP,STEP", default=None, help=_VIA_HELP)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="Output format; xlsx needs --output.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of the terminal.",
)
@path_option
@old_path_argument
@click.pass_obj
def trace(
    obj: Context,
    old_path: Path | None,
    path: Path | None,
    source_kind: str,
    target_kind: str,
    route: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Show the trace matrix of the project: every item of one kind with the items
    of another kind its links lead to.

    Without --via, the shortest routes of trace links between the two kinds
    are followed: software-requirement to test-case goes backward over
    verifies. system-requirement to test-case takes the tests that verify a
    system requirement directly; --via derived-from<,verifies< takes the
    tests of its software requirements. Reviews, changes and other record
    links are followed only when --via names them.

    Rows that reach nothing are marked. The workbook is dated
    SOURCE_DATE_EPOCH when that is set, so the same project gives the same
    file. Exit 0; 2 on a usage error.
    """
    if path is not None and route is None and _are_steps(path):  # the old --path STEPS
        deprecated("trace --path STEP,STEP", "trace --via STEP,STEP")
        route, path = str(path), None
    path = the_project(old_path, path)
    if output_format == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE")
    steps = None if route is None else [s for s in route.split(",") if s.strip()]
    with user_errors(obj.debug):
        report = trace_project(path, source_kind, target_kind, steps)
        if output is None and output_format == "text":
            from rich.console import Console

            trace_table(report.matrix, Console(highlight=False))
            click.echo(trace_summary(report.matrix))
            return
        data = _render(report, output_format)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        write_atomic(output, data)
    except OSError as error:
        raise UserFacingError(f"{output}: cannot be written ({error.strerror})") from None
    click.echo(f"{output}: {trace_summary(report.matrix)}", err=True)


def _are_steps(path: Path) -> bool:
    """Whether a ``--path`` value is link steps (how ``trace`` spelled ``--via`` before):
    no file of that name, and steps' marks in it or a link type's name."""
    return not path.exists() and re.fullmatch(r"[A-Za-z0-9_\-<>, ]+", str(path)) is not None


def _render(report: TraceReport, output_format: str) -> bytes:
    """The matrix as the bytes of a file (text is laid out for 80 columns)."""
    matrix = report.matrix
    if output_format == "xlsx":
        return trace_xlsx(report.project, matrix, _stamp())
    if output_format == "json":
        text = trace_json(report.project, matrix)
    elif output_format == "csv":
        text = trace_csv(matrix)
    elif output_format == "html":
        text = trace_html(report.project, matrix)
    else:
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, highlight=False, width=80, no_color=True)
        trace_table(matrix, console)
        text = buffer.getvalue() + trace_summary(matrix) + "\n"
    return text.encode("utf-8")


def _stamp() -> datetime:
    """The workbook's date: SOURCE_DATE_EPOCH when set (reproducible output), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.replace(tzinfo=None, microsecond=0)


@click.command(context_settings=SETTINGS)
@format_option("text", "json", default="text")
@click.pass_obj
@project_path
def coverage(obj: Context, path: Path, output_format: str) -> None:
    """Show how much of the project (--path) the trace links cover.

    One line each: system requirements refined by software requirements,
    software requirements verified by tests and implemented by software items
    or units, risk controls implemented by requirements and verified by
    tests, hazardous situations mitigated by risk controls, software units
    with a detailed design. Exit 0.
    """
    with user_errors(obj.debug):
        report = coverage_summary(path)
    if output_format == "json":
        click.echo(coverage_json(report.project, report.lines), nl=False)
        return
    from rich.console import Console

    coverage_table(report.lines, Console(highlight=False))


@click.command(context_settings=SETTINGS)
@format_option("text", "json", default="text")
@click.pass_obj
@project_path
def orphans(obj: Context, path: Path, output_format: str) -> None:
    """List the items of the project (--path) that no link connects to anything.

    A link to a missing item does not count (check reports it). Plans,
    software systems, safety classifications and documentation level
    decisions may stand alone and are not listed. Exit 1 when there are
    orphans, 0 when there are none.
    """
    with user_errors(obj.debug):
        report = find_orphans(path)
    if output_format == "json":
        click.echo(orphans_json(report.project, report.orphans), nl=False)
    elif report.orphans:
        from rich.console import Console

        orphans_table(report.orphans, Console(highlight=False))
        click.echo(f"{report.project}: {len(report.orphans)} orphans")
    else:
        click.echo(f"{report.project}: no orphans")
    raise SystemExit(EXIT_FINDINGS if report.orphans else EXIT_OK)

"""``medtrace check``: load, validate and report findings."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api import (
    CheckOptions,
    LoadOptions,
    check_project,
    finding_summaries,
    repository_prefix,
)
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.export import FindingsSummary, findings_json, findings_table, summary_line
from medtrace.export.sarif import findings_sarif
from medtrace.model import Severity


@click.command(context_settings=SETTINGS)
@format_option("text", "json", "sarif", default="text")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default=None,
    help="Exit 1 on findings at or above this severity [default: the project's fail-on].",
)
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity]),
    default=None,
    help="Show only findings at or above this severity (the exit code still counts all).",
)
@click.option("--no-cache", is_flag=True, help="Parse every file again; ignore .medtrace/.")
@click.option(
    "--no-rules",
    is_flag=True,
    help="Check only the files and trace links, not the IEC 62304 rules (quicker).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.option(
    "--since",
    metavar="REV",
    help="Also report approved items changed since the git revision or baseline REV without "
    "an approved change request (8.2.1).",
)
@click.pass_obj
@project_path
def check(
    obj: Context,
    path: Path,
    output_format: str,
    fail_on: str | None,
    severity: str | None,
    no_cache: bool,
    no_rules: bool,
    jobs: int | None,
    since: str | None,
) -> None:
    """Check the project (--path, or the one containing it) and print findings.

    Findings come from reading the files, from the trace links, and from the
    IEC 62304 rules at each item's safety class, grouped by severity (errors
    first) and clause, with counts. --format sarif writes SARIF 2.1.0 for
    code-scanning views, with paths relative to the git repository.

    Exit 0 when clean, 1 when a finding is at or above the failing severity,
    2 when the project cannot be read.
    """
    options = CheckOptions(
        load=LoadOptions(use_cache=not no_cache, jobs=jobs),
        fail_on=Severity(fail_on) if fail_on else None,
        rules=not no_rules,
        since=since,
    )
    with user_errors(obj.debug):
        report = check_project(path, options)
    summary = FindingsSummary(
        project=report.config.name,
        items=report.items,
        files=report.files,
        failed=report.failed,
        fail_on=report.fail_on,
        notes=report.notes,
    )
    lowest = Severity(severity) if severity else Severity.INFO
    shown = [f for f in report.findings if f.severity >= lowest]
    if output_format == "json":
        click.echo(findings_json(shown, summary), nl=False)
    elif output_format == "sarif":
        prefix = repository_prefix(report.root)
        sarif = findings_sarif(shown, finding_summaries(), path_prefix=prefix)
        click.echo(sarif, nl=False)
    else:
        if shown:
            from rich.console import Console

            findings_table(shown, Console(highlight=False))
        click.echo(summary_line(report.findings, summary, shown=len(shown)))
    raise SystemExit(EXIT_FINDINGS if report.failed else EXIT_OK)

"""``medtrace risk``: the risk management file."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.risk import risk_report
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.export.risk import risk_html, risk_json, risk_summary, risk_table


@click.command(context_settings=SETTINGS)
@click.option("--revision", help="Only results and records of this revision count.")
@format_option("text", "json", "html", default="text")
@click.pass_obj
@project_path
def risk(obj: Context, path: Path, revision: str | None, output_format: str) -> None:
    """Show the risk management file: each hazardous situation's risk before and
    after control on the [risk] acceptability matrix, and each risk control's
    verification through its requirements, tests and latest results.

    A risk is open when its residual risk is unacceptable or unknown, when it
    needs a risk control and has none, or when a control carried out in
    software is not verified by passing tests. Exit 1 when any risk is open.
    """
    with user_errors(obj.debug):
        name, report = risk_report(path, revision)
    if output_format == "json":
        click.echo(risk_json(name, revision, report), nl=False)
    elif output_format == "html":
        click.echo(risk_html(name, revision, report), nl=False)
    else:
        from rich.console import Console

        risk_table(report, Console(highlight=False))
        click.echo(f"{name}: {risk_summary(report)}")
    raise SystemExit(EXIT_FINDINGS if report.open else EXIT_OK)

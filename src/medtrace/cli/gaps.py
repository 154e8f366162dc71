"""``medtrace gaps``: the compliance matrix, one row per clause."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.gaps import project_matrix
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.export.matrix import matrix_html, matrix_json, matrix_summary, matrix_table
from medtrace.standard.matrix import Status


@click.command(context_settings=SETTINGS)
@format_option("text", "json", "html", default="text")
@click.pass_obj
@project_path
def gaps(obj: Context, path: Path, output_format: str) -> None:
    """Show the IEC 62304 compliance matrix of the project (--path).

    One row per clause: whether it applies at the project's class, and its
    status (met, gap, attestation needed, not applicable). Exit 1 when any
    applicable clause is a gap or needs an attestation.
    """
    with user_errors(obj.debug):
        name, matrix = project_matrix(path)
    if output_format == "json":
        click.echo(matrix_json(name, matrix), nl=False)
    elif output_format == "html":
        click.echo(matrix_html(name, matrix), nl=False)
    else:
        from rich.console import Console

        matrix_table(matrix, Console(highlight=False))
        click.echo(f"{name}: {matrix_summary(matrix)}")
    open_clauses = matrix.count(Status.GAP) + matrix.count(Status.ATTESTATION_NEEDED)
    raise SystemExit(EXIT_FINDINGS if open_clauses else EXIT_OK)

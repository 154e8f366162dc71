"""``medtrace docs``: the audit-ready document set (``docs build``)."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.documents import FORMATS, build_documents
from medtrace.cli.boundary import EXIT_FINDINGS, user_errors
from medtrace.cli.context import SETTINGS, Context, project_path, wait_message


@click.group(context_settings=SETTINGS)
def docs() -> None:
    """The IEC 62304 document set: plans, specifications, reports, matrices."""


@docs.command(context_settings=SETTINGS)
@click.option(
    "--format",
    "formats",
    default="html,md",
    show_default=True,
    help=f"Comma-separated formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to write to (default: [docs] output, under the project).",
)
@click.pass_obj
@project_path
def build(obj: Context, path: Path, formats: str, output: Path | None) -> None:
    """Build the document set of the project (--path).

    One document per deliverable the project's safety class calls for, each
    with its document control block; missing content shows as a gap with its
    clause. Revision and date come from git, so the same commit builds the
    same files. Exits 1 when an item file does not parse: it is left out, listed,
    and shown as a gap; everything else is built.
    """
    chosen = tuple(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    with user_errors(obj.debug):
        report = build_documents(path, output, chosen or ("html", "md"), on_wait=wait_message)
    index = report.output / ("index.html" if "html" in chosen else "index.md")
    click.echo(f"Document set: {index}")
    click.echo(f"{report.documents} documents, {len(report.files)} files, {report.gaps} gaps")
    for problem in report.unreadable:
        click.echo(f"left out, does not parse: {problem}", err=True)
    if report.unreadable:
        raise SystemExit(EXIT_FINDINGS)

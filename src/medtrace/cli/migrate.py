"""``medtrace migrate``: import items from Doorstop, sphinx-needs and tables; export tables."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api.migrate import MigrationReport, import_doorstop, import_needs
from medtrace.api.tables import export_table, import_table
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option


@click.group(context_settings=SETTINGS)
def migrate() -> None:
    """Bring items in from other tools (Doorstop, sphinx-needs, CSV and XLSX tables)."""


@migrate.command(context_settings=SETTINGS)
@click.argument("source_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def doorstop(obj: Context, source_dir: Path, dry_run: bool, path: Path) -> None:
    """Import a Doorstop tree: the top document's items as system requirements, the
    others' as software requirements, links as derived-from; the other attributes
    are kept in a 'doorstop' section of each body. Nothing is overwritten."""
    with user_errors(obj.debug):
        report = import_doorstop(path, source_dir, dry_run=dry_run)
    click.echo(_summary(report), nl=False)


@migrate.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def needs(obj: Context, file: Path, dry_run: bool, path: Path) -> None:
    """Import the needs of a sphinx-needs needs.json (its current version)."""
    with user_errors(obj.debug):
        report = import_needs(path, file, dry_run=dry_run)
    click.echo(_summary(report), nl=False)


@migrate.group(context_settings=SETTINGS)
def table() -> None:
    """The items of one kind as a CSV or XLSX table."""


@table.command("export", context_settings=SETTINGS)
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@project_option
@click.pass_obj
def export_command(obj: Context, kind: str, file: Path, path: Path) -> None:
    """Write the items of KIND to FILE (.csv or .xlsx): id, title, fields, links, body."""
    with user_errors(obj.debug):
        count = export_table(path, kind, file)
    click.echo(f"{count} {kind} item(s) written to {file}")


@table.command("import", context_settings=SETTINGS)
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def import_command(obj: Context, kind: str, file: Path, dry_run: bool, path: Path) -> None:
    """Create an item of KIND per row of FILE (.csv or .xlsx); rows whose id exists
    already are skipped."""
    with user_errors(obj.debug):
        report = import_table(path, kind, file, dry_run=dry_run)
    click.echo(_summary(report), nl=False)


def _summary(report: MigrationReport) -> str:
    verb = "would create" if report.dry_run else "created"
    lines = [f"{report.source}: {verb} {len(report.created)} item(s), {report.links} link(s)"]
    for item in report.created:
        kept = f" (unmapped, kept in the body: {', '.join(item.unmapped)})" if item.unmapped else ""
        lines.append(f"  {item.id} {item.kind} -> {item.path}{kept}")
    if report.skipped:
        lines.append(f"skipped (already in the project): {', '.join(report.skipped)}")
    lines += [f"warning: {w.message}" for w in report.warnings]
    return "\n".join(lines) + "\n"

"""``medtrace migrate``: import items from ReqIF, Doorstop, StrictDoc, sphinx-needs, RDM and
tables; export ReqIF and tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option, wait_message

if TYPE_CHECKING:
    from medtrace.interchange.items import MigrationReport
    from medtrace.model import Finding

# Each command imports its importer when it runs: together they pull in lxml, openpyxl,
# markdownify and the ReqIF schema, which no other command needs at start-up.


@click.group(context_settings=SETTINGS)
def migrate() -> None:
    """Bring items in from other tools (ReqIF, Doorstop, StrictDoc, sphinx-needs, Innolitics
    RDM, CSV and XLSX tables) and give them back (ReqIF, tables)."""


_STRICT = click.option(
    "--strict",
    is_flag=True,
    help="Refuse the whole source for any deviation from its format (default: import what "
    "is there and warn about each deviation).",
)


@migrate.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@_STRICT
@project_option
@click.pass_obj
def reqif(obj: Context, file: Path, dry_run: bool, strict: bool, path: Path) -> None:
    """Import the spec objects of a ReqIF file (.reqif or .reqifz) as items: kinds, fields
    and link types by name or by the [reqif] mapping of medtrace.toml, XHTML as Markdown,
    relations as links, the hierarchy and what has no field kept in a 'reqif' section."""
    from medtrace.api.migrate import import_reqif

    with user_errors(obj.debug):
        report = import_reqif(path, file, dry_run=dry_run, strict=strict, on_wait=wait_message)
    click.echo(_summary(report), nl=False)


@migrate.command("reqif-export", context_settings=SETTINGS)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--kind", "kinds", multiple=True, metavar="KIND", help="Export only this kind (repeatable)."
)
@project_option
@click.pass_obj
def reqif_export(obj: Context, file: Path, kinds: tuple[str, ...], path: Path) -> None:
    """Write the project's items (or those of --kind) to FILE as ReqIF 1.2, validated against
    the OMG schema; the same commit always gives the same bytes."""
    from medtrace.api.migrate import export_reqif

    with user_errors(obj.debug):
        count = export_reqif(path, file, kinds=kinds)
    click.echo(f"{count} item(s) written to {file}")


@migrate.command(context_settings=SETTINGS)
@click.argument("source_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def doorstop(obj: Context, source_dir: Path, dry_run: bool, path: Path) -> None:
    """Import a Doorstop tree: the top document's items as system requirements, the
    others' as software requirements, links as derived-from; the other attributes
    are kept in a 'doorstop' section of each body. Nothing is overwritten."""
    from medtrace.api.migrate import import_doorstop

    with user_errors(obj.debug):
        report = import_doorstop(path, source_dir, dry_run=dry_run, on_wait=wait_message)
    click.echo(_summary(report), nl=False)


@migrate.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def needs(obj: Context, file: Path, dry_run: bool, path: Path) -> None:
    """Import the needs of a sphinx-needs needs.json (its current version)."""
    from medtrace.api.migrate import import_needs

    with user_errors(obj.debug):
        report = import_needs(path, file, dry_run=dry_run, on_wait=wait_message)
    click.echo(_summary(report), nl=False)


@migrate.command(context_settings=SETTINGS)
@click.argument(
    "files", metavar="FILE...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@project_option
@click.pass_obj
def strictdoc(obj: Context, files: tuple[Path, ...], dry_run: bool, path: Path) -> None:
    """Import StrictDoc .sdoc documents (name documents that link to each other in one run):
    each node with a UID becomes an item (a root document's or one without parents as
    system requirements, the others as software requirements), Parent and Child relations
    links; the other fields are kept in a 'strictdoc' section of each body, and nodes that
    become no item (text, nodes without UID, includes) are reported."""
    from medtrace.api.migrate import import_strictdoc

    with user_errors(obj.debug):
        report = import_strictdoc(path, list(files), dry_run=dry_run, on_wait=wait_message)
    click.echo(_summary(report), nl=False)


@migrate.command(context_settings=SETTINGS)
@click.argument("source_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
@_STRICT
@project_option
@click.pass_obj
def rdm(obj: Context, source_dir: Path, dry_run: bool, strict: bool, path: Path) -> None:
    """Import the data of an Innolitics RDM project (DIR or its data/ folder): requirements,
    risks, SOUP, tests and their records, versions and history; what has no kind (the
    device, the risk scales, the documents) is reported, never dropped."""
    from medtrace.api.migrate import import_rdm

    with user_errors(obj.debug):
        report = import_rdm(path, source_dir, dry_run=dry_run, strict=strict, on_wait=wait_message)
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
    from medtrace.api.migrate import export_table

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
    from medtrace.api.migrate import import_table

    with user_errors(obj.debug):
        report = import_table(path, kind, file, dry_run=dry_run, on_wait=wait_message)
    click.echo(_summary(report), nl=False)


def _summary(report: MigrationReport) -> str:
    from medtrace.interchange.strictdoc.map import StrictdocReport

    verb = "would create" if report.dry_run else "created"
    lines = [f"{report.source}: {verb} {len(report.created)} item(s), {report.links} link(s)"]
    for item in report.created:
        kept = f" (unmapped, kept in the body: {', '.join(item.unmapped)})" if item.unmapped else ""
        lines.append(f"  {item.id} {item.kind} -> {item.path}{kept}")
    if isinstance(report, StrictdocReport) and report.not_imported:
        lines.append(f"not imported (reported): {len(report.not_imported)} node(s)")
    if report.skipped:
        lines.append(f"skipped (already in the project): {', '.join(report.skipped)}")
    lines += [f"warning: {_where(w)}{w.message}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def _where(finding: Finding) -> str:
    """``path:line: `` of a finding, ``""`` when it names no file."""
    location = finding.location
    if not location.path:
        return ""
    return f"{location.path}:{location.line}: " if location.line else f"{location.path}: "

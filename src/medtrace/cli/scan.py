"""``medtrace scan``: requirement markers in source code."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medtrace.api.scan import scan as scan_sources
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.export.findings import finding_record
from medtrace.model import Severity


@click.command(context_settings=SETTINGS)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A folder of source code to scan (repeatable) [default: the project folder].",
)
@format_option("text", "json", default="text")
@click.pass_obj
@project_path
def scan(obj: Context, path: Path, sources: tuple[Path, ...], output_format: str) -> None:
    """Find requirement markers in source code of any language and check them.

    A marker is a comment such as '# implements: SRS-012' or
    '// verifies: SRS-012, SRS-013'. Reports markers naming ids the project
    does not have (exit 1), files with markers that no software unit lists in
    source-files, and units whose files mark requirements they do not implement.
    """
    with user_errors(obj.debug):
        result = scan_sources(path, sources)
    if output_format == "json":
        document = {
            "markers": [
                {"path": m.path, "line": m.line, "role": m.role, "ids": list(m.ids)}
                for m in result.markers
            ],
            "units": {unit: list(ids) for unit, ids in result.units},
            "findings": [finding_record(f) for f in result.findings],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        for unit, ids in result.units:
            click.echo(f"{unit}: {', '.join(ids)}")
        for finding in result.findings:
            click.echo(f"{finding.location}: {finding.severity.value}: {finding.message}")
        click.echo(f"{len(result.markers)} markers, {len(result.findings)} findings")
    failed = any(f.severity is Severity.ERROR for f in result.findings)
    raise SystemExit(EXIT_FINDINGS if failed else EXIT_OK)

"""``medtrace soup``: third-party components from lockfiles and SBOMs, SOUP records kept in
step with them, known vulnerabilities, and the product's SBOM and VEX."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medtrace.api.soup import (
    SBOM_SPECS,
    audit_soup,
    export_sbom,
    read_component_file,
    refused,
    sync_soup,
)
from medtrace.cli.boundary import EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_option, wait_message
from medtrace.export.findings import terminal_lines
from medtrace.model import Finding, Severity
from medtrace.store.files import write_atomic


@click.group(context_settings=SETTINGS)
def soup() -> None:
    """SOUP and cybersecurity (IEC 62304 5.3.3, 5.3.4, 7.1.2, 7.1.3, 8.1.2)."""


def _located(finding: Finding) -> str:
    line = f":{finding.location.line}" if finding.location.line else ""
    return f"{finding.location.path}{line}: {finding.message}"


_STRICT = click.option(
    "--strict",
    is_flag=True,
    help="Refuse a source that deviates from its format (default: read it and warn).",
)


@soup.command("import", context_settings=SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option("text", "json", default="text")
@_STRICT
def import_command(files: tuple[Path, ...], output_format: str, strict: bool) -> None:
    """List the components of lockfiles and SBOMs FILES.

    Reads CycloneDX 1.0-1.7 (JSON, XML), SPDX 2.2/2.3 (JSON, tag-value) and 3.0
    (JSON-LD), requirements.txt, Pipfile.lock, poetry.lock, pdm.lock, uv.lock,
    package-lock.json and npm-shrinkwrap.json. A file that cannot be read is an
    error (exit 2).
    """
    lists, failed = [], False
    for path in files:
        found, findings = read_component_file(path)
        for finding in findings:
            stops = refused(finding, strict)
            click.echo(f"{'error' if stops else 'warning'}: {_located(finding)}", err=True)
            failed = failed or stops
        if found is not None:
            lists.append(found)
    if failed:
        raise SystemExit(EXIT_FAILURE)
    if output_format == "json":
        document = [
            {
                "path": found.path,
                "format": found.format,
                "components": [
                    {
                        "name": c.name,
                        "version": c.version,
                        "ecosystem": c.ecosystem,
                        "purl": c.purl,
                        "license": c.license,
                        "scope": c.scope,
                    }
                    for c in found.components
                ],
            }
            for found in lists
        ]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for found in lists:
        click.echo(f"{found.path} ({found.format}): {len(found.components)} components")
        for c in found.components:
            scope = "" if c.scope == "required" else f" [{c.scope}]"
            click.echo(f"  {c.name} {c.version or '(unpinned)'}{scope}")


@soup.command(context_settings=SETTINGS)
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@_STRICT
@project_option
@click.pass_obj
def sync(obj: Context, sources: tuple[Path, ...], dry_run: bool, strict: bool, path: Path) -> None:
    """Bring the SOUP records in step with lockfiles and SBOMs (SOURCES, or [soup]
    sources in medtrace.toml).

    A new component gets a draft record (status: draft, tag incomplete) in the
    [soup] folder. A changed version is written into its record's version and
    purl, and nothing else: the record's anomaly evaluation now names an older
    version (evaluated-version), so check reports the record (7.1.3) and the
    software that uses it (7.4.1) until they are evaluated again. A record whose
    component is gone is reported and left alone. Exit 1 when anything differed.
    """
    with user_errors(obj.debug):
        report = sync_soup(path, sources, dry_run=dry_run, on_wait=wait_message, strict=strict)
    for warning in report.warnings:
        click.echo(f"warning: {_located(warning)}", err=True)
    verb = "would " if dry_run else ""
    for written, component in report.created:
        click.echo(f"new      {component.name} {component.version}: {verb}write draft {written}")
    for rewritten, change in report.updated:
        users = ", ".join(report.users.get(change.record.id, ())) or "no software item"
        click.echo(
            f"changed  {change.record.id} {change.before or '?'} -> "
            f"{change.component.version or '(unpinned)'}: {verb}update {rewritten}; "
            f"re-evaluate it and its users ({users})"
        )
    for record in report.drift.removed:
        version = record.field("version") or "(no version)"
        click.echo(f"removed  {record.id} {record.title} {version}: no source lists it any more")
    for record in report.drift.unchanged:
        click.echo(f"kept     {record.id} {record.title} {record.field('version') or ''}")
    click.echo(
        f"{len(report.drift.unchanged)} unchanged, {len(report.created)} new, "
        f"{len(report.updated)} changed, {len(report.drift.removed)} removed"
    )
    raise SystemExit(EXIT_OK if report.drift.clean else EXIT_FINDINGS)


@soup.command(context_settings=SETTINGS)
@click.option(
    "--advisories",
    type=click.Path(path_type=Path),
    help="OSV records: a folder or a zip such as an ecosystem's all.zip [default: "
    "[soup] advisories].",
)
@format_option("text", "json", default="text")
@project_option
@click.pass_obj
def audit(obj: Context, advisories: Path | None, output_format: str, path: Path) -> None:
    """Match every SOUP version against OSV vulnerability records, offline.

    Each SOUP record is one shipped version. Lists each advisory that affects a
    SOUP record's version (withdrawn ones never do) with the
    vulnerability-evaluation that answers it, and each record that cannot be
    audited (no purl, an ecosystem OSV does not cover, no version) with how its
    vulnerabilities are followed instead (vulnerability-monitoring), if it says.
    Exit 1 when an advisory has no evaluation, a record was not audited and says
    nothing of how it is followed, or a record cannot be read; exit 2 when the
    advisories are refused (an archive whose members escape it).
    """
    with user_errors(obj.debug):
        found = audit_soup(path, advisories)
    entries = found.entries
    errors = [f for f in found.findings if f.severity is Severity.ERROR]
    for finding in found.findings:
        label = "error" if finding.severity is Severity.ERROR else "warning"
        click.echo(f"{label}: {_located(finding)} ({finding.code})", err=True)
    if any(f.code == "osv/archive-unsafe" for f in errors):
        click.echo("medtrace: the advisories were refused; nothing was audited", err=True)
        raise SystemExit(EXIT_FAILURE)
    if output_format == "json":
        document = [
            {
                "soup": e.soup.id,
                "version": e.soup.field("version"),
                "advisory": e.match.advisory.id,
                "aliases": list(e.match.advisory.aliases),
                "reason": e.match.reason,
                "evaluation": e.evaluation.id if e.evaluation else None,
                "state": e.evaluation.field("state") if e.evaluation else None,
            }
            for e in entries
        ]
        skipped = [
            {"soup": soup.id, "title": soup.title, "not_audited": why}
            for soup, why in found.not_audited
        ]
        skipped += [
            {"soup": soup.id, "title": soup.title, "not_audited": "monitored elsewhere",
             "vulnerability_monitoring": how}
            for soup, how in found.monitored
        ]  # fmt: skip
        click.echo(
            json.dumps({"matches": document, "not_audited": skipped}, indent=2, ensure_ascii=False)
        )
    else:
        for e in entries:
            answer = (
                f"{e.evaluation.id} {e.evaluation.field('state')}"
                if e.evaluation
                else "NOT EVALUATED"
            )
            click.echo(f"{e.soup.id} {e.soup.field('version')}  {e.match.advisory.id}  {answer}")
            click.echo(f"    {e.match.reason}")
        for soup, why in found.not_audited:
            click.echo(f"{soup.id} {soup.title}  NOT AUDITED: {why}")
        for soup, how in found.monitored:
            line = f"{soup.id} {soup.title}  not in OSV; followed by: {how}"
            click.echo("\n".join(terminal_lines(line)))
        unread = f", {len(errors)} record(s) could not be read" if errors else ""
        click.echo(
            f"{len(entries)} affecting advisories, {len(found.open)} not evaluated, "
            f"{len(found.not_audited)} SOUP record(s) not audited{unread}"
        )
    raise SystemExit(EXIT_FINDINGS if errors or not found.passed else EXIT_OK)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"))
        click.echo(f"Wrote {output}")


_OUTPUT = click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to this file [default: stdout]."
)


@soup.command(context_settings=SETTINGS)
@_OUTPUT
@click.option(
    "--spec",
    type=click.Choice(SBOM_SPECS),
    default=SBOM_SPECS[0],
    show_default=True,
    help="The SBOM format and version.",
)
@project_option
@click.pass_obj
def sbom(obj: Context, output: Path | None, spec: str, path: Path) -> None:
    """The product's SBOM from its SOUP records: CycloneDX 1.6 or 1.7 JSON or SPDX 2.3
    JSON, validated against the format's schema; the same revision gives the same bytes.

    It names its authors (the software system's owner) and the tool, and per component
    the hashes, licence, supplier, support level and end-of-support date (docs/soup.md),
    with the dependency graph of the records' depends-on links."""
    with user_errors(obj.debug):
        _write(export_sbom(path, spec=spec), output)


@soup.command(context_settings=SETTINGS)
@_OUTPUT
@project_option
@click.pass_obj
def vex(obj: Context, output: Path | None, path: Path) -> None:
    """The vulnerability evaluations as CycloneDX 1.6 VEX (JSON), validated."""
    with user_errors(obj.debug):
        _write(export_sbom(path, vex=True), output)

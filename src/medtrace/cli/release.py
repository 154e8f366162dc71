"""``medtrace release check|make VERSION``: release a revision (5.8, 6.3)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medtrace.api.release import ReleaseCheck, release_check
from medtrace.api.release_make import (
    DOCUMENT_FORMATS,
    Build,
    ReleaseBlockedError,
    release_make,
)
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_option, wait_message
from medtrace.export.findings import WIDTH, terminal_lines


@click.group(context_settings=SETTINGS)
def release() -> None:
    """Check that a revision may be released, and release it (IEC 62304 5.8).

    A release is the annotated tag medtrace/release/VERSION on a commit, the
    record releases/REL-VERSION.md, and an archive of the documents with a
    manifest of SHA-256 hashes.
    """


@release.command("check", context_settings=SETTINGS)
@click.argument("version")
@project_option
@click.option("--revision", default="HEAD", show_default=True, help="The revision to release.")
@format_option("text", "json", default="text")
@click.pass_obj
def check(obj: Context, version: str, path: Path, revision: str, output_format: str) -> None:
    """List every reason REVISION cannot be released as VERSION: everything check,
    scan, change-control (since the previous release or baseline) and gaps
    report at warning or above, verification incomplete or stale at that commit
    (only results bound to it count), tests with mixed outcomes, known anomalies
    not evaluated, SOUP advisories not evaluated, change requests not closed, a
    build that is not a clean commit or a version released already.

    Exit 0 when there is none, 1 when there are (all listed), 2 on bad input.
    """
    with user_errors(obj.debug):
        found = release_check(path, version, revision)
    if output_format == "json":
        click.echo(json.dumps(check_document(found), indent=2, ensure_ascii=False))
    else:
        _show(found)
    raise SystemExit(EXIT_OK if found.passed else EXIT_FINDINGS)


@release.command("make", context_settings=SETTINGS)
@click.argument("version")
@project_option
@click.option(
    "--justification",
    help="Release although the check fails; recorded with its reasons in the record, "
    "the manifest and the tag.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the documents and the archive go  [default: PROJECT/dist/release-VERSION].",
)
@click.option(
    "--format",
    "formats",
    default="html,md",
    show_default=True,
    help=f"Document formats, comma-separated ({','.join(DOCUMENT_FORMATS)}).",
)
@click.option(
    "--artifact",
    "artifacts",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A built file that ships (repeatable): its name and SHA-256 go into the record.",
)
@click.option("--build-command", default="", help="The command that built the release.")
@click.option("--ci-run", default="", help="The CI run that built it (an id or a URL).")
@click.pass_obj
def make(
    obj: Context,
    version: str,
    path: Path,
    justification: str | None,
    output: Path | None,
    formats: str,
    artifacts: tuple[Path, ...],
    build_command: str,
    ci_run: str,
) -> None:
    """Release HEAD as VERSION: run the check; write the record
    releases/REL-VERSION.md (commit it afterwards) with the build record; build
    the documents; archive them with the SBOM, the test runs and records of the
    commit and MANIFEST.json; tag the commit medtrace/release/VERSION.

    When the check fails and no --justification is given, nothing is written:
    the reasons are listed and the exit code is 1. A failure on the way removes
    what was written: no tag without its record.
    """
    chosen = tuple(part.strip() for part in formats.split(",") if part.strip())
    build = Build(artifacts=artifacts, command=build_command, ci_run=ci_run)
    with user_errors(obj.debug):
        try:
            made = release_make(
                path, version, justification, output, chosen, build=build, on_wait=wait_message
            )
        except ReleaseBlockedError as blocked:
            _show(blocked.check)
            click.echo(f"{blocked} (hint: {blocked.hint})", err=True)
            raise SystemExit(EXIT_FINDINGS) from None
    if made.justification is not None:
        click.echo(f"Released over {len(made.check.reasons)} reasons: {made.justification}")
    click.echo(f"Archive: {made.archive} (sha256 {made.archive_sha256})")
    click.echo(f"Record:  {made.record}")
    click.echo(f"Tag:     {made.tag} on {made.check.revision[:12]}")


def check_document(found: ReleaseCheck) -> dict[str, object]:
    """The check as JSON-ready data."""
    return {
        "version": found.version,
        "revision": found.revision,
        "date": found.date,
        "project": found.project,
        "passed": found.passed,
        "tested": list(found.tested),
        "change_control_since": found.since,
        "reasons": [
            {"clause": r.clause, "code": r.code, "message": r.message} for r in found.reasons
        ],
        "known_anomalies": list(found.anomalies),
    }


def _show(found: ReleaseCheck) -> None:
    where = f"{found.project} {found.version} at {found.revision[:12]} ({found.date})"
    since = found.since or "nothing: no earlier release or baseline"
    click.echo(f"Change control since {since}.")
    if found.anomalies:
        click.echo(f"Known residual anomalies ({len(found.anomalies)}):")
        for anomaly in found.anomalies:
            click.echo("\n".join(terminal_lines(str(anomaly), indent="  ", subsequent="    ")))
    if found.passed:
        click.echo(_verdict(where, "may be released."))
        return
    click.echo(_verdict(where, f"{len(found.reasons)} reason(s) block the release:"))
    for reason in found.reasons:
        click.echo("\n".join(terminal_lines(str(reason), indent="  ", subsequent="    ")))


def _verdict(where: str, verdict: str) -> str:
    """``where: verdict`` within 80 columns, the verdict kept whole on one line."""
    lines = terminal_lines(f"{where}:")
    if len(lines[-1]) + 1 + len(verdict) <= WIDTH:
        lines[-1] += f" {verdict}"
    else:
        lines.append(f"    {verdict}")
    return "\n".join(lines)

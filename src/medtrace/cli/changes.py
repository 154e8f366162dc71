"""``medtrace diff``, ``history``, ``baseline`` and ``change-control``: changes to the items,
as git records them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medtrace.api.baseline import create_baseline, list_baselines, manifest_json, read_baseline
from medtrace.api.change_control import audit_changes
from medtrace.api.diff import diff as diff_revisions
from medtrace.api.diff import history_suspects
from medtrace.api.history import FIRST_FETCHED, item_history
from medtrace.api.revision import WORKTREE
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_option, wait_message
from medtrace.export.diff import diff_html, diff_json, diff_markdown, history_json, history_table


@click.command(context_settings=SETTINGS)
@click.argument("rev1")
@click.argument("rev2", required=False)
@project_option
@format_option("markdown", "json", "html", default="markdown")
@click.pass_obj
def diff(obj: Context, rev1: str, rev2: str | None, path: Path, output_format: str) -> None:
    """Show how the project's items changed from REV1 to REV2.

    REV1 and REV2 are git revisions (a commit, branch, tag, HEAD~3) or baseline
    names; REV2 defaults to the working tree (also spelt WORKTREE). Items are
    matched by id: added, removed, changed field by field (with the body as a
    diff and links added or removed), and moved to another file. Markdown reads
    as release notes. Items newly suspect (their upstream changed since their
    last review) are listed too.
    """
    with user_errors(obj.debug):
        changes = diff_revisions(path, rev1, rev2 or WORKTREE, suspects=history_suspects(path))
    render = {"json": diff_json, "html": diff_html}.get(output_format, diff_markdown)
    click.echo(render(changes), nl=False)
    raise SystemExit(EXIT_OK)


@click.command(context_settings=SETTINGS)
@click.argument("item")
@project_option
@format_option("text", "json", default="text")
@click.pass_obj
def history(obj: Context, item: str, path: Path, output_format: str) -> None:
    """List every commit that touched ITEM's file, oldest first, across renames.

    Each commit says what it did to the item: created, changed (which fields,
    title, links, body), moved, deleted, or left it unreadable; in a shallow
    clone, "first fetched" where the history it has begins.
    """
    with user_errors(obj.debug):
        entries = item_history(path, item)
    if output_format == "json":
        click.echo(history_json(item, entries), nl=False)
        return
    if entries:
        from rich.console import Console

        history_table(entries, Console(highlight=False))
    click.echo(f"{item}: {len(entries)} commit(s).")
    cut = next((e for e in entries if e.event == FIRST_FETCHED), None)
    if cut is not None:
        click.echo(
            f"The history is shallow: it begins at {cut.commit[:12]}, the earliest commit "
            "this clone has; 'git fetch --unshallow' fetches where the item began."
        )


@click.group(context_settings=SETTINGS)
def baseline() -> None:
    """Name the committed state of the project: an annotated git tag with a manifest.

    A baseline NAME is the tag medtrace/baseline/NAME; use NAME wherever
    'medtrace diff' takes a revision.
    """


@baseline.command("create", context_settings=SETTINGS)
@click.argument("name")
@click.option("-m", "--message", default="", help="What the baseline is (e.g. 'Release 1.2').")
@project_option
@click.pass_obj
def create(obj: Context, name: str, message: str, path: Path) -> None:
    """Make baseline NAME of the committed HEAD.

    Uncommitted edits are never part of a baseline (they are counted, to say
    so). The tag's message holds a manifest: per item its id, kind, path and
    the SHA-256 of its file. NAME is letters, digits, '.', '-' and '_'.
    """
    with user_errors(obj.debug):
        created = create_baseline(path, name, message, on_wait=wait_message)
    manifest = created.manifest
    click.echo(
        f"Baseline {name}: tag {created.tag} on commit {manifest.commit[:12]} (HEAD), "
        f"{len(manifest.items)} item(s)."
    )
    if created.uncommitted:
        click.echo(
            f"Not in the baseline: uncommitted changes to {len(created.uncommitted)} file(s) "
            "of the project; commit them and make another baseline to include them.",
            err=True,
        )


@baseline.command("list", context_settings=SETTINGS)
@project_option
@click.pass_obj
def list_command(obj: Context, path: Path) -> None:
    """List the baselines, oldest first: name, date, commit and message."""
    with user_errors(obj.debug):
        found = list_baselines(path)
    for entry in found:
        click.echo(f"{entry.name}\t{entry.date}\t{entry.commit[:12]}\t{entry.subject}")
    if not found:
        click.echo("No baselines yet; make one with 'medtrace baseline create NAME'.")


@baseline.command("show", context_settings=SETTINGS)
@click.argument("name")
@project_option
@click.pass_obj
def show(obj: Context, name: str, path: Path) -> None:
    """Print the manifest of baseline NAME as JSON."""
    with user_errors(obj.debug):
        manifest = read_baseline(path, name)
    click.echo(manifest_json(manifest), nl=False)


@click.command("change-control", context_settings=SETTINGS)
@click.argument("rev1")
@click.argument("rev2", required=False)
@project_option
@format_option("text", "json", default="text")
@click.pass_obj
def change_control(
    obj: Context, rev1: str, rev2: str | None, path: Path, output_format: str
) -> None:
    """Check that every change to a configuration item from REV1 to REV2 (default:
    the working tree) is covered by a change request approved before it (8.2,
    6.2.4).

    Configuration items are the approved items (a change to status, tags or
    owner does not count; records do not count), and the code and test files
    of units (source-files) and test cases (test-id) and those their markers
    name. A change request covers an item when it lists it under changes, is
    approved, implemented, verified or closed, records approved-by and
    approved-date, and that date is not after the first commit of the change.
    The commits a request written in the range names must exist and lie in it.
    Exit 1 when a change is not covered or a request does not hold.
    """
    with user_errors(obj.debug):
        audit = audit_changes(path, rev1, rev2 or WORKTREE)
    failed = bool(audit.uncovered or audit.problems)
    if output_format == "json":
        document = {
            "from": audit.diff.old_label,
            "to": audit.diff.new_label,
            "changes": [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "title": c.title,
                    "path": c.path,
                    "what": c.what,
                    "change-requests": list(c.requests),
                    "approved-after-change": list(c.late),
                    "first-commit": c.first_commit or None,
                }
                for c in audit.changes
            ],
            "problems": [
                {"code": f.code, "item": f.item, "path": f.location.path, "message": f.message}
                for f in audit.problems
            ],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(
            f"Configuration items changed from {audit.diff.old_label} to {audit.diff.new_label}:"
        )
        for c in audit.changes:
            covered = ", ".join(c.requests) if c.requests else "NO APPROVED CHANGE REQUEST"
            if c.late and not c.requests:
                covered += f" ({', '.join(c.late)} approved after the change)"
            click.echo(f"  {c.id:<12} {covered}: {c.what}")
        for problem in audit.problems:
            click.echo(f"  {problem.location}: {problem.message}")
        click.echo(
            f"{len(audit.changes)} changed, {len(audit.uncovered)} not covered, "
            f"{len(audit.problems)} other problem(s)"
        )
    raise SystemExit(EXIT_FINDINGS if failed else EXIT_OK)

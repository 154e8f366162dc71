"""``medtrace audit``: the audit trail (git history and the web application's log) verified
and reported."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.cli.boundary import EXIT_FINDINGS, user_errors
from medtrace.cli.context import SETTINGS, Context, project_option
from medtrace.cli.serve import _setup

FORMATS = ("text", "csv", "json", "html")


@click.group("audit", context_settings=SETTINGS)
def audit() -> None:
    """The audit trail: git history and the web application's hash-chained log."""


@audit.command("verify", context_settings=SETTINGS)
@project_option
@click.pass_obj
def verify(obj: Context, path: Path) -> None:
    """Verify the log: its chain, the commits it names against git (missing or rewritten),
    the commits made through the application that it does not name, and the signature
    records it logged (changed or gone). Exit 1 when anything is wrong."""
    with user_errors(obj.debug):
        config = _setup(path)
        from medtrace.web import audit as log

        problems = log.verify(Path(config.project))
        count = log.count()
    for problem in problems:
        click.echo(f"{problem.kind}: {problem.message}")
    if problems:
        click.echo(f"audit verify FAILED: {len(problems)} problem(s) in {count} events")
        raise SystemExit(EXIT_FINDINGS)
    click.echo(f"audit verify passed: {count} events, chain intact, every commit in git")


@audit.command("reconcile", context_settings=SETTINGS)
@project_option
@click.pass_obj
def reconcile_command(obj: Context, path: Path) -> None:
    """Log the commits made through the application that the log does not name (a process
    ended between commit and log): one 'reconciled' entry each, from the commit. Servers
    do this when they start; verify only reports them (event-missing)."""
    with user_errors(obj.debug):
        config = _setup(path)
        from medtrace.web import audit as log
        from medtrace.web.services import sharing

        with sharing.write_lock(Path(config.project)):
            made = log.reconcile(Path(config.project))
    for event in made:
        click.echo(f"reconciled {event.commit[:12]} ({event.reason}, by {event.actor})")
    click.echo(f"{len(made)} commit(s) reconciled")


@audit.command("report", context_settings=SETTINGS)
@click.option("--item", default="", help="Only what concerns this item.")
@click.option("--since", default="", help="Only from this date on (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file.")
@project_option
@click.pass_obj
def report(obj: Context, item: str, since: str, fmt: str, output: Path | None,
           path: Path) -> None:  # fmt: skip
    """The audit trail an inspector asks for: every logged event and every commit (who,
    when in UTC, what, which items, the commit, why), merged and oldest first."""
    with user_errors(obj.debug):
        config = _setup(path)
        from medtrace.api.audit_trail import git_rows, merged
        from medtrace.export.audit import render_audit
        from medtrace.web import audit as log

        root = Path(config.project)
        rows = merged(log.rows(item, since), git_rows(root, item=item, since=since))
        text = render_audit(rows, fmt, f"Audit trail{f' of {item}' if item else ''}")
        if output is not None:
            from medtrace.store.files import write_atomic

            write_atomic(output, text.encode("utf-8"))
            click.echo(f"{len(rows)} events written to {output}")
            return
    click.echo(text, nl=False)

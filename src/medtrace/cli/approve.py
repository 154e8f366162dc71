"""``medtrace approve`` and ``medtrace bind``: evidence bound to the content it covers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from medtrace.api.approve import MEANINGS, approve, bind
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option


@click.command("approve", context_settings=SETTINGS)
@click.argument("items", nargs=-1, required=True)
@click.option(
    "--meaning",
    type=click.Choice(MEANINGS),
    default="approved",
    show_default=True,
    help="What the record says was done.",
)
@click.option("--comment", default="", help="The record's text (what was checked, how).")
@project_option
@click.pass_obj
def approve_command(
    obj: Context, items: tuple[str, ...], meaning: str, comment: str, path: Path
) -> None:
    """Record that you approved (or reviewed) ITEMS as they are now.

    Writes a new review record (RVW-NNN) beside the project's others: you (your
    git identity) as reviewer, today's date, the commit, and the fingerprint of
    each item. A later change to an item voids the approval of it.
    """
    with user_errors(obj.debug):
        written = approve(
            path, items, meaning=meaning, comment=comment, now=dt.datetime.now(dt.UTC)
        )
    click.echo(f"Recorded {written.id} ({meaning}: {', '.join(written.covers)}) in {written.path}.")


@click.command("bind", context_settings=SETTINGS)
@click.argument("records", nargs=-1)
@click.option(
    "--all", "every", is_flag=True, help="Every record that vouches for something (migration)."
)
@project_option
@click.pass_obj
def bind_command(obj: Context, records: tuple[str, ...], every: bool, path: Path) -> None:
    """Bind RECORDS to the content they cover, as it is now.

    Rewrites the fingerprints field of each named review record, attestation,
    test record or approved item (nothing else in the file): you vouch that the
    record covers its items as they are now. Commit the change with a message
    that says why.
    """
    if not records and not every:
        raise click.UsageError("name the records to bind, or --all")
    with user_errors(obj.debug):
        written = bind(path, records, every=every)
    for record in written:
        click.echo(f"{record.id}: bound to {', '.join(record.covers)}")
    click.echo(f"Bound {len(written)} record(s); the others were bound to their content already.")

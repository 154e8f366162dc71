"""``medtrace review``: record that items were looked at again after upstream changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from medtrace.api.review import record_reviews
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_option, wait_message


@click.command(context_settings=SETTINGS)
@click.argument("items", nargs=-1)
@click.option("--all", "every_item", is_flag=True, help="Review every item with trace links.")
@click.option("--reason", default="", help="Why (required with --all; recorded in each stamp).")
@click.option("--by", hidden=True, help="Gone: the reviewer is your git identity.")
@click.option("--date", hidden=True, help="Gone: a review is dated by the clock.")
@project_option
@click.pass_obj
def review(
    obj: Context,
    items: tuple[str, ...],
    every_item: bool,
    reason: str,
    by: str | None,
    date: str | None,
    path: Path,
) -> None:
    """Record that you reviewed ITEMS' trace links after a change upstream.

    Appends to medtrace-reviews.yaml (plain text, for the pull request) you as
    reviewer (your git identity), the time, the commit, and the fingerprint of
    everything each item depends on, as it is now. The item stops being
    suspect; a later change upstream makes it suspect again.
    """
    if by is not None:
        raise click.UsageError("--by is gone: the reviewer is your git identity (git config)")
    if date is not None:
        raise click.UsageError("--date is gone: a review is dated by the clock")
    if not items and not every_item:
        raise click.UsageError("name the items to review, or --all with --reason")
    with user_errors(obj.debug):
        recorded, written = record_reviews(
            path,
            items,
            now=dt.datetime.now(dt.UTC),
            every_item=every_item,
            reason=reason,
            on_wait=wait_message,
        )
    click.echo(f"Recorded {len(recorded)} review(s) in {written}.")

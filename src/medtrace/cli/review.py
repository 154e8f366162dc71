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
@click.option("--by", required=True, help="Name of the reviewer.")
@click.option("--date", help="Date of the review (YYYY-MM-DD) [default: today].")
@click.option("--all", "every_item", is_flag=True, help="Review every item with trace links.")
@project_option
@click.pass_obj
def review(
    obj: Context, items: tuple[str, ...], by: str, date: str | None, every_item: bool, path: Path
) -> None:
    """Record a review of ITEMS' trace links by a named person.

    Appends to medtrace-reviews.yaml (plain text, for the pull request) the
    fingerprint of everything each item depends on, as it is now. The item
    stops being suspect; a later change upstream makes it suspect again.
    """
    if not items and not every_item:
        raise click.UsageError("name the items to review, or --all")
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(
            f"{day!r} is not a date like 2026-03-14", param_hint="--date"
        ) from None
    with user_errors(obj.debug):
        recorded, written = record_reviews(
            path, items, by=by, date=day, every_item=every_item, on_wait=wait_message
        )
    click.echo(f"Recorded {len(recorded)} review(s) by {by} in {written}.")

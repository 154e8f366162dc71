"""Review stamps and link bases: against what content each trace link was last found clean.

A trace link from an item to one it depends on is *clean* while the deep
fingerprint of the item depended on is what it was when the link was last
known clean: when the link was created (a *link base*, derived from git
history by :mod:`medtrace.api.link_history`) or when someone reviewed it since
(a *review stamp*). ``medtrace review`` appends one :class:`Review` per item to
the project's ``medtrace-reviews.yaml``, recording for each item the item
depends on that item's deep fingerprint as it was reviewed, with who reviewed
it (their git identity), when (the clock's time) and why. A later change
upstream changes the deep fingerprint and makes the link suspect until the item
is reviewed again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medtrace.model.location import SourceLocation

REVIEWS_FILE = "medtrace-reviews.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    item: str
    by: str
    date: str  # ISO 8601: a UTC time (YYYY-MM-DDTHH:MM:SSZ), or a day in older stamps
    seen: tuple[tuple[str, str], ...]  # (id depended on, its deep fingerprint), sorted
    source: SourceLocation
    commit: str = ""  # HEAD when the review was recorded
    reason: str = ""  # why, when every item was reviewed at once


@dataclass(frozen=True, slots=True, kw_only=True)
class Stamp:
    """The latest review of one item against one item it depends on."""

    fingerprint: str
    by: str
    date: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkBase:
    """The deep fingerprint an item depended on had when the link to it was created (or
    the item appeared), the commit that did it, and that commit's date (ISO 8601)."""

    fingerprint: str
    commit: str
    date: str


def latest_stamps(reviews: tuple[Review, ...]) -> dict[tuple[str, str], Stamp]:
    """(item, depended-on id) -> the latest stamp; later reviews override earlier ones."""
    stamps: dict[tuple[str, str], Stamp] = {}
    for review in reviews:
        for other, fingerprint in review.seen:
            stamps[(review.item, other)] = Stamp(
                fingerprint=fingerprint, by=review.by, date=review.date
            )
    return stamps


def moment(text: str) -> dt.datetime | None:
    """An ISO 8601 date or time as a UTC time: a day alone is its last second (a review
    "on that day" came after a link made that day). None when it is not a date."""
    try:
        if "T" not in text and " " not in text:
            day = dt.date.fromisoformat(text.strip())
            return dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC)
        found = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)

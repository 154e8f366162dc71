"""Review stamps: who reviewed an item's trace links, when, and against what content.

``medtrace review`` appends one :class:`Review` per item to the project's
``medtrace-reviews.yaml``; for each item the item depends on, it records that
item's *deep fingerprint* as it was reviewed. A later change upstream changes
the deep fingerprint and makes the link suspect until the item is reviewed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.location import SourceLocation

REVIEWS_FILE = "medtrace-reviews.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    item: str
    by: str
    date: str
    seen: tuple[tuple[str, str], ...]  # (id depended on, its deep fingerprint), sorted
    source: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class Stamp:
    """The latest review of one item against one item it depends on."""

    fingerprint: str
    by: str
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

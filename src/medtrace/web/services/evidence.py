"""Reviews and approvals of an item, and whether each is still current.

This is the one place the pages ask it (the item page lists an item's evidence,
the dashboard lists what is stale). Today's evidence is of two sorts:

- link reviews (``medtrace review``, in ``medtrace-reviews.yaml``) record the
  deep fingerprint of each item reviewed against: current while it still holds;
- review records (``review-record`` items) review items through ``reviews``
  links: bound to content where they carry ``fingerprints`` (``ID=fingerprint``
  entries; issue 17 records them), current while they match, and otherwise
  *not bound*: nothing tells whether the content changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.api.item_view import deep_fingerprints_of, fingerprint_of
from medtrace.api.workspace import Snapshot
from medtrace.model import Item
from medtrace.model.review import latest_stamps

CURRENT, STALE, UNBOUND = "current", "stale", "not bound to content"


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    item: str  # the item the evidence is about
    sort: str  # "link review" or "review record"
    record: str  # the record's id, or the reviews file
    by: str
    date: str
    meaning: str
    state: str  # CURRENT, STALE or UNBOUND
    detail: str


def evidence_of(snapshot: Snapshot, item_id: str) -> tuple[Evidence, ...]:
    """The evidence about ``item_id``, newest first."""
    return _all(snapshot).get(item_id, ())


def stale_evidence(snapshot: Snapshot) -> tuple[Evidence, ...]:
    """Every piece of evidence that content changed since, by item."""
    return tuple(e for found in _all(snapshot).values() for e in found if e.state == STALE)


def _all(snapshot: Snapshot) -> dict[str, tuple[Evidence, ...]]:
    def compute(snap: Snapshot) -> dict[str, tuple[Evidence, ...]]:
        found: dict[str, list[Evidence]] = {}
        for entry in (*_link_reviews(snap), *_records(snap)):
            found.setdefault(entry.item, []).append(entry)
        return {
            key: tuple(sorted(v, key=lambda e: (e.date, e.record), reverse=True))
            for key, v in sorted(found.items())
        }

    return snapshot.derived("evidence", compute)


def _link_reviews(snapshot: Snapshot) -> list[Evidence]:
    deep = deep_fingerprints_of(snapshot)
    found = []
    for (item_id, other), stamp in sorted(latest_stamps(snapshot.project.reviews).items()):
        now = deep.get(other)
        state = CURRENT if now == stamp.fingerprint else STALE
        detail = f"reviewed against {other} at {stamp.fingerprint}" + (
            "" if state == CURRENT else f"; {other} is now {now or 'gone'}"
        )
        found.append(
            Evidence(
                item=item_id,
                sort="link review",
                record="medtrace-reviews.yaml",
                by=stamp.by,
                date=stamp.date,
                meaning="reviewed",
                state=state,
                detail=detail,
            )
        )
    return found


def _records(snapshot: Snapshot) -> list[Evidence]:
    found = []
    for record in snapshot.graph.of_kind("review-record"):
        bound = _fingerprints(record)
        for target in record.targets("reviews"):
            item = snapshot.graph.get(target)
            if item is None:
                continue
            now = fingerprint_of(snapshot, item)
            if target not in bound:
                state, detail = UNBOUND, "the record holds no fingerprint of the item"
            elif bound[target] == now:
                state, detail = CURRENT, f"bound to {now}"
            else:
                state, detail = STALE, f"bound to {bound[target]}; the item is now {now}"
            found.append(
                Evidence(
                    item=target,
                    sort="review record",
                    record=record.id,
                    by=str(record.field("reviewer") or ""),
                    date=str(record.field("date") or ""),
                    meaning=str(record.field("meaning") or "reviewed"),
                    state=state,
                    detail=detail,
                )
            )
    return found


def _fingerprints(record: Item) -> dict[str, str]:
    value = record.field("fingerprints")
    entries = value if isinstance(value, tuple) else ((value,) if isinstance(value, str) else ())
    pairs = (entry.replace(":", "=", 1).partition("=") for entry in entries)
    return {key.strip(): fp.strip() for key, _, fp in pairs if key.strip() and fp.strip()}

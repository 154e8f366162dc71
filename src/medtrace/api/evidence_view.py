"""Reviews and approvals of an item, and whether each is still current, for a long-running
process's :class:`~medtrace.api.workspace.Snapshot`.

This is the one place the pages ask it (the item page lists an item's evidence,
the dashboard lists what is stale). The evidence is of two sorts:

- link reviews (``medtrace review``, in ``medtrace-reviews.yaml``) record the
  deep fingerprint of each item reviewed against: current while it still holds;
- records that vouch for items (review records, attestations, test records, an
  item's own ``status: approved``) keep their fingerprints
  (:mod:`medtrace.graph.evidence`): current while they match, *stale* once the
  item changed, *not bound* when the record holds none.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.api.item_view import deep_fingerprints_of, fingerprints_of
from medtrace.api.workspace import Snapshot
from medtrace.graph.evidence import Binding, record_pins
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


_SORTS = {
    "review-record": "review record",
    "attestation": "attestation",
    "test-record": "test record",
}


def _records(snapshot: Snapshot) -> list[Evidence]:
    fingerprints = fingerprints_of(snapshot)
    found = []
    for record in snapshot.graph:
        for pin in record_pins(record, fingerprints):
            binding = pin.binding
            state = {Binding.CURRENT: CURRENT, Binding.VOID: STALE}.get(binding, UNBOUND)
            detail = f"bound to {pin.current}" if binding is Binding.CURRENT else pin.describe()
            found.append(
                Evidence(
                    item=pin.target,
                    sort=_SORTS.get(record.kind, "approval (status)"),
                    record=record.id,
                    by=_by(record),
                    date=str(record.field("date") or record.field("signed-date") or ""),
                    meaning=str(record.field("meaning") or "approved"),
                    state=state,
                    detail=detail,
                )
            )
    return found


def _by(record: Item) -> str:
    for name in ("reviewer", "signed-by", "tester", "owner"):
        value = record.field(name)
        if value:
            return str(value)
    return ""

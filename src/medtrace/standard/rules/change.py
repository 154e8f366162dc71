"""Suspect links (7.4.1): an item is suspect while something it depends on has changed
since the link was last known clean.

A link is clean when it is created (the link base, from git history:
:mod:`medtrace.api.link_history`) and when someone reviews it (a stamp of
``medtrace review``); whichever is later counts. Impact is transitive through
deep fingerprints: a changed system requirement makes the requirements derived
from it suspect, the units implementing those, their tests, and the risk
controls the requirements carry out, each until it is reviewed itself. A link
that exists only in the working tree, or that neither history nor a review
knows, is new: clean.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints, dependencies
from medtrace.model import Item, SourceLocation
from medtrace.model.review import LinkBase, Review, Stamp, latest_stamps, moment
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@dataclass(frozen=True, slots=True, kw_only=True)
class SuspectLink:
    """``item`` is suspect: ``other`` (or what it depends on) changed since ``since``: the
    link was made (``by`` empty, ``commit`` the commit) or reviewed (``by`` the reviewer)
    at ``date``."""

    item: Item
    other: str
    since: str  # "the link was made in 3f9c2ab41d0e (2026-03-02)" or "X reviewed it on D"
    date: str
    by: str = ""
    commit: str = ""


@rule(
    code="62304.7.4.1/suspect-link",
    clause="7.4.1",
    summary="An item whose upstream changed since the link was created or last reviewed is "
    "reviewed again (medtrace review).",
)
def links_are_reviewed_after_changes(ctx: RuleContext) -> Iterator[Violation]:
    found = stale_links(ctx.graph, ctx.fingerprints, ctx.reviews, ctx.link_bases)
    for suspect in found:
        item = suspect.item
        line = next((link.line for link in item.links if link.target == suspect.other), None)
        yield Violation(
            item,
            f"{item.id} is suspect: {suspect.other} (or what it depends on) changed since "
            f"{suspect.since}; check it, then: medtrace review {item.id}",
            SourceLocation(path=item.source.path, line=line or item.source.line),
        )


def stale_links(
    graph: TraceGraph,
    fingerprints: Fingerprints,
    reviews: Sequence[Review],
    bases: Mapping[tuple[str, str], LinkBase],
) -> Iterator[SuspectLink]:
    """Every (item, id it depends on) whose reference fingerprint is overtaken, by item and
    id. Only pairs with a reference are looked at (a link that neither history nor a review
    knows is new, and clean), and whether the pair still exists only where it is overtaken."""
    if not reviews and not bases:
        return
    stamps = latest_stamps(tuple(reviews))
    deep = fingerprints.deep()
    overtaken: list[tuple[tuple[str, str], Stamp | LinkBase]] = []
    for pair in stamps.keys() | bases.keys():
        reference = _latest(stamps.get(pair), bases.get(pair))
        now = deep.get(pair[1])
        if reference is not None and now is not None and reference.fingerprint != now:
            overtaken.append((pair, reference))
    for (item_id, other), reference in sorted(overtaken, key=lambda found: found[0]):
        item = graph.get(item_id)
        if item is None or other not in dependencies(graph, item):
            continue  # the link is gone since
        if isinstance(reference, Stamp):
            since = f"{reference.by} reviewed it on {reference.date}"
            yield SuspectLink(
                item=item, other=other, since=since, date=reference.date, by=reference.by
            )
        else:
            since = f"the link was made in {reference.commit[:12]} ({reference.date[:10]})"
            yield SuspectLink(
                item=item, other=other, since=since, date=reference.date, commit=reference.commit
            )


def _latest(stamp: Stamp | None, base: LinkBase | None) -> Stamp | LinkBase | None:
    """What the pair was last known clean at: the review, when it is not older than the
    link, else the link's making."""
    if stamp is not None and (base is None or _not_before(stamp.date, base.date)):
        return stamp
    return base


def _not_before(first: str, second: str) -> bool:
    one, two = moment(first), moment(second)
    if one is None or two is None:
        return first >= second
    return one >= two


def suspect_items(
    graph: TraceGraph,
    fingerprints: Fingerprints,
    reviews: Sequence[Review],
    bases: Mapping[tuple[str, str], LinkBase],
) -> frozenset[str]:
    """Ids of the items that are suspect."""
    return frozenset(s.item.id for s in stale_links(graph, fingerprints, reviews, bases))

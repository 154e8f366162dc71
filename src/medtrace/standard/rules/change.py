"""Suspect links (7.4.1): an item is suspect while something it depends on has changed
since the item was last reviewed against it (``medtrace review``).

A link nobody has reviewed yet is trusted. Impact is transitive through deep
fingerprints: a changed system requirement makes the requirements derived from
it suspect, the units implementing those, their tests, and the risk controls
the requirements carry out, each until it is reviewed itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import deep_fingerprints, dependencies
from medtrace.model import Item, SourceLocation
from medtrace.model.review import Review, Stamp, latest_stamps
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@rule(
    code="62304.7.4.1/suspect-link",
    clause="7.4.1",
    summary="An item whose upstream changed since it was last reviewed is reviewed again "
    "(medtrace review).",
)
def links_are_reviewed_after_changes(ctx: RuleContext) -> Iterator[Violation]:
    for item, other, stamp in stale_reviews(ctx.graph, ctx.reviews, ctx.config.non_normative):
        line = next((link.line for link in item.links if link.target == other), None)
        yield Violation(
            item,
            f"{item.id} is suspect: {other} (or what it depends on) changed since "
            f"{stamp.by} reviewed it on {stamp.date}; check it, then: medtrace review {item.id}",
            SourceLocation(path=item.source.path, line=line or item.source.line),
        )


def stale_reviews(
    graph: TraceGraph, reviews: Sequence[Review], ignore: Iterable[str]
) -> Iterator[tuple[Item, str, Stamp]]:
    """(item, id it depends on, the stamp) for every review overtaken by a change upstream."""
    if not reviews:
        return
    stamps = latest_stamps(tuple(reviews))
    deep = deep_fingerprints(graph, ignore)
    for item_id in sorted({item for item, _ in stamps}):
        item = graph.get(item_id)
        if item is None:
            continue
        for other in dependencies(graph, item):
            stamp = stamps.get((item_id, other))
            if stamp is not None and stamp.fingerprint != deep[other]:
                yield item, other, stamp


def suspect_items(
    graph: TraceGraph, reviews: Sequence[Review], ignore: Iterable[str]
) -> frozenset[str]:
    """Ids of the items that are suspect."""
    return frozenset(item.id for item, _, _ in stale_reviews(graph, reviews, ignore))

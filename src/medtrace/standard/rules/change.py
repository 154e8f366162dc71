"""Suspect links (7.4.1): an item is suspect while something it depends on has changed
since the item was last reviewed against it (``medtrace review``).

A link nobody has reviewed yet is trusted. Impact is transitive through deep
fingerprints: a changed system requirement makes the requirements derived from
it suspect, the units implementing those, their tests, and the risk controls
the requirements carry out, each until it is reviewed itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.fingerprint import deep_fingerprints, dependencies
from medtrace.model import SourceLocation
from medtrace.model.review import latest_stamps
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@rule(
    code="62304.7.4.1/suspect-link",
    clause="7.4.1",
    summary="An item whose upstream changed since it was last reviewed is reviewed again "
    "(medtrace review).",
)
def links_are_reviewed_after_changes(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.reviews:
        return
    stamps = latest_stamps(ctx.reviews)
    deep = deep_fingerprints(ctx.graph, ctx.config.non_normative)
    reviewed = {item for item, _ in stamps}
    for item_id in sorted(reviewed):
        item = ctx.graph.get(item_id)
        if item is None:
            continue
        for other in dependencies(ctx.graph, item):
            stamp = stamps.get((item_id, other))
            if stamp is None or stamp.fingerprint == deep[other]:
                continue
            line = next((link.line for link in item.links if link.target == other), None)
            yield Violation(
                item,
                f"{item_id} is suspect: {other} (or what it depends on) changed since "
                f"{stamp.by} reviewed it on {stamp.date}; check it, then: medtrace review "
                f"{item_id}",
                SourceLocation(path=item.source.path, line=line or item.source.line),
            )

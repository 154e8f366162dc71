"""Fingerprints of items' normative content, and of everything each item depends on.

The *own* fingerprint hashes an item's title, body and meaningful fields with
whitespace normalised, so reflowing a paragraph or changing ``status`` changes
nothing. The *deep* fingerprint of an item also covers the deep fingerprints of
the items it depends on (its trace links, see :data:`DEPENDENCY_LINKS`), so a
change to a system requirement changes the deep fingerprint of the software
requirements derived from it, of the units implementing those, and so on:
whoever reviewed against the old one must look again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from medtrace.graph.scc import strongly_connected
from medtrace.graph.trace import TraceGraph
from medtrace.model import FieldValue, Item
from medtrace.model.config import NON_NORMATIVE

# Link types along which a change upstream reaches the item holding the link.
# Containment (part-of) is not one: a unit does not change meaning because its
# item's requirements did; it is reached through what it implements.
DEPENDENCY_LINKS = frozenset(
    {
        "derived-from",
        "implements",
        "implements-risk-control",
        "design-of",
        "verifies",
        "mitigates",
        "arises-from",
        "may-cause",
        "classifies",
        "considers",
        "credits",
    }
)
# ... and link types read backwards as well, for review only: a changed
# requirement reaches the risk control it carries out ("the risk controls they
# serve"). They do not enter deep fingerprints, which would otherwise tie every
# requirement of a control into one cycle.
SERVED_LINKS = frozenset({"implements-risk-control"})

_LENGTH = 16


def own_fingerprint(item: Item, ignore: Iterable[str] = NON_NORMATIVE) -> str:
    """Hash of the item's normative content; whitespace and ignored fields do not count."""
    skipped = frozenset(ignore)
    parts = [item.kind, _normal(item.title), _normal(item.body)]
    for name, value in item.fields:
        if name not in skipped:
            parts.append(f"{name}={_value(value)}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:_LENGTH]


def upstream(graph: TraceGraph, item: Item) -> tuple[str, ...]:
    """Ids ``item`` depends on through its own dependency links."""
    found = {link.target for link in item.links if link.role in DEPENDENCY_LINKS}
    return tuple(sorted(other for other in found if other in graph and other != item.id))


def dependencies(graph: TraceGraph, item: Item) -> tuple[str, ...]:
    """Ids a review of ``item`` looks at: its upstream, and the items carrying it out."""
    found = set(upstream(graph, item))
    for role in SERVED_LINKS:
        found.update(source.id for source in graph.sources(item.id, role))
    found.discard(item.id)
    return tuple(sorted(found))


def deep_fingerprints(graph: TraceGraph, ignore: Iterable[str] = NON_NORMATIVE) -> dict[str, str]:
    """Every item's deep fingerprint. Items in a dependency cycle share one."""
    skipped = tuple(ignore)
    edges = {item.id: list(upstream(graph, item)) for item in graph}
    own = {item.id: own_fingerprint(item, skipped) for item in graph}
    deep: dict[str, str] = {}
    for component in strongly_connected(edges):  # dependencies come first
        members = set(component)
        outer = sorted(
            {deep[other] for node in component for other in edges[node] if other not in members}
        )
        digest = hashlib.sha256()
        for node in component:
            digest.update(own[node].encode())
        for value in outer:
            digest.update(value.encode())
        for node in component:
            deep[node] = digest.hexdigest()[:_LENGTH]
    return deep


def _normal(text: str) -> str:
    return " ".join(text.split())


def _value(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return "\x1e".join(_normal(part) for part in value)
    return _normal(str(value))

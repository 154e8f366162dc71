"""Fingerprints: what an item's content is, so that evidence can say what it covered.

One definition (docs/format.md, "Fingerprints"). The *own* fingerprint of an
item hashes its normative content: kind, title, body, every field but the
ignored ones (``[trace] ignore-fields``: status, tags and owner by default) and
its links (as role and target, in any order), with whitespace normalised, so
reflowing a paragraph or changing ``status`` changes nothing. The
``fingerprints`` field, where records keep what they vouch for, never counts.

The *evidence* fingerprint is what reviews, approvals, attestations, test
records and test runs record: the own fingerprint, and for an item with
``source-files`` (a software unit) the SHA-256 of each of those files as well,
so a change to a unit's code makes its verification and reviews stale.

The *deep* fingerprint of an item also covers the deep fingerprints of the
items it depends on (its trace links, see :data:`DEPENDENCY_LINKS`), so a
change to a system requirement changes the deep fingerprint of the software
requirements derived from it, of the units implementing those, and so on:
whoever reviewed against the old one must look again (suspect links, 7.4.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from medtrace.graph.scc import strongly_connected
from medtrace.graph.trace import TraceGraph
from medtrace.model import FieldValue, Item
from medtrace.model.config import NON_NORMATIVE
from medtrace.model.schema import PIN

BINDING_FIELD = "fingerprints"  # where a record keeps ID@FINGERPRINT of what it vouches for
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

LENGTH = 16  # hex digits kept of a SHA-256


def own_fingerprint(item: Item, ignore: Iterable[str] = NON_NORMATIVE) -> str:
    """Hash of the item's normative content; whitespace and ignored fields do not count."""
    skipped = frozenset(ignore) | {BINDING_FIELD}
    parts = [item.kind, _normal(item.title), _normal(item.body)]
    for name, value in item.fields:
        if name not in skipped:
            parts.append(f"{name}={_value(value)}")
    parts.extend(sorted(f"{link.role}>{link.target}" for link in item.links))
    return _digest("\x1f".join(parts))


def code_digest(files: Sequence[tuple[str, str | None]]) -> str:
    """Hash of a unit's source files: (name as listed, SHA-256 of the bytes or None when
    no such file is found), in any order."""
    return _digest("\x1f".join(f"{name}={sha or '-'}" for name, sha in sorted(files)))


def evidence_fingerprint(own: str, code: str | None) -> str:
    """The fingerprint evidence records: the own one, with the code digest where there is one."""
    return own if not code else _digest(f"{own}\x1f{code}")


def pins(item: Item) -> dict[str, str]:
    """What ``item`` records it vouches for: id -> fingerprint (the parser refuses malformed
    entries)."""
    value = item.field(BINDING_FIELD)
    found: dict[str, str] = {}
    for entry in value if isinstance(value, tuple) else ():
        match = PIN.match(entry.strip())
        if match is not None:
            found[match["id"]] = match["fingerprint"]
    return found


class Fingerprints:
    """The fingerprints of a graph's items, each computed once when first asked for.

    ``code`` maps the id of an item with source files to their :func:`code_digest`;
    ``known`` holds own fingerprints computed already (by the loader, kept in the cache);
    ``head`` each item's own and deep fingerprint at the commit checked out (from the
    link history): the deep fingerprints are then computed afresh only for the items
    whose upstream changed since.
    """

    __slots__ = ("_code", "_deep", "_evidence", "_graph", "_head", "_ignore", "_own")

    def __init__(
        self,
        graph: TraceGraph,
        ignore: Iterable[str] = NON_NORMATIVE,
        code: Mapping[str, str] | None = None,
        known: Mapping[str, str] | None = None,
        head: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self._graph = graph
        self._head = head or {}
        self._ignore = tuple(ignore)
        self._code = dict(code or {})
        self._own: dict[str, str] = dict(known or {})
        self._evidence: dict[str, str] = {}
        self._deep: dict[str, str] | None = None

    @property
    def graph(self) -> TraceGraph:
        return self._graph

    def own(self, item_id: str) -> str | None:
        """The own fingerprint of the item with ``item_id`` (None: no such item)."""
        found = self._own.get(item_id)
        if found is None:
            item = self._graph.get(item_id)
            if item is None:
                return None
            found = self._own[item_id] = own_fingerprint(item, self._ignore)
        return found

    def of(self, item_id: str) -> str | None:
        """The evidence fingerprint of the item with ``item_id`` (None: no such item)."""
        found = self._evidence.get(item_id)
        if found is None:
            own = self.own(item_id)
            if own is None:
                return None
            found = self._evidence[item_id] = evidence_fingerprint(own, self._code.get(item_id))
        return found

    def code(self, item_id: str) -> str | None:
        """The code digest of an item with source files (None: it has none)."""
        return self._code.get(item_id)

    def deep(self) -> dict[str, str]:
        """Every item's deep fingerprint (computed once)."""
        if self._deep is None:
            self._deep = self._from_head() if self._head else self._afresh(None)
        return self._deep

    def _afresh(self, items: Iterable[Item] | None) -> dict[str, str]:
        """The deep fingerprints of ``items`` (None: all) and everything they depend on."""
        if items is None:
            reach = {item.id: item for item in self._graph}
        else:
            reach = {}
            stack = [item.id for item in items]
            while stack:
                item = self._graph.get(stack.pop())
                if item is not None and item.id not in reach:
                    reach[item.id] = item
                    stack.extend(upstream(self._graph, item))
        own = {item_id: self.own(item_id) or "" for item_id in reach}
        edges = {item_id: list(upstream(self._graph, item)) for item_id, item in reach.items()}
        return deep_of(reach, own, edges)

    def _from_head(self) -> dict[str, str]:
        """The deep fingerprints at the commit checked out, computed afresh for the items
        that changed since (or appeared) and everything downstream of them."""
        graph, head = self._graph, self._head
        changed = [item.id for item in graph if head.get(item.id, ("",))[0] != self.own(item.id)]
        changed += [item_id for item_id in head if item_id not in graph]  # gone: downstream
        affected = set(changed)
        stack = list(changed)
        while stack:
            current = stack.pop()
            for role in DEPENDENCY_LINKS:
                for source in graph.sources(current, role):
                    if source.id not in affected:
                        affected.add(source.id)
                        stack.append(source.id)
        deep = {item.id: head[item.id][1] for item in graph if item.id not in affected}
        deep.update(self._afresh(i for i in (graph.get(a) for a in affected) if i is not None))
        return deep


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
    return Fingerprints(graph, ignore).deep()


def deep_of(
    wanted: Iterable[str], own: Mapping[str, str], edges: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """The deep fingerprints of ``wanted`` (and of everything they depend on), from each
    node's own fingerprint and its dependency edges (to nodes that exist, not to itself).

    A node's deep fingerprint depends only on what it can reach, so computing it for
    part of a graph gives the values a whole-graph computation gives.
    """
    reach: dict[str, list[str]] = {}
    stack = [node for node in wanted if node in own]
    while stack:
        node = stack.pop()
        if node in reach:
            continue
        targets = reach[node] = [t for t in edges.get(node, ()) if t in own and t != node]
        stack.extend(target for target in targets if target not in reach)
    deep: dict[str, str] = {}
    for component in strongly_connected(reach):  # dependencies come first
        members = set(component)
        outer = sorted(
            {deep[other] for node in component for other in reach[node] if other not in members}
        )
        digest = hashlib.sha256()
        for node in component:
            digest.update(own[node].encode())
        for value in outer:
            digest.update(value.encode())
        for node in component:
            deep[node] = digest.hexdigest()[:LENGTH]
    return deep


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:LENGTH]


def _normal(text: str) -> str:
    return " ".join(text.split())


def _value(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return "\x1e".join(_normal(part) for part in value)
    return _normal(str(value))

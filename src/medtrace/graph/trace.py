"""The trace graph built from a project's items.

Items hold only the links they point with; the graph derives the reverse
direction, indexes items by id and kind, and walks chains. It is built once
and never changed; every query returns tuples in a deterministic order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from medtrace.model import Item, Link, Schema


class TraceGraph:
    """Index over items. The first item of an id (by path) wins; later ones are duplicates."""

    __slots__ = ("_backward", "_by_id", "_by_kind", "_by_role", "duplicates", "schema")

    def __init__(self, items: Iterable[Item], schema: Schema) -> None:
        self.schema = schema
        by_id: dict[str, Item] = {}
        duplicates: list[Item] = []
        for item in sorted(items, key=lambda it: (it.source.path, it.id)):
            if item.id in by_id:
                duplicates.append(item)
            else:
                by_id[item.id] = item
        by_kind: defaultdict[str, list[Item]] = defaultdict(list)
        backward: defaultdict[str, list[tuple[Link, str]]] = defaultdict(list)
        by_role: defaultdict[tuple[str, str], list[Item]] = defaultdict(list)
        for item_id in sorted(by_id):
            item = by_id[item_id]
            by_kind[item.kind].append(item)
            for link in item.links:
                backward[link.target].append((link, item_id))
                by_role[(link.target, link.role)].append(item)
        self._by_id = by_id
        self._by_kind = {kind: tuple(found) for kind, found in by_kind.items()}
        self._backward = {target: tuple(found) for target, found in backward.items()}
        self._by_role = {key: tuple(found) for key, found in by_role.items()}
        self.duplicates: tuple[Item, ...] = tuple(duplicates)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def __iter__(self) -> Iterator[Item]:
        """All items, by id."""
        for item_id in sorted(self._by_id):
            yield self._by_id[item_id]

    def get(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def of_kind(self, kind: str) -> tuple[Item, ...]:
        """Items of ``kind``, by id."""
        return self._by_kind.get(kind, ())

    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_kind))

    def targets(self, item_id: str, role: str | None = None) -> tuple[Item, ...]:
        """Existing items that ``item_id`` links to (with link type ``role``, if given)."""
        item = self._by_id.get(item_id)
        if item is None:
            return ()
        found = (self._by_id.get(link.target) for link in item.links if role in (None, link.role))
        return tuple(target for target in found if target is not None)

    def sources(self, item_id: str, role: str | None = None) -> tuple[Item, ...]:
        """Items that link to ``item_id`` (the derived, reverse direction), by id."""
        if role is not None:
            return self._by_role.get((item_id, role), ())
        return tuple(self._by_id[source] for _, source in self._backward.get(item_id, ()))

    def incoming(self, item_id: str) -> tuple[tuple[Link, str], ...]:
        """Links pointing at ``item_id`` (including from nothing else), with their source ids."""
        return self._backward.get(item_id, ())

    def ancestors(self, item_id: str, roles: Iterable[str]) -> tuple[Item, ...]:
        """Everything reachable upward from ``item_id`` over links of ``roles``, nearest first."""
        return self._walk(item_id, frozenset(roles), upward=True)

    def descendants(self, item_id: str, roles: Iterable[str]) -> tuple[Item, ...]:
        """Everything reachable downward (reverse links of ``roles``), nearest first."""
        return self._walk(item_id, frozenset(roles), upward=False)

    def _walk(self, start: str, roles: frozenset[str], *, upward: bool) -> tuple[Item, ...]:
        seen = {start}
        order: list[Item] = []
        frontier = [start]
        while frontier:
            following: list[str] = []
            for current in frontier:
                step = self._up(current, roles) if upward else self._down(current, roles)
                for neighbour in step:
                    if neighbour.id not in seen:
                        seen.add(neighbour.id)
                        order.append(neighbour)
                        following.append(neighbour.id)
            frontier = following
        return tuple(order)

    def _up(self, item_id: str, roles: frozenset[str]) -> Iterator[Item]:
        item = self._by_id.get(item_id)
        if item is None:
            return
        for link in item.links:
            target = self._by_id.get(link.target)
            if link.role in roles and target is not None:
                yield target

    def _down(self, item_id: str, roles: frozenset[str]) -> Iterator[Item]:
        for link, source in self._backward.get(item_id, ()):
            if link.role in roles:
                yield self._by_id[source]

    def chain(
        self, item_id: str, steps: Iterable[tuple[str, bool]]
    ) -> tuple[tuple[Item, ...], ...]:
        """Follow ``steps`` of (link type, upward?) from ``item_id``; every path found.

        ``chain("SYS-001", [("derived-from", False), ("verifies", False)])`` gives
        each (software requirement, test) pair below the system requirement.
        """
        paths: list[tuple[Item, ...]] = [()]
        current = [item_id]
        plan = tuple(steps)
        for role, upward in plan:
            next_paths: list[tuple[Item, ...]] = []
            next_current: list[str] = []
            for path, node in zip(paths, current, strict=True):
                found = self.targets(node, role) if upward else self.sources(node, role)
                for neighbour in found:
                    next_paths.append((*path, neighbour))
                    next_current.append(neighbour.id)
            paths, current = next_paths, next_current
        return tuple(paths) if plan else ()

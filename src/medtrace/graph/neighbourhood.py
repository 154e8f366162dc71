"""The neighbourhood of an item: what it depends on and what depends on it, a few
links away in each direction, laid out in columns by distance.

Column 0 holds the item; column -1 what it links to, column 1 what links to
it, and so on outwards. Each column is sorted by id; the edges are the links
between items of neighbouring columns (links that skip a column or stay in
one are left out of the drawing; the item pages list them). The layout is
data: :mod:`medtrace.export.neighbourhood` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.graph.trace import TraceGraph
from medtrace.model import Item

MAX_PER_COLUMN = 40  # beyond this a column says how many more there are


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    item: Item
    column: int  # negative: upstream (what the item links to), positive: downstream
    row: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    source: str  # the item holding the link
    target: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Neighbourhood:
    centre: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    hidden: tuple[tuple[int, int], ...]  # (column, how many items were left out)


def neighbourhood(graph: TraceGraph, item_id: str, depth: int = 2) -> Neighbourhood:
    """Items up to ``depth`` links upstream and downstream of ``item_id``."""
    centre = graph.get(item_id)
    if centre is None:
        return Neighbourhood(centre=item_id, nodes=(), edges=(), hidden=())
    columns: dict[int, list[Item]] = {0: [centre]}
    seen = {item_id}
    for direction in (-1, 1):
        frontier = [centre]
        for distance in range(1, depth + 1):
            found: dict[str, Item] = {}
            for item in frontier:
                near = graph.targets(item.id) if direction < 0 else graph.sources(item.id)
                for other in near:
                    if other.id not in seen:
                        found[other.id] = other
            seen.update(found)
            frontier = [found[key] for key in sorted(found)]
            if frontier:
                columns[direction * distance] = frontier
    nodes: list[Node] = []
    hidden: list[tuple[int, int]] = []
    for column in sorted(columns):
        shown = columns[column][:MAX_PER_COLUMN]
        if len(columns[column]) > len(shown):
            hidden.append((column, len(columns[column]) - len(shown)))
        nodes.extend(Node(item=item, column=column, row=row) for row, item in enumerate(shown))
    placed = {node.item.id: node.column for node in nodes}
    edges = sorted(
        {
            Edge(source=node.item.id, target=link.target, role=link.role)
            for node in nodes
            for link in node.item.links
            if link.target in placed and abs(placed[link.target] - node.column) == 1
        },
        key=lambda e: (e.source, e.target, e.role),
    )
    return Neighbourhood(
        centre=item_id, nodes=tuple(nodes), edges=tuple(edges), hidden=tuple(hidden)
    )

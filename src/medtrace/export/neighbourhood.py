"""An item's neighbourhood (:mod:`medtrace.graph.neighbourhood`) drawn as SVG.

One box per item in columns by distance (upstream on the left), one line per
link with its type at the arrow's end; every text is escaped, nothing is
scripted, and each box links to ``href(item_id)`` when given. The output
depends only on the neighbourhood.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from medtrace.graph.neighbourhood import Edge, Neighbourhood, Node

BOX_WIDTH, BOX_HEIGHT = 190, 42
COLUMN_GAP, ROW_GAP, MARGIN = 90, 14, 16
_TITLE_CHARACTERS = 28


def neighbourhood_svg(hood: Neighbourhood, href: Callable[[str], str] | None = None) -> str:
    """The SVG document of ``hood``."""
    if not hood.nodes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>'
    place, width, height = _layout(hood)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f"aria-label={quoteattr(f'Links around {hood.centre}')}>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="arrow"/></marker></defs>',
    ]
    out.extend(_edge(edge, place) for edge in hood.edges)
    out.extend(
        _box(node, place[node.item.id], node.item.id == hood.centre, href) for node in hood.nodes
    )
    out.append("</svg>")
    return "".join(out)


def _layout(hood: Neighbourhood) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Where each box goes (its top left corner), and the drawing's width and height."""
    first = min(node.column for node in hood.nodes)
    rows: dict[int, int] = {}
    for node in hood.nodes:
        rows[node.column] = max(rows.get(node.column, 0), node.row + 1)
    tallest = max(rows.values())
    height = MARGIN * 2 + tallest * (BOX_HEIGHT + ROW_GAP)
    width = MARGIN * 2 + len(rows) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP
    place: dict[str, tuple[int, int]] = {}
    for node in hood.nodes:
        offset = (tallest - rows[node.column]) * (BOX_HEIGHT + ROW_GAP) // 2
        x = MARGIN + (node.column - first) * (BOX_WIDTH + COLUMN_GAP)
        place[node.item.id] = (x, MARGIN + offset + node.row * (BOX_HEIGHT + ROW_GAP))
    return place, width, height


def _edge(edge: Edge, place: dict[str, tuple[int, int]]) -> str:
    (sx, sy), (tx, ty) = place[edge.source], place[edge.target]
    x1, y1 = (sx, sy + BOX_HEIGHT // 2) if tx < sx else (sx + BOX_WIDTH, sy + BOX_HEIGHT // 2)
    x2, y2 = (tx + BOX_WIDTH, ty + BOX_HEIGHT // 2) if tx < sx else (tx, ty + BOX_HEIGHT // 2)
    return (
        f'<g class="edge"><title>{escape(f"{edge.source} {edge.role} {edge.target}")}</title>'
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#arrow)"/></g>'
    )


def _box(node: Node, at: tuple[int, int], centre: bool, href: Callable[[str], str] | None) -> str:
    (x, y), title = at, node.item.title
    short = title if len(title) <= _TITLE_CHARACTERS else title[: _TITLE_CHARACTERS - 1] + "…"
    box = (
        f'<g class="node{" centre" if centre else ""}"><title>{escape(f"{node.item.id}: {title}")}'
        f'</title><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="4"/>'
        f'<text x="{x + 8}" y="{y + 17}" class="id">{escape(node.item.id)}</text>'
        f'<text x="{x + 8}" y="{y + 33}" class="title">{escape(short)}</text></g>'
    )
    return box if href is None else f"<a href={quoteattr(href(node.item.id))}>{box}</a>"

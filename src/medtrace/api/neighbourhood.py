"""An item's neighbourhood (upstream and downstream, a few links each way) as SVG."""

from __future__ import annotations

from collections.abc import Callable

from medtrace.api.workspace import Snapshot
from medtrace.errors import ProjectError
from medtrace.export.neighbourhood import neighbourhood_svg
from medtrace.graph.neighbourhood import neighbourhood


def neighbourhood_svg_of(
    snapshot: Snapshot, item_id: str, depth: int = 2, href: Callable[[str], str] | None = None
) -> str:
    """The SVG drawing of the items up to ``depth`` links from ``item_id``."""
    if snapshot.item(item_id) is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    return neighbourhood_svg(neighbourhood(snapshot.graph, item_id, depth), href)

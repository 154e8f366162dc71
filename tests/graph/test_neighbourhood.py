"""An item's neighbourhood: columns by distance, edges between neighbouring columns, SVG."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ItemWriter

from medtrace.api.load import load_project
from medtrace.export.neighbourhood import neighbourhood_svg
from medtrace.graph import TraceGraph
from medtrace.graph.neighbourhood import neighbourhood


def test_columns_hold_upstream_left_and_downstream_right(
    project: Path, write_item: ItemWriter
) -> None:
    write_item("SYS-1", "system-requirement")
    write_item("SRS-1", "software-requirement", derived_from=["SYS-1"])
    tc = write_item("TC-1", "test-case", verifies=["SRS-1"])
    tc.write_text(tc.read_text("utf-8").replace("title: Title of TC-1", "title: <b>&"), "utf-8")
    loaded = load_project(project)
    hood = neighbourhood(TraceGraph(loaded.items, loaded.config.schema), "SRS-1")
    assert [(n.item.id, n.column) for n in hood.nodes] == [("SYS-1", -1), ("SRS-1", 0), ("TC-1", 1)]
    assert [(e.source, e.role, e.target) for e in hood.edges] == [
        ("SRS-1", "derived-from", "SYS-1"),
        ("TC-1", "verifies", "SRS-1"),
    ]
    two = neighbourhood(TraceGraph(loaded.items, loaded.config.schema), "SYS-1")
    assert [(n.item.id, n.column) for n in two.nodes] == [("SYS-1", 0), ("SRS-1", 1), ("TC-1", 2)]
    svg = neighbourhood_svg(hood, href=lambda item_id: f"/items/{item_id}/?a=1&b=2")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood"')
    assert svg.count("<line") == 2 and '<g class="node centre">' in svg
    assert 'href="/items/TC-1/?a=1&amp;b=2"' in svg and "<script" not in svg
    assert "TC-1: &lt;b&gt;&amp;</title>" in svg  # titles are escaped


def test_an_unknown_item_has_an_empty_neighbourhood(project: Path, write_item: ItemWriter) -> None:
    write_item("SYS-1", "system-requirement")
    loaded = load_project(project)
    hood = neighbourhood(TraceGraph(loaded.items, loaded.config.schema), "NOPE")
    assert hood.nodes == () and neighbourhood_svg(hood).endswith("</svg>")

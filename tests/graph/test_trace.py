"""The trace graph: lookups both ways, per-kind queries, ancestors, descendants, chains."""

from __future__ import annotations

from medtrace.graph import TraceGraph
from medtrace.model import Item, Link, SourceLocation, builtin_schema


def item(item_id: str, kind: str, **links: list[str]) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=item_id,
        source=SourceLocation(path=f"{item_id}.md", line=2),
        links=tuple(
            Link(role=role.replace("_", "-"), target=target)
            for role, targets in links.items()
            for target in targets
        ),
    )


GRAPH = TraceGraph(
    [
        item("SYS-1", "system-requirement"),
        item("SYS-2", "system-requirement"),
        item("SRS-1", "software-requirement", derived_from=["SYS-1"]),
        item("SRS-2", "software-requirement", derived_from=["SYS-1", "SYS-2"]),
        item("SRS-3", "software-requirement", derived_from=["SRS-2"]),
        item("TC-1", "test-case", verifies=["SRS-1", "SRS-2"]),
        item("TC-2", "test-case", verifies=["SRS-3", "MISSING-1"]),
    ],
    builtin_schema(),
)


def ids(items: tuple[Item, ...]) -> list[str]:
    return [entry.id for entry in items]


def test_items_are_found_by_id_and_kind_in_id_order() -> None:
    assert len(GRAPH) == 7
    assert "SRS-2" in GRAPH
    assert "MISSING-1" not in GRAPH
    assert ids(GRAPH.of_kind("software-requirement")) == ["SRS-1", "SRS-2", "SRS-3"]
    assert GRAPH.of_kind("hazard") == ()
    assert GRAPH.kinds() == ("software-requirement", "system-requirement", "test-case")


def test_links_are_followed_forward_and_derived_backward() -> None:
    assert ids(GRAPH.targets("SRS-2")) == ["SYS-1", "SYS-2"]
    assert ids(GRAPH.targets("TC-2")) == ["SRS-3"]  # the missing target is skipped
    assert ids(GRAPH.sources("SYS-1")) == ["SRS-1", "SRS-2"]
    assert ids(GRAPH.sources("SRS-2", "verifies")) == ["TC-1"]
    assert ids(GRAPH.sources("SRS-2", "derived-from")) == ["SRS-3"]
    assert [source for _, source in GRAPH.incoming("MISSING-1")] == ["TC-2"]


def test_ancestors_and_descendants_walk_nearest_first() -> None:
    assert ids(GRAPH.ancestors("SRS-3", ["derived-from"])) == ["SRS-2", "SYS-1", "SYS-2"]
    assert ids(GRAPH.descendants("SYS-1", ["derived-from", "verifies"])) == [
        "SRS-1",
        "SRS-2",
        "TC-1",
        "SRS-3",
        "TC-2",
    ]


def test_chain_lists_every_path_down_a_sequence_of_link_types() -> None:
    paths = GRAPH.chain("SYS-1", [("derived-from", False), ("verifies", False)])
    assert [ids(path) for path in paths] == [["SRS-1", "TC-1"], ["SRS-2", "TC-1"]]
    assert [ids(p) for p in GRAPH.chain("TC-2", [("verifies", True)])] == [["SRS-3"]]


def test_the_first_file_owns_a_duplicated_id() -> None:
    first = item("A-1", "hazard")
    second = Item(id="A-1", kind="harm", title="x", source=SourceLocation(path="z.md"))
    graph = TraceGraph([second, first], builtin_schema())
    assert graph.get("A-1") == first
    assert graph.duplicates == (second,)

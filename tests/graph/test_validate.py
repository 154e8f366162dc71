"""Structural findings: duplicates, dangling and mistyped links, self links, cycles."""

from __future__ import annotations

from medtrace.graph import index_rows, structural_findings
from medtrace.model import Item, Link, SourceLocation, builtin_schema

SCHEMA = builtin_schema()


def item(item_id: str, kind: str, *links: tuple[str, str], path: str | None = None) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=item_id,
        source=SourceLocation(path=path or f"{item_id}.md", line=2),
        links=tuple(Link(role=r, target=t, line=5 + n) for n, (r, t) in enumerate(links)),
    )


def findings(*items: Item) -> list[tuple[str, str, int | None, str | None]]:
    rows, links = index_rows(items)
    found = structural_findings(rows, links, SCHEMA)
    return sorted((f.code, f.location.path, f.location.line, f.item) for f in found)


def test_a_consistent_graph_has_no_findings() -> None:
    assert (
        findings(
            item("SYS-1", "system-requirement"),
            item("SRS-1", "software-requirement", ("derived-from", "SYS-1")),
        )
        == []
    )


def test_a_link_to_a_missing_item_is_dangling_at_its_line() -> None:
    assert findings(item("SRS-1", "software-requirement", ("derived-from", "SYS-9"))) == [
        ("link/dangling", "SRS-1.md", 5, "SRS-1")
    ]


def test_a_link_to_a_kind_the_link_type_does_not_allow() -> None:
    got = findings(
        item("HAZ-1", "hazard"),
        item("SRS-1", "software-requirement", ("derived-from", "HAZ-1")),
    )
    assert got == [("link/target-kind", "SRS-1.md", 5, "SRS-1")]


def test_duplicate_ids_are_reported_on_every_later_file() -> None:
    got = findings(
        item("SYS-1", "system-requirement", path="a.md"),
        item("SYS-1", "system-requirement", path="b.md"),
        item("SYS-1", "system-requirement", path="c.md"),
    )
    assert got == [
        ("item/id-duplicate", "b.md", 2, "SYS-1"),
        ("item/id-duplicate", "c.md", 2, "SYS-1"),
    ]


def test_self_links_and_repeated_links() -> None:
    got = findings(
        item("SYS-1", "system-requirement", ("derived-from", "SYS-1")),
        item("SRS-1", "software-requirement", ("derived-from", "SYS-1"), ("derived-from", "SYS-1")),
    )
    assert got == [
        ("link/duplicate", "SRS-1.md", 6, "SRS-1"),
        ("link/self", "SYS-1.md", 5, "SYS-1"),
    ]


def test_a_derivation_cycle_is_reported_once_at_its_smallest_id() -> None:
    got = findings(
        item("SRS-1", "software-requirement", ("derived-from", "SRS-3")),
        item("SRS-2", "software-requirement", ("derived-from", "SRS-1")),
        item("SRS-3", "software-requirement", ("derived-from", "SRS-2")),
        item("SRS-4", "software-requirement", ("derived-from", "SRS-3")),
    )
    assert got == [("link/cycle", "SRS-1.md", 5, "SRS-1")]


def test_cycles_over_links_that_may_cycle_are_fine() -> None:
    # 'verifies' is not acyclic; two separate cycles of part-of are two findings.
    got = findings(
        item("SWI-1", "software-item", ("part-of", "SWI-2")),
        item("SWI-2", "software-item", ("part-of", "SWI-1")),
        item("SWI-3", "software-item", ("part-of", "SWI-4")),
        item("SWI-4", "software-item", ("part-of", "SWI-3")),
    )
    assert [code for code, *_ in got] == ["link/cycle", "link/cycle"]


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    chain = [item("SRS-0", "software-requirement", ("derived-from", "SRS-4999"))]
    chain += [
        item(f"SRS-{n}", "software-requirement", ("derived-from", f"SRS-{n - 1}"))
        for n in range(1, 5000)
    ]
    assert findings(*chain) == [("link/cycle", "SRS-0.md", 5, "SRS-0")]


def test_the_cycle_message_names_its_members() -> None:
    rows, links = index_rows(
        [
            item("SRS-1", "software-requirement", ("derived-from", "SRS-2")),
            item("SRS-2", "software-requirement", ("derived-from", "SRS-1")),
        ]
    )
    (finding,) = structural_findings(rows, links, SCHEMA)
    assert finding.message == "'derived-from' links form a cycle among SRS-1, SRS-2"

"""Trace matrices, coverage and orphans on small graphs built here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtrace.graph import TraceGraph
from medtrace.graph.coverage import (
    REPORT,
    Step,
    coverage,
    coverage_report,
    find_routes,
    orphans,
    route_text,
    trace_matrix,
)
from medtrace.model import Item, Link, SourceLocation, builtin_schema

SCHEMA = builtin_schema()


def item(item_id: str, kind: str, **links: list[str]) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=f"Title of {item_id}",
        source=SourceLocation(path=f"{item_id}.md", line=2),
        links=tuple(
            Link(role=role.replace("_", "-"), target=target)
            for role, targets in links.items()
            for target in targets
        ),
    )


ITEMS = [
    item("SYS-1", "system-requirement"),
    item("SYS-2", "system-requirement"),
    item("SYS-3", "system-requirement"),
    item("SRS-1", "software-requirement", derived_from=["SYS-1"]),
    item("SRS-2", "software-requirement", derived_from=["SYS-1", "SYS-2"]),
    item("SRS-3", "software-requirement", derived_from=["SYS-2"], implements_risk_control=["RC-1"]),
    item("SRS-4", "software-requirement", derived_from=["SYS-3"]),
    item("TC-1", "test-case", verifies=["SRS-1", "SRS-2"]),
    item("TC-2", "test-case", verifies=["SRS-2", "SYS-3", "RC-1"]),
    item("TC-3", "test-case", verifies=["SRS-3", "MISSING-1"]),
    item("TC-4", "test-case"),
    item("SWU-1", "software-unit", implements=["SRS-1"]),
    item("DD-1", "detailed-design", design_of=["SWU-1"]),
    item("RC-1", "risk-control", mitigates=["HS-1"]),
    item("HS-1", "hazardous-situation"),
    item("HS-2", "hazardous-situation"),
    item("PLAN-1", "plan"),
    item("TC-9", "test-case", verifies=["GONE-1"]),
]
GRAPH = TraceGraph(ITEMS, SCHEMA)


def steps(*texts: str) -> tuple[Step, ...]:
    return tuple(Step.parse(text) for text in texts)


def pairs(source_kind: str, target_kind: str, path: tuple[Step, ...] | None = None) -> set[str]:
    matrix = trace_matrix(GRAPH, source_kind, target_kind, path)
    return {f"{row.source.id}>{link.target.id}" for row in matrix.rows for link in row.links}


def test_a_step_reads_a_link_type_and_a_direction() -> None:
    assert Step.parse("verifies<") == Step(role="verifies", forward=False)
    assert Step.parse(" part-of> ") == Step(role="part-of", forward=True)
    assert route_text(steps("derived-from<", "verifies<")) == "derived-from<,verifies<"
    for bad in ("verifies", "<", "", "verifies<<", "a b>"):
        with pytest.raises(ValueError, match="malformed path step"):
            Step.parse(bad)


def test_routes_are_the_shortest_through_the_schema() -> None:
    def routes(source: str, target: str) -> list[str]:
        return [route_text(route) for route in find_routes(SCHEMA, source, target)]

    assert routes("software-requirement", "test-case") == ["verifies<"]
    assert routes("software-unit", "software-requirement") == ["implements>"]
    # A system requirement may be verified directly, so that one step is the shortest.
    assert routes("system-requirement", "test-case") == ["verifies<"]
    assert routes("hazardous-situation", "test-case") == [
        "caused-by>,verifies<",
        "introduces<,verifies<",
        "mitigates<,verifies<",
    ]
    # Never straight back over the same link type (verifies<,verifies>).
    # Through the software that uses it, or the model built on it (issue 24).
    assert routes("soup", "software-requirement") == [
        "built-on<,specified-by>",
        "used-by>,implements>",
    ]


def test_record_links_and_same_kinds_give_no_route() -> None:
    assert find_routes(SCHEMA, "review-record", "test-case") == ()  # reviews is not a trace link
    assert find_routes(SCHEMA, "plan", "harm") == ()
    assert find_routes(SCHEMA, "software-requirement", "software-requirement") == ()


def test_the_automatic_route_gives_each_source_its_targets() -> None:
    matrix = trace_matrix(GRAPH, "software-requirement", "test-case")
    assert [route_text(r) for r in matrix.routes] == ["verifies<"]
    assert [row.source.id for row in matrix.rows] == ["SRS-1", "SRS-2", "SRS-3", "SRS-4"]
    assert [[link.target.id for link in row.links] for row in matrix.rows] == [
        ["TC-1"],
        ["TC-1", "TC-2"],
        ["TC-3"],
        [],
    ]
    assert matrix.rows[1].links[1].chain == ("SRS-2", "TC-2")
    assert [t.id for t in matrix.targets] == ["TC-1", "TC-2", "TC-3", "TC-4", "TC-9"]
    assert (matrix.covered, matrix.pairs, matrix.via) == (3, 4, ())


def test_an_explicit_path_keeps_the_smallest_chain_to_each_target() -> None:
    matrix = trace_matrix(
        GRAPH, "system-requirement", "test-case", steps("derived-from<", "verifies<")
    )
    chains = {link.target.id: link.chain for link in matrix.rows[0].links}
    # TC-1 is reached from SYS-1 through SRS-1 and through SRS-2: the first is kept.
    assert chains == {"TC-1": ("SYS-1", "SRS-1", "TC-1"), "TC-2": ("SYS-1", "SRS-2", "TC-2")}
    # SYS-3 is verified directly by TC-2, but this path goes through its requirements only,
    # and its SRS-4 is not verified.
    assert [row.source.id for row in matrix.rows if not row.links] == ["SYS-3"]
    assert pairs("system-requirement", "test-case", steps("derived-from<", "verifies<")) == {
        "SYS-1>TC-1",
        "SYS-1>TC-2",
        "SYS-2>TC-1",
        "SYS-2>TC-2",
        "SYS-2>TC-3",
    }
    assert [v.id for v in matrix.via] == ["SRS-1", "SRS-2", "SRS-3"]


def test_forward_steps_and_the_target_kind_filter() -> None:
    assert pairs("test-case", "system-requirement", steps("verifies>", "derived-from>")) == {
        "TC-1>SYS-1",
        "TC-1>SYS-2",
        "TC-2>SYS-1",
        "TC-2>SYS-2",
        "TC-3>SYS-2",
    }
    # verifies> also reaches SYS-3 and RC-1 from TC-2; only the target kind is kept.
    assert pairs("test-case", "software-requirement", steps("verifies>")) == {
        "TC-1>SRS-1",
        "TC-1>SRS-2",
        "TC-2>SRS-2",
        "TC-3>SRS-3",
    }


def test_coverage_counts_sources_reaching_a_target() -> None:
    verified = {link.target for i in ITEMS if i.kind == "test-case" for link in i.links}
    requirements = [i.id for i in ITEMS if i.kind == "software-requirement"]
    expected = sum(1 for r in requirements if r in verified)
    line = coverage(GRAPH, "software-requirement", "test-case")
    assert (line.covered, line.total) == (expected, len(requirements)) == (3, 4)
    assert line.percent == pytest.approx(100 * expected / len(requirements))
    assert line.uncovered == ("SRS-4",)


def test_the_coverage_report_has_the_auditors_lines() -> None:
    lines = {line.label: line for line in coverage_report(GRAPH)}
    assert list(lines) == [spec.label for spec in REPORT]
    counts = {label: (line.covered, line.total) for label, line in lines.items()}
    assert counts == {
        "System requirements refined by software requirements": (3, 3),
        "Software requirements verified by test cases": (3, 4),
        "Software requirements implemented by software items or units": (1, 4),
        "Risk controls implemented by requirements": (1, 1),
        "Risk controls verified by test cases": (1, 1),
        "Hazardous situations mitigated by risk controls": (1, 2),
        "Software units with a detailed design": (1, 1),
    }
    assert lines["Hazardous situations mitigated by risk controls"].uncovered == ("HS-2",)
    empty = coverage_report(TraceGraph([], SCHEMA))
    assert all(line.total == 0 and line.percent is None for line in empty)


def test_orphans_have_no_link_either_way() -> None:
    # TC-4 links nothing; TC-9's only link dangles; HS-2 is linked by nobody.
    # PLAN-1 may stand alone; HS-1 and DD-1 are linked.
    assert [i.id for i in orphans(GRAPH)] == ["HS-2", "TC-4", "TC-9"]


ids = st.sampled_from([f"SRS-{n}" for n in range(6)] + ["SYS-1", "NONE-1"])


@given(st.lists(st.lists(ids, max_size=4), max_size=6), st.integers(0, 6))
def test_the_matrix_holds_exactly_the_verifies_links(
    verifies: list[list[str]], requirements: int
) -> None:
    items = [item(f"SRS-{n}", "software-requirement") for n in range(requirements)]
    items += [item(f"TC-{n}", "test-case", verifies=v) for n, v in enumerate(verifies)]
    items.append(item("SYS-1", "system-requirement"))
    matrix = trace_matrix(TraceGraph(items, SCHEMA), "software-requirement", "test-case")
    found = {(row.source.id, link.target.id) for row in matrix.rows for link in row.links}
    existing = {f"SRS-{n}" for n in range(requirements)}
    assert found == {
        (target, f"TC-{n}") for n, v in enumerate(verifies) for target in v if target in existing
    }
    assert len(matrix.rows) == requirements
    assert matrix.covered == len({source for source, _ in found})

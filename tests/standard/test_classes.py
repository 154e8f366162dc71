"""Effective safety classes: the decision procedure, inheritance, SOUP, risk controls."""

from __future__ import annotations

import pytest

from medtrace.graph import TraceGraph
from medtrace.model import Item, Link, SafetyClass, SourceLocation, builtin_schema
from medtrace.standard.classes import compute_classes, decide_class, risk_class

A, B, C = SafetyClass.A, SafetyClass.B, SafetyClass.C


@pytest.mark.parametrize(
    ("contributes", "unacceptable", "harm", "expected"),
    [
        (False, True, "serious-injury-or-death", A),
        (True, False, "serious-injury-or-death", A),
        (True, True, "non-serious-injury", B),
        (True, True, "serious-injury-or-death", C),
        (True, True, None, B),
    ],
)
def test_the_amendment_1_decision_procedure(
    contributes: bool, unacceptable: bool, harm: str | None, expected: SafetyClass
) -> None:
    assert decide_class(contributes, unacceptable, harm) is expected


def item(item_id: str, kind: str, links: dict[str, list[str]] | None = None, **fields: str) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=item_id,
        source=SourceLocation(path=f"{item_id}.md", line=2),
        fields=tuple(sorted((name.replace("_", "-"), value) for name, value in fields.items())),
        links=tuple(
            Link(role=role, target=target)
            for role, targets in (links or {}).items()
            for target in targets
        ),
    )


def graph(*items: Item) -> TraceGraph:
    return TraceGraph(items, builtin_schema())


def test_items_inherit_their_parents_class_unless_they_declare_one() -> None:
    classes = compute_classes(
        graph(
            item("SWS-1", "software-system", safety_class="C"),
            item("SWI-1", "software-item", {"part-of": ["SWS-1"]}),
            item("SWI-2", "software-item", {"part-of": ["SWS-1"]}, safety_class="B"),
            item("SWU-1", "software-unit", {"part-of": ["SWI-2"]}),
            item("SWU-2", "software-unit", {"part-of": ["SWI-1"]}),
        )
    )
    assert dict(classes.software) == {"SWS-1": C, "SWI-1": C, "SWI-2": B, "SWU-1": B, "SWU-2": C}
    assert classes.project is C


def test_unclassified_software_is_class_c_and_a_record_sets_the_system() -> None:
    unclassified = compute_classes(graph(item("SWS-1", "software-system")))
    assert unclassified.software["SWS-1"] is C
    recorded = compute_classes(
        graph(
            item("SWS-1", "software-system"),
            item("SCL-1", "safety-classification", {"classifies": ["SWS-1"]}, safety_class="A"),
            item("SWI-1", "software-item", {"part-of": ["SWS-1"]}),
        )
    )
    assert (recorded.software["SWS-1"], recorded.software["SWI-1"], recorded.project) == (A, A, A)


def test_soup_requirements_and_controls_take_the_class_of_their_software() -> None:
    g = graph(
        item("SWS-1", "software-system", safety_class="C"),
        item("SWI-1", "software-item", {"part-of": ["SWS-1"]}, safety_class="B"),
        item("SWI-2", "software-item", {"part-of": ["SWS-1"]}, safety_class="A"),
        item("SOUP-1", "soup", {"used-by": ["SWI-1", "SWI-2"]}),
        item("SOUP-2", "soup", {"used-by": ["SWI-2"]}),
        item("SRS-1", "software-requirement", {"implements-risk-control": ["RC-1"]}),
        item("SWU-1", "software-unit", {"part-of": ["SWI-2"], "implements": ["SRS-1"]}),
        item("RC-1", "risk-control"),
        item("HAZ-1", "hazard"),
    )
    classes = compute_classes(g)
    by_id = {i.id: i for i in g}
    assert classes.of(g, by_id["SOUP-1"]) is B
    assert classes.of(g, by_id["SOUP-2"]) is A
    assert classes.of(g, by_id["SRS-1"]) is A
    assert classes.of(g, by_id["RC-1"]) is A
    assert classes.of(g, by_id["HAZ-1"]) is C  # the project's class


def test_the_class_of_a_risk_comes_from_its_worst_harm() -> None:
    g = graph(
        item("HARM-1", "harm", injury="non-serious-injury"),
        item("HARM-2", "harm", injury="serious-injury-or-death"),
        item("HARM-3", "harm"),
        item("HS-1", "hazardous-situation", {"may-cause": ["HARM-1"]}),
        item("HS-2", "hazardous-situation", {"may-cause": ["HARM-1", "HARM-2"]}),
        item("HS-3", "hazardous-situation", {"may-cause": ["HARM-3"]}),
        item("RC-1", "risk-control", {"mitigates": ["HS-1"]}),
        item("RC-2", "risk-control", {"mitigates": ["HS-1", "HS-2"]}),
        item("RC-3", "risk-control", {"mitigates": ["HS-3"]}),
    )
    by_id = {i.id: i for i in g}
    assert [risk_class(g, by_id[f"RC-{n}"]) for n in (1, 2, 3)] == [B, C, C]

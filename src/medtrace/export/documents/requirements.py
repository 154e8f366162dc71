"""The software requirements specification of the document set (IEC 62304 5.2).

System requirements; software requirements by category; an overview table; which
5.2.2 categories the requirements cover (a category no requirement covers is a gap,
unless a software system names it in ``categories-not-applicable``); at Class B and
C, the software risk controls and the requirements that implement them (5.2.3).
"""

from __future__ import annotations

from medtrace.export.documents.content import Sources, blocks, field_text, ids, listed_gap, section
from medtrace.model import Item, SafetyClass
from medtrace.model.documents import Gap, Section, Table
from medtrace.standard.rules.design import REQUIREMENT_CATEGORIES, declared_not_applicable


def srs(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    system = graph.of_kind("system-requirement")
    software = graph.of_kind("software-requirement")
    tested = {s.requirement.id: s for s in src.requirements}
    by_category: dict[str, list[Item]] = {}
    for requirement in software:
        by_category.setdefault(field_text(requirement, "category", "uncategorised"), []).append(
            requirement
        )
    categories = sorted(by_category, key=lambda c: (c == "uncategorised", c))
    rows = tuple(
        (
            r.id,
            r.title,
            ", ".join(r.targets("derived-from")),
            ", ".join(e.test for e in tested[r.id].evidence) if r.id in tested else "",
            ", ".join(r.targets("implements-risk-control")),
        )
        for r in software
    )
    underived = [r.id for r in software if not r.targets("derived-from")]
    no_system = () if system else (Gap(message="No system requirement items", clause="5.2.1"),)
    no_software: tuple[Gap, ...] = ()
    if not software:
        no_software = (Gap(message="No software requirement items", clause="5.2.1"),)
    sections = [
        section("System requirements", no_system, blocks(graph, system)),
        section(
            "Software requirements",
            no_software,
            sections=[section(c.capitalize(), blocks(graph, by_category[c])) for c in categories],
        ),
        section(
            "Requirements overview",
            [
                Table(
                    headers=("Requirement", "Title", "Derived from", "Tests", "Risk controls"),
                    rows=rows,
                )
            ]
            if rows
            else [],
            listed_gap("Not derived from a system requirement", underived, "5.2.1"),
        ),
    ]
    sections.append(_categories(src, by_category))
    if src.at_least(SafetyClass.B):
        sections.append(_risk_requirements(src))
    return tuple(sections)


def _categories(src: Sources, by_category: dict[str, list[Item]]) -> Section:
    """Which 5.2.2 categories the software requirements cover, and which none covers."""
    declared = declared_not_applicable(src.graph)
    rows = []
    missing = []
    for category, letters, meaning in REQUIREMENT_CATEGORIES:
        found = len(by_category.get(category, []))
        if found:
            state = str(found)
        elif category in declared:
            state = f"not applicable ({', '.join(declared[category])})"
        else:
            state = "none"
            missing.append(category)
        rows.append((category, f"5.2.2 {letters}", meaning, state))
    gaps = listed_gap(
        "Software requirements without a category",
        [r.id for r in by_category.get("uncategorised", [])],
        "5.2.2",
    )
    if missing:
        message = (
            f"No software requirement of category {', '.join(missing)}; where one does not "
            "apply, name it in the software system's categories-not-applicable with the reason"
        )
        gaps = (*gaps, Gap(message=message, clause="5.2.2"))
    return section(
        "Requirement categories (5.2.2)",
        [Table(headers=("Category", "Clause", "Content", "Requirements"), rows=tuple(rows))],
        gaps,
    )


def _risk_requirements(src: Sources) -> Section:
    graph = src.graph
    rows = []
    unimplemented = []
    for control in graph.of_kind("risk-control"):
        if field_text(control, "implemented-in", "software") != "software":
            continue
        requirements = [
            r
            for r in graph.sources(control.id, "implements-risk-control")
            if r.kind == "software-requirement"
        ]
        rows.append((control.id, control.title, ids(requirements)))
        if not requirements:
            unimplemented.append(control.id)
    table = Table(headers=("Risk control", "Title", "Software requirements"), rows=tuple(rows))
    return section(
        "Risk control measures in the software requirements",
        [table] if rows else [],
        listed_gap("Software risk controls no requirement implements", unimplemented, "5.2.3"),
    )

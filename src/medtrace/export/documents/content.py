"""What each deliverable holds: sections built from the trace graph and the reports on it.

Pure functions of :class:`Sources` (no I/O, no clock): :mod:`medtrace.api.documents`
loads the project, adds the document control and writes the files. Every item is
shown as an :class:`ItemBlock` in exactly one document (:data:`HOME`), so links
both ways have one place to point at; content the standard asks for that the
project lacks becomes a :class:`Gap` with its clause, never an omission.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import BINDING_FIELD
from medtrace.graph.risk import RiskFile
from medtrace.graph.verification import RequirementStatus, ResultIndex
from medtrace.model import Item, SafetyClass
from medtrace.model.documents import Block, Gap, ItemBlock, Paragraph, Section, Table
from medtrace.model.kinds import PLAN_PURPOSES, plan_purposes
from medtrace.standard.classes import Classes, level_label
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.matrix import Matrix

# The document each kind of item is shown in (its "home"); other kinds go to the SDP's
# "Other project records", so nothing is left out.
HOME: dict[str, str] = {
    "plan": "sdp",
    "safety-classification": "sdp",
    "documentation-level": "sdp",
    "attestation": "sdp",
    "system-requirement": "srs",
    "software-requirement": "srs",
    "software-system": "sad",
    "software-item": "sad",
    "software-unit": "sdd",
    "detailed-design": "sdd",
    "test-case": "test-plan",
    "test-record": "test-report",
    "hazard": "rmf",
    "hazardous-situation": "rmf",
    "harm": "rmf",
    "risk-control": "rmf",
    "risk-evaluation": "rmf",
    "risk-management-review": "rmf",
    "soup": "soup",
    "vulnerability-evaluation": "soup",
    "problem-report": "release-notes",
    "change-request": "release-notes",
    "release": "release-notes",
    "review-record": "release-notes",
    "data-set": "ai",
    "ml-model": "ai",
    "training-run": "ai",
    "performance-evaluation": "ai",
    "pccp-modification": "ai",
    "threat": "cybersecurity",
}
REQUIRED_PLANS = (("development", "5.1.1"), ("maintenance", "6.1"))
PLAN_TYPES = PLAN_PURPOSES
IDS_SHOWN = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Sources:
    """Everything the documents are made from, computed once."""

    graph: TraceGraph
    classes: Classes
    project_class: SafetyClass
    results: ResultIndex
    requirements: tuple[RequirementStatus, ...]  # software requirements, by id
    units: tuple[RequirementStatus, ...]  # software units, by id
    risk: RiskFile
    matrix: Matrix
    placed: frozenset[str]  # kinds shown in a produced document
    unreadable: tuple[str, ...] = ()  # "path:line: message" of item files that do not parse
    level: str = ""  # how the project's class is named: "Class C", or "rigor level II"
    edition2: bool = False  # checked against the Edition 2 draft (rigor levels)

    def at_least(self, lowest: SafetyClass) -> bool:
        return not self.project_class < lowest


def applies(clauses: Sequence[str], project_class: SafetyClass) -> bool:
    """Whether any clause (or sub-clause of one) in ``clauses`` applies at the class."""
    return any(
        project_class in entry.classes
        for entry in CLAUSES
        for number in clauses
        if entry.number == number or entry.number.startswith(f"{number}.")
    )


def value_text(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def field_text(item: Item, name: str, default: str = "") -> str:
    value = item.field(name)
    return default if value is None or value == "" else value_text(value)


def item_block(graph: TraceGraph, item: Item) -> ItemBlock:
    """An item as a document shows it; the fingerprints a record keeps are for machines
    (the document's approvals say what they mean)."""
    reverse = {name: link.reverse for name, link in graph.schema.links.items()}
    links_in = sorted(
        (reverse.get(link.role, f"{link.role} (from)"), source)
        for link, source in graph.incoming(item.id)
    )
    return ItemBlock(
        id=item.id,
        kind=item.kind,
        title=item.title,
        fields=tuple(
            (name, value_text(value)) for name, value in item.fields if name != BINDING_FIELD
        ),
        body=item.body,
        links_out=tuple((link.role, link.target) for link in item.links),
        links_in=tuple(links_in),
    )


def blocks(graph: TraceGraph, items: Iterable[Item]) -> tuple[ItemBlock, ...]:
    return tuple(item_block(graph, item) for item in items)


def ids(items: Iterable[Item]) -> str:
    return ", ".join(item.id for item in items)


def listed_gap(message: str, found: Sequence[str], clause: str) -> tuple[Gap, ...]:
    """One gap naming the items that lack something (the first few, then a count)."""
    if not found:
        return ()
    shown = ", ".join(found[:IDS_SHOWN])
    more = f" and {len(found) - IDS_SHOWN} more" if len(found) > IDS_SHOWN else ""
    return (Gap(message=f"{message}: {shown}{more}", clause=clause),)


def section(title: str, *parts: Iterable[Block], sections: Iterable[Section] = ()) -> Section:
    return Section(
        title=title,
        blocks=tuple(block for part in parts for block in part),
        sections=tuple(sections),
    )


# --- Software development plan --------------------------------------------------------


def sdp(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    plans = graph.of_kind("plan")
    by_type: dict[str, list[Item]] = {}
    served: set[str] = set()
    for plan in plans:
        purposes = plan_purposes(plan) or ("other",)
        by_type.setdefault(purposes[0], []).append(plan)  # shown once, under its first
        served.update(purposes)
    required = dict(REQUIRED_PLANS)
    order = [*PLAN_TYPES, *sorted(set(by_type) - set(PLAN_TYPES))]
    plan_sections = []
    for plan_type in order:
        found = by_type.get(plan_type, [])
        if not found and plan_type not in required:
            continue
        missing: tuple[Gap, ...] = ()
        if not found and plan_type in served:
            continue  # a combined plan, shown under its first purpose, covers it
        if not found:
            what = "software development" if plan_type == "development" else plan_type
            message = f"No {what} plan item (kind: plan, plan-type: {plan_type})"
            missing = (Gap(message=message, clause=required[plan_type]),)
        title = f"{plan_type.replace('-', ' ').capitalize()} plan"
        plan_sections.append(section(title, missing, blocks(graph, found)))
    others = [i for i in graph if i.kind not in src.placed]
    return (
        section("Plans", sections=plan_sections),
        _classification(src),
        _documentation_level(graph),
        _attestations(graph),
        section(
            "Other project records",
            [Paragraph(text="Items of kinds no other document shows.")] if others else [],
            blocks(graph, others),
            _unreadable(src.unreadable),
        ),
    )


def _unreadable(problems: tuple[str, ...]) -> tuple[Gap, ...]:
    """A gap per item file that does not parse: it is in no document until it is mended."""
    return tuple(
        Gap(message=f"Item file that cannot be read, left out of every document: {problem}")
        for problem in problems
    )


def _classification(src: Sources) -> Section:
    graph = src.graph
    records = graph.of_kind("safety-classification")
    rows = []
    for kind in ("software-system", "software-item", "software-unit"):
        for item in graph.of_kind(kind):
            declared = src.classes.declared.get(item.id)
            effective = src.classes.software.get(item.id, src.project_class)
            rows.append(
                (item.id, item.title, kind, effective.value, declared.value if declared else "")
            )
    missing: tuple[Gap, ...] = ()
    if not records:
        message = (
            "No software safety classification record (kind: safety-classification); "
            f"unclassified software is treated as {level_label(SafetyClass.C, src.edition2)}"
        )
        missing = (Gap(message=message, clause="4.3"),)
    level = src.level or f"Class {src.project_class.value}"
    text = f"The software system is **{level}** (IEC 62304 4.3)."
    table = Table(
        headers=("Item", "Title", "Kind", "Class", "Declared"),
        rows=tuple(rows),
        caption="Effective safety class of each software system, item and unit",
    )
    return section(
        "Software safety classification",
        [Paragraph(text=text)],
        missing,
        [table] if rows else [],
        blocks(graph, records),
    )


def _documentation_level(graph: TraceGraph) -> Section:
    decisions = graph.of_kind("documentation-level")
    if not decisions:
        text = "No FDA documentation level decision (kind: documentation-level) is recorded."
        return section("FDA documentation level", [Paragraph(text=text)])
    levels = ", ".join(f"{field_text(d, 'level', 'undecided')} ({d.id})" for d in decisions)
    return section(
        "FDA documentation level",
        [Paragraph(text=f"Documentation level: {levels}.")],
        blocks(graph, decisions),
    )


def _attestations(graph: TraceGraph) -> Section:
    items = graph.of_kind("attestation")
    rows = tuple(
        (
            a.id,
            field_text(a, "clauses"),
            field_text(a, "evidence"),
            field_text(a, "signed-by"),
            field_text(a, "signed-date"),
        )
        for a in items
    )
    table = Table(headers=("Attestation", "Clauses", "Evidence", "Signed by", "Date"), rows=rows)
    return section("Attestations", [table] if rows else [], blocks(graph, items))


# --- Architecture and detailed design --------------------------------------------------


def sad(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    systems = graph.of_kind("software-system")
    items = graph.of_kind("software-item")
    rows: list[tuple[str, ...]] = []
    seen: set[str] = set()

    def walk(item: Item, depth: int) -> None:
        if item.id in seen:
            return
        seen.add(item.id)
        cls = src.classes.software.get(item.id, src.project_class).value
        rows.append((item.id, f"{'. ' * depth}{item.title}", item.kind, cls))
        for child in graph.sources(item.id, "part-of"):
            walk(child, depth + 1)

    for root in [*systems, *(i for i in items if not i.targets("part-of"))]:
        walk(root, 0)
    gaps: list[Gap] = []
    if not systems:
        gaps.append(Gap(message="No software system item (kind: software-system)", clause="5.3.1"))
    if not items:
        gaps.append(Gap(message="No software items (kind: software-item)", clause="5.3.1"))
    no_interfaces = [i.id for i in items if not field_text(i, "interfaces")]
    interface_rows = tuple((i.id, i.title, field_text(i, "interfaces", "—")) for i in items)
    tree = Table(
        headers=("Item", "Title", "Kind", "Class"),
        rows=tuple(rows),
        caption="Decomposition (part-of), depth shown by leading dots",
    )
    return (
        section(
            "Software systems and items",
            gaps,
            [tree] if rows else [],
            blocks(graph, (*systems, *items)),
        ),
        section(
            "Interfaces",
            [Table(headers=("Item", "Title", "Interfaces"), rows=interface_rows)]
            if interface_rows
            else [],
            listed_gap("Software items that document no interfaces", no_interfaces, "5.3.2"),
        ),
        _soup_summary(src),
    )


def _soup_summary(src: Sources) -> Section:
    soups = src.graph.of_kind("soup")
    rows = tuple(
        (
            s.id,
            s.title,
            field_text(s, "version"),
            ", ".join(s.targets("used-by")),
            "yes" if field_text(s, "functional-requirements") else "no",
            "yes" if field_text(s, "system-requirements") else "no",
        )
        for s in soups
    )
    headers = ("SOUP", "Title", "Version", "Used by", "Requirements (5.3.3)", "Needs (5.3.4)")
    return section(
        "SOUP items",
        [Table(headers=headers, rows=rows)] if rows else [Paragraph(text="No SOUP items.")],
        listed_gap(
            "SOUP without functional and performance requirements",
            [s.id for s in soups if not field_text(s, "functional-requirements")],
            "5.3.3",
        ),
        listed_gap(
            "SOUP without the hardware and software it needs",
            [s.id for s in soups if not field_text(s, "system-requirements")],
            "5.3.4",
        ),
    )


def sdd(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    units = graph.of_kind("software-unit")
    designs = graph.of_kind("detailed-design")
    rows = tuple(
        (
            u.id,
            u.title,
            ", ".join(u.targets("part-of")),
            src.classes.software.get(u.id, src.project_class).value,
            field_text(u, "source-files"),
            ids(graph.sources(u.id, "design-of")),
        )
        for u in units
    )
    no_units = (
        () if units else (Gap(message="No software units (kind: software-unit)", clause="5.4.1"),)
    )
    headers = ("Unit", "Title", "Part of", "Class", "Source files", "Detailed design")
    sections = [
        section(
            "Software units",
            no_units,
            [Table(headers=headers, rows=rows)] if rows else [],
            blocks(graph, units),
        ),
    ]
    if src.at_least(SafetyClass.C) or designs:
        undesigned = [
            u.id
            for u in units
            if src.classes.software.get(u.id) is SafetyClass.C
            and not graph.sources(u.id, "design-of")
        ]
        sections.append(
            section(
                "Detailed design",
                listed_gap("Class C units without a detailed design", undesigned, "5.4.2"),
                blocks(graph, designs),
            )
        )
    return tuple(sections)

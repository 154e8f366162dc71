"""Effective safety classes of every item (IEC 62304 4.3, 7.2.2 b), and the findings on them.

* A software system's class comes from its safety classification record (the
  highest, if several; else its own ``safety-class``); an unclassified system
  is treated as Class C.
* An item or unit inherits its parent's class (``part-of``) unless it declares
  one; a lower class needs a segregation rationale (4.3), and below a Class C
  parent the segregation mechanism's evidence too (5.3.5).
* A system is never below its highest item.
* SOUP takes the highest class of the items that use it; a requirement, the
  highest class of what implements it; a risk control and a detailed design
  likewise; anything else, the project's class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from medtrace.graph import TraceGraph
from medtrace.model import Item, SafetyClass
from medtrace.model.kinds import INJURY_LEVELS, SOFTWARE_KINDS

_DEFAULT = SafetyClass.C
# The Edition 2 draft's process rigor level of each class: A is Level I, B and C Level II.
RIGOR_OF = {SafetyClass.A: "I", SafetyClass.B: "II", SafetyClass.C: "II"}
_RIGOR_CLASS = {"I": SafetyClass.A, "II": SafetyClass.C}


def level_label(found: SafetyClass, edition2: bool) -> str:
    """How a class is named in a report: ``Class C``, or under the Edition 2 draft its
    rigor level (``rigor level II``)."""
    return f"rigor level {RIGOR_OF[found]}" if edition2 else f"Class {found.value}"


def recorded_class(record: Item) -> SafetyClass | None:
    """The class a classification record decides: its ``safety-class``, else its Edition 2
    ``rigor-level`` read as a class (Level I as A, Level II as C)."""
    stated = SafetyClass.parse(record.field("safety-class"))
    if stated is None:
        return _RIGOR_CLASS.get(str(record.field("rigor-level") or ""))
    return stated


_INJURY_CLASS = dict(zip(INJURY_LEVELS, SafetyClass, strict=True))


def decide_class(contributes: bool, unacceptable_risk: bool, worst_harm: str | None) -> SafetyClass:
    """The Amendment 1 decision procedure (Figure 3) for a software system.

    Q1 no -> A; Q2 no -> A; Q3 serious injury or death -> C, otherwise B.
    """
    if not contributes or not unacceptable_risk:
        return SafetyClass.A
    return SafetyClass.C if worst_harm == "serious-injury-or-death" else SafetyClass.B


@dataclass(frozen=True, slots=True)
class Classes:
    """The effective class of every software item, and of everything else through them."""

    software: Mapping[str, SafetyClass]  # systems, items and units
    declared: Mapping[str, SafetyClass]  # what each says or is recorded, before inheritance
    project: SafetyClass  # the highest system's class (C when there is none)
    # Classes of other items, worked out once each (rules ask for them again and again).
    _derived: dict[str, SafetyClass] = field(default_factory=dict, compare=False, repr=False)

    def of(self, graph: TraceGraph, item: Item) -> SafetyClass:
        """The class at which the standard's clauses apply to ``item``."""
        found = self.software.get(item.id) or self._derived.get(item.id)
        if found is None:
            related = list(self._related(graph, item))
            found = max(related) if related else self.project
            self._derived[item.id] = found
        return found

    def _related(self, graph: TraceGraph, item: Item) -> Iterator[SafetyClass]:
        if item.kind == "soup":
            found = graph.targets(item.id, "used-by")
        elif item.kind == "detailed-design":
            found = graph.targets(item.id, "design-of")
        elif item.kind == "software-requirement":
            found = graph.sources(item.id, "implements")
        elif item.kind == "risk-control":
            found = _implementers_of_control(graph, item)
        else:
            found = ()
        for other in found:
            if other.id in self.software:
                yield self.software[other.id]


def _implementers_of_control(graph: TraceGraph, control: Item) -> tuple[Item, ...]:
    """Software items implementing a risk control, directly or through requirements."""
    direct = list(graph.sources(control.id, "implements-risk-control"))
    for requirement in list(direct):
        direct.extend(graph.sources(requirement.id, "implements"))
    return tuple(item for item in direct if item.kind in SOFTWARE_KINDS)


def compute_classes(graph: TraceGraph) -> Classes:
    """Effective classes, top-down from each system through ``part-of``."""
    declared: dict[str, SafetyClass] = {}
    for record in graph.of_kind("safety-classification"):
        recorded = recorded_class(record)
        for system in graph.targets(record.id, "classifies"):
            if recorded is not None:
                # The reviewable record decides; with several, the highest class.
                declared[system.id] = max(recorded, declared.get(system.id, recorded))
    for kind in ("software-system", "software-item", "software-unit"):
        for item in graph.of_kind(kind):
            stated = SafetyClass.parse(item.field("safety-class"))
            if stated is not None:
                declared.setdefault(item.id, stated)
    software: dict[str, SafetyClass] = {}
    for system in graph.of_kind("software-system"):
        software[system.id] = declared.get(system.id, _DEFAULT)
        for child in graph.descendants(system.id, ["part-of"]):
            parent = next(iter(graph.targets(child.id, "part-of")), None)
            inherited = software.get(parent.id, _DEFAULT) if parent is not None else _DEFAULT
            software.setdefault(child.id, declared.get(child.id, inherited))
    for kind in ("software-item", "software-unit"):
        for orphan in graph.of_kind(kind):
            software.setdefault(orphan.id, declared.get(orphan.id, _DEFAULT))
    systems = [software[s.id] for s in graph.of_kind("software-system")]
    return Classes(software=software, declared=declared, project=max(systems, default=_DEFAULT))


def risk_class(graph: TraceGraph, control: Item) -> SafetyClass:
    """The class of the risk a control controls: from the worst harm its situations may cause
    (for a hazard it mitigates directly, the situations arising from that hazard).

    A harm without an ``injury`` category, or a situation with no harm, counts as serious
    (the cautious reading).
    """
    worst = SafetyClass.A
    for target in graph.targets(control.id, "mitigates"):
        if target.kind == "threat":  # a security risk: its safety effect, if it has one
            situations = graph.targets(target.id, "may-lead-to")
            if not situations:
                continue
        else:
            situations = (
                graph.sources(target.id, "arises-from") if target.kind == "hazard" else (target,)
            )
        harms = [harm for s in situations for harm in graph.targets(s.id, "may-cause")]
        if not harms:
            return _DEFAULT
        for harm in harms:
            worst = max(worst, _INJURY_CLASS.get(str(harm.field("injury")), _DEFAULT))
    return worst

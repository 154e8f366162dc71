"""The compliance matrix: one row per clause, at the project's class.

A clause is *not applicable* when it does not apply at the project's class (or
was removed by Amendment 1), with that reason. Nothing is *met* that no rule
evaluated on real data:

- a clause decided by rules reads items of some kinds (its :class:`Scope`); it
  is *met* when there are such items at a class it applies to and none of its
  rules reports an error or warning, a *gap* when a rule does; with nothing to
  evaluate it is a *gap* (what is missing) when the data must exist (a project
  needs requirements), and *not applicable* (why) when it need not (a project
  may use no SOUP, have no problem report yet, or no manual test);
- a clause that needs an attestation is *met* once a current, signed-off
  attestation covers it (the attestation rule evaluated it), else *attestation
  needed*; a rule of the clause that finds something makes it a *gap*.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.model import Finding, Item, ProjectConfig, SafetyClass, Severity
from medtrace.standard.attestations import attestations_of, signed_off
from medtrace.standard.classes import compute_classes
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.context import RuleContext


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What a clause's rules evaluate: items of ``kinds`` (at a class the clause applies
    to, and passing ``only``). With none, the clause is a gap when ``needed`` (``missing``
    says what is missing), else not applicable (``missing`` says why)."""

    kinds: tuple[str, ...]
    needed: bool
    missing: str
    only: Callable[[Item], bool] | None = None


def _in_software(item: Item) -> bool:
    return item.field("implemented-in") in (None, "software")


def _manual(item: Item) -> bool:
    return item.field("method") == "manual"


def _segregated(item: Item) -> bool:
    return bool(item.field("segregation"))


def _development(item: Item) -> bool:
    return item.field("plan-type") == "development"


def _maintenance(item: Item) -> bool:
    return item.field("plan-type") == "maintenance"


def _fixed(item: Item) -> bool:
    return item.field("state") in ("verified", "closed")


_ARCHITECTURE = ("software-item", "software-unit")
SCOPES: dict[str, Scope] = {
    "4.2": Scope(
        kinds=("plan", "hazard"), needed=True, missing="no risk management plan or hazard"
    ),
    "4.3": Scope(
        kinds=("safety-classification",), needed=True, missing="no safety classification record"
    ),
    "5.1.1": Scope(
        kinds=("plan",), needed=True, missing="no software development plan", only=_development
    ),
    "5.2.1": Scope(kinds=("software-requirement",), needed=True, missing="no software requirement"),
    "5.2.3": Scope(
        kinds=("risk-control",),
        needed=False,
        missing="no risk control is carried out in software",
        only=_in_software,
    ),
    "5.2.6": Scope(kinds=("software-requirement",), needed=True, missing="no software requirement"),
    "5.3.1": Scope(kinds=_ARCHITECTURE, needed=True, missing="no software item or unit"),
    "5.3.3": Scope(kinds=("soup",), needed=False, missing="the software uses no SOUP"),
    "5.3.4": Scope(kinds=("soup",), needed=False, missing="the software uses no SOUP"),
    "5.3.5": Scope(
        kinds=_ARCHITECTURE,
        needed=False,
        missing="no item claims a lower class by segregation",
        only=_segregated,
    ),
    "5.4.1": Scope(kinds=("software-unit",), needed=True, missing="no software unit"),
    "5.4.2": Scope(kinds=("software-unit",), needed=True, missing="no software unit"),
    "5.5.1": Scope(kinds=("software-unit",), needed=True, missing="no software unit"),
    "5.5.5": Scope(kinds=("software-unit",), needed=True, missing="no software unit"),
    "5.6.3": Scope(kinds=("software-item",), needed=True, missing="no software item"),
    "5.7.1": Scope(kinds=("software-requirement",), needed=True, missing="no software requirement"),
    "5.7.5": Scope(
        kinds=("test-case",),
        needed=False,
        missing="no manual test (automated results are records)",
        only=_manual,
    ),
    "6.1": Scope(
        kinds=("plan",), needed=True, missing="no software maintenance plan", only=_maintenance
    ),
    "7.1.1": Scope(kinds=("hazardous-situation",), needed=True, missing="no hazardous situation"),
    "7.1.3": Scope(kinds=("soup",), needed=False, missing="the software uses no SOUP"),
    "7.1.4": Scope(kinds=("hazardous-situation",), needed=True, missing="no hazardous situation"),
    "7.2.1": Scope(kinds=("hazardous-situation",), needed=True, missing="no hazardous situation"),
    "7.2.2": Scope(
        kinds=("risk-control",),
        needed=False,
        missing="no risk control is carried out in software",
        only=_in_software,
    ),
    "7.3.1": Scope(
        kinds=("risk-control",),
        needed=False,
        missing="no risk control is carried out in software",
        only=_in_software,
    ),
    "7.3.3": Scope(kinds=("hazardous-situation",), needed=True, missing="no hazardous situation"),
    "8.1.2": Scope(kinds=("soup",), needed=False, missing="the software uses no SOUP"),
    "8.2.1": Scope(kinds=("change-request",), needed=False, missing="no change request yet"),
    "9.1": Scope(kinds=("problem-report",), needed=False, missing="no problem report yet"),
    "9.2": Scope(kinds=("problem-report",), needed=False, missing="no problem report yet"),
    "9.8": Scope(
        kinds=("problem-report",),
        needed=False,
        missing="no problem report is fixed yet",
        only=_fixed,
    ),
}


class Status(enum.Enum):
    MET = "met"
    GAP = "gap"
    ATTESTATION_NEEDED = "attestation needed"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseRow:
    clause: Clause
    applies: bool
    status: Status
    findings: tuple[Finding, ...]
    evidence: tuple[str, ...]  # ids of the items evaluated (or the attestations)
    reason: str = ""  # why not applicable, or what is missing for a gap with no finding


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix:
    project_class: SafetyClass
    standard: str
    rows: tuple[ClauseRow, ...]

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status is status)


def compliance_matrix(
    graph: TraceGraph, config: ProjectConfig, findings: Iterable[Finding]
) -> Matrix:
    """The matrix for a project whose check gave ``findings``."""
    context = RuleContext(graph=graph, config=config, classes=compute_classes(graph))
    by_clause: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.clause is not None:
            by_clause.setdefault(finding.clause, []).append(finding)
    systems = bool(graph.of_kind("software-system"))
    rows = tuple(
        _row(context, entry, tuple(by_clause.get(entry.number, ())), systems) for entry in CLAUSES
    )
    return Matrix(project_class=context.project_class, standard=config.standard, rows=rows)


def _row(
    context: RuleContext, entry: Clause, findings: tuple[Finding, ...], systems: bool
) -> ClauseRow:
    if entry.method is Method.REMOVED:
        return _not_applicable(entry, "removed by Amendment 1")
    if context.project_class not in entry.classes:
        shown = "".join(c.value for c in sorted(entry.classes))
        return _not_applicable(
            entry, f"applies at class {shown}, the project is class {context.project_class.value}"
        )
    failing = tuple(f for f in findings if f.severity is not Severity.INFO)
    if entry.method is Method.ATTESTATION:
        signed = [a.id for a in attestations_of(context, entry.number) if signed_off(context, a)]
        checked = [f for f in failing if not f.code.endswith("/attestation-needed")]
        status = Status.GAP if checked else Status.MET if signed else Status.ATTESTATION_NEEDED
        return ClauseRow(
            clause=entry, applies=True, status=status, findings=findings, evidence=tuple(signed)
        )
    if not systems:
        return _gap(entry, findings, "no software system: nothing can be classified or checked")
    scope = SCOPES[entry.number]
    at_class = context.for_classes(entry.classes)
    evidence = tuple(
        item.id
        for kind in scope.kinds
        for item in at_class.items(kind)
        if scope.only is None or scope.only(item)
    )
    if failing:
        return ClauseRow(
            clause=entry, applies=True, status=Status.GAP, findings=findings, evidence=evidence
        )
    if not evidence:
        if scope.needed:
            return _gap(entry, findings, f"nothing to evaluate: {scope.missing}")
        return _not_applicable(entry, scope.missing, applies=True)
    return ClauseRow(
        clause=entry, applies=True, status=Status.MET, findings=findings, evidence=evidence
    )


def _gap(entry: Clause, findings: tuple[Finding, ...], reason: str) -> ClauseRow:
    return ClauseRow(
        clause=entry, applies=True, status=Status.GAP, findings=findings, evidence=(), reason=reason
    )


def _not_applicable(entry: Clause, reason: str, *, applies: bool = False) -> ClauseRow:
    """Not applicable: at the project's class (``applies`` False) or for want of anything
    the clause is about (``applies`` True)."""
    return ClauseRow(
        clause=entry,
        applies=applies,
        status=Status.NOT_APPLICABLE,
        findings=(),
        evidence=(),
        reason=reason,
    )


def rows_with(matrix: Matrix, statuses: Sequence[Status]) -> tuple[ClauseRow, ...]:
    return tuple(row for row in matrix.rows if row.status in statuses)

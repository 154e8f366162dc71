"""The compliance matrix: one row per clause, at the project's class.

A clause is *not applicable* when it does not apply at the project's class
(or was removed by Amendment 1); a clause decided by rules is *met* when
none of its rules reports an error or warning, else a *gap*; a clause that
needs an attestation is *met* once a signed-off attestation covers it, else
*attestation needed*.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.model import Finding, ProjectConfig, SafetyClass, Severity
from medtrace.standard.attestations import attestations_of, signed_off
from medtrace.standard.classes import compute_classes
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.context import RuleContext

# The kinds of item that show a clause decided by rules is met, when it is.
EVIDENCE_KINDS: dict[str, tuple[str, ...]] = {
    "4.2": ("plan", "hazard", "hazardous-situation"),
    "4.3": ("safety-classification",),
    "5.1.1": ("plan",),
    "5.2.1": ("software-requirement",),
    "5.2.3": ("risk-control",),
    "5.2.6": ("software-requirement", "review-record"),
    "5.3.1": ("software-item", "software-unit"),
    "5.3.3": ("soup",),
    "5.3.4": ("soup",),
    "5.3.5": ("software-item", "software-unit"),
    "5.4.1": ("software-unit",),
    "5.4.2": ("detailed-design",),
    "5.5.1": ("software-unit",),
    "5.5.5": ("test-case",),
    "5.6.3": ("test-case",),
    "5.7.1": ("test-case",),
    "5.7.5": ("test-record",),
    "6.1": ("plan",),
    "7.1.1": ("hazardous-situation",),
    "7.1.3": ("soup",),
    "7.1.4": ("hazardous-situation",),
    "7.2.1": ("risk-control",),
    "7.2.2": ("risk-control",),
    "7.3.1": ("test-case",),
    "7.3.3": ("hazardous-situation",),
    "8.1.2": ("soup",),
    "8.2.1": ("change-request",),
    "9.1": ("problem-report",),
    "9.2": ("problem-report",),
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
    evidence: tuple[str, ...]  # ids of the items that show it


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
    rows = tuple(_row(context, entry, tuple(by_clause.get(entry.number, ()))) for entry in CLAUSES)
    return Matrix(project_class=context.project_class, standard=config.standard, rows=rows)


def _row(context: RuleContext, entry: Clause, findings: tuple[Finding, ...]) -> ClauseRow:
    applies = entry.method is not Method.REMOVED and context.project_class in entry.classes
    if not applies:
        return ClauseRow(
            clause=entry, applies=False, status=Status.NOT_APPLICABLE, findings=(), evidence=()
        )
    if entry.method is Method.ATTESTATION:
        signed = [a.id for a in attestations_of(context, entry.number) if signed_off(context, a)]
        status = Status.MET if signed else Status.ATTESTATION_NEEDED
        checked = [
            f
            for f in findings
            if f.severity is not Severity.INFO and not f.code.endswith("/attestation-needed")
        ]
        if checked:  # a rule of the clause found something, whatever was attested
            status = Status.GAP
        return ClauseRow(
            clause=entry, applies=True, status=status, findings=findings, evidence=tuple(signed)
        )
    failing = [f for f in findings if f.severity is not Severity.INFO]
    evidence = _evidence(context, entry.number)
    status = Status.GAP if failing else Status.MET
    return ClauseRow(
        clause=entry, applies=True, status=status, findings=findings, evidence=evidence
    )


def _evidence(context: RuleContext, number: str) -> tuple[str, ...]:
    ids: list[str] = []
    for kind in EVIDENCE_KINDS.get(number, ()):
        ids.extend(item.id for item in context.graph.of_kind(kind))
    return tuple(ids)


def rows_with(matrix: Matrix, statuses: Sequence[Status]) -> tuple[ClauseRow, ...]:
    return tuple(row for row in matrix.rows if row.status in statuses)

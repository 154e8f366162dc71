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
  needed*; a rule of the clause that finds something makes it a *gap*; while it
  is about nothing in the project (:mod:`medtrace.standard.scopes`) it is *not
  applicable*, with why;
- a clause decided by rules and an attestation is judged by its rules first
  (gap, or not applicable with nothing to evaluate); when they pass, it is *met*
  with a current attestation and *attestation needed* without one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.model import Finding, ProjectConfig, SafetyClass, Severity
from medtrace.standard.attestations import attestations_of, signed_off
from medtrace.standard.classes import RIGOR_OF, compute_classes, level_label
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.context import ED2_DRAFT, RuleContext
from medtrace.standard.scopes import NOTHING_RELEASED, SCOPES, Scope, in_scope

__all__ = ["SCOPES", "ClauseRow", "Matrix", "Scope", "Status", "compliance_matrix", "rows_with"]


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

    @property
    def edition2(self) -> bool:
        return self.standard == ED2_DRAFT

    @property
    def level(self) -> str:
        """The project's class as reports name it (``Class C``, ``rigor level II``)."""
        return level_label(self.project_class, self.edition2)

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
        return _not_applicable(entry, _elsewhere(entry, context))
    failing = tuple(f for f in findings if f.severity is not Severity.INFO)
    checked = tuple(f for f in failing if not f.code.endswith("/attestation-needed"))
    at_class = context.for_classes(entry.classes)
    if entry.method is Method.ATTESTATION:
        scoped = in_scope(at_class, entry.number)
        if scoped is not None and not scoped[0] and not SCOPES[entry.number].needed:
            return _not_applicable(entry, scoped[1], applies=True)
        return _attested(context, entry, findings, bool(checked), ())
    if not systems:
        return _gap(entry, findings, "no software system: nothing can be classified or checked")
    scoped = in_scope(at_class, entry.number)
    assert scoped is not None, f"clause {entry.number} is decided by rules and needs a scope"
    evidence, missing = scoped
    if checked:
        return ClauseRow(
            clause=entry, applies=True, status=Status.GAP, findings=findings, evidence=evidence
        )
    if not evidence:
        if SCOPES[entry.number].needed and missing != NOTHING_RELEASED:
            return _gap(entry, findings, f"nothing to evaluate: {missing}")
        return _not_applicable(entry, missing, applies=True)
    if entry.method is Method.RULES_AND_ATTESTATION:
        return _attested(context, entry, findings, False, evidence)
    return ClauseRow(
        clause=entry, applies=True, status=Status.MET, findings=findings, evidence=evidence
    )


def _attested(
    context: RuleContext,
    entry: Clause,
    findings: tuple[Finding, ...],
    checked: bool,
    evaluated: tuple[str, ...],
) -> ClauseRow:
    """The row of a clause an attestation decides (wholly, or beside rules that passed)."""
    signed = [a.id for a in attestations_of(context, entry.number) if signed_off(context, a)]
    status = Status.GAP if checked else Status.MET if signed else Status.ATTESTATION_NEEDED
    return ClauseRow(
        clause=entry,
        applies=True,
        status=status,
        findings=findings,
        evidence=(*evaluated, *signed),
    )


def _elsewhere(entry: Clause, context: RuleContext) -> str:
    """Why a clause does not apply at the project's class (or rigor level)."""
    if context.edition2:
        levels = sorted({RIGOR_OF[c] for c in entry.classes}, key=len)
        shown = " and ".join(levels)
        return f"applies at rigor level {shown}, the project is {_level(context)}"
    shown = "".join(c.value for c in sorted(entry.classes))
    return f"applies at class {shown}, the project is class {context.project_class.value}"


def _level(context: RuleContext) -> str:
    return level_label(context.project_class, context.edition2)


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

"""Rules for clause 4 of IEC 62304: risk management (4.2) and a software system to classify.

At Class A, a software system whose classification records that it cannot
contribute to a hazardous situation (Q1 no, with the rationale) and names the
risk management plan it was decided under (``planned-in``) meets 4.2 with that
record and the plan: no hazard items are demanded of it.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item, Severity
from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@rule(
    code="62304.4.3/no-software-system",
    clause="4.3",
    summary="The project has a software system item to classify (other rules wait for it).",
    severity=Severity.INFO,
)
def project_has_a_software_system(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.graph.of_kind("software-system"):
        yield Violation(
            None,
            "no software-system item yet: IEC 62304 rules are not evaluated until there is one",
        )


@rule(
    code="62304.4.2/risk-management-plan-missing",
    clause="4.2",
    summary="A risk management plan (a plan item with plan-type risk-management) exists.",
)
def risk_management_plan_exists(ctx: RuleContext) -> Iterator[Violation]:
    plans = [p for p in ctx.graph.of_kind("plan") if serves(p, "risk-management")]
    if ctx.applies_to_project and not plans:
        yield Violation(None, "no risk management plan: add a plan with plan-type risk-management")


@rule(
    code="62304.4.2/risk-analysis-missing",
    clause="4.2",
    summary="The risk management file has at least one hazard and hazardous situation.",
)
def risk_analysis_exists(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project or cannot_contribute(ctx):
        return
    for kind in ("hazard", "hazardous-situation"):
        if not ctx.graph.of_kind(kind):
            yield Violation(None, f"the risk management file has no {kind} item")


def cannot_contribute(ctx: RuleContext) -> bool:
    """Whether every software system is Class A by a classification that records it cannot
    contribute to a hazardous situation (or, under the Edition 2 draft, to harm), with a
    rationale, decided under a risk management plan (``planned-in``)."""
    systems = ctx.graph.of_kind("software-system")
    return bool(systems) and all(_recorded_harmless(ctx, system) for system in systems)


def _recorded_harmless(ctx: RuleContext, system: Item) -> bool:
    for record in ctx.graph.sources(system.id, "classifies"):
        answer = record.field("contributes-to-hazardous-situation")
        if ctx.edition2 and record.field("contributes-to-harm") is not None:
            answer = record.field("contributes-to-harm")
        planned = ctx.graph.targets(record.id, "planned-in")
        plans = [p for p in planned if serves(p, "risk-management")]
        if answer is False and str(record.field("rationale") or "").strip() and plans:
            return True
    return False

"""Rules for clause 4 of IEC 62304: risk management (4.2) and a software system to classify."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Severity
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
    plans = [p for p in ctx.graph.of_kind("plan") if p.field("plan-type") == "risk-management"]
    if ctx.applies_to_project and not plans:
        yield Violation(None, "no risk management plan: add a plan with plan-type risk-management")


@rule(
    code="62304.4.2/risk-analysis-missing",
    clause="4.2",
    summary="The risk management file has at least one hazard and hazardous situation.",
)
def risk_analysis_exists(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project:
        return
    for kind in ("hazard", "hazardous-situation"):
        if not ctx.graph.of_kind(kind):
            yield Violation(None, f"the risk management file has no {kind} item")

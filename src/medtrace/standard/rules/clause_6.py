"""Rules for clause 6 of IEC 62304: software maintenance."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@rule(
    code="62304.6.1/maintenance-plan-missing",
    clause="6.1",
    summary="A software maintenance plan (a plan whose plan-type includes maintenance) exists.",
)
def maintenance_plan_exists(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project:
        return
    if not any(serves(p, "maintenance") for p in ctx.graph.of_kind("plan")):
        yield Violation(None, "no software maintenance plan: add a plan with plan-type maintenance")

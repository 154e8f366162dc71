"""Rules for clause 9 of IEC 62304: software problem resolution."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Problem report states that mean the investigation is over.
_INVESTIGATED = frozenset({"resolved", "verified", "closed"})


@rule(
    code="62304.9.1/problem-report-incomplete",
    clause="9.1",
    summary="Each problem report records its state and its criticality (effect on safety).",
)
def problem_reports_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        missing = [name for name in ("state", "criticality") if blank(report.field(name))]
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            yield Violation(report, f"{report.id} is incomplete: add {add}")


@rule(
    code="62304.9.2/problem-not-investigated",
    clause="9.2",
    summary="A problem report that is resolved, verified or closed records its root cause.",
)
def problems_are_investigated(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("state") in _INVESTIGATED and blank(report.field("root-cause")):
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} without an investigation: add root-cause:",
            )

"""Rules for clause 9 of IEC 62304: software problem resolution."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Problem report states that mean the investigation is over.
_INVESTIGATED = frozenset({"resolved", "verified", "closed"})
_FIXED = frozenset({"verified", "closed"})
_APPROVED = frozenset({"approved", "implemented", "verified", "closed"})


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


def _resolving(ctx: RuleContext, report: Item) -> list[Item]:
    return [c for c in ctx.graph.sources(report.id, "resolves") if c.kind == "change-request"]


@rule(
    code="62304.9.3/parties-not-advised",
    clause="9.3",
    summary="A problem report that is resolved, verified or closed records who was told about "
    "it, or why nobody needed to be (parties-advised).",
)
def parties_are_advised(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("state") in _INVESTIGATED and blank(report.field("parties-advised")):
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but records no one advised: add "
                "parties-advised: (who was told, when and how; or why nobody needs to be)",
            )


@rule(
    code="62304.9.4/change-not-controlled",
    clause="9.4",
    summary="A problem report that is resolved, verified or closed with a change is resolved "
    "by a change request that was approved; one needing no change says so (decision).",
)
def fixes_go_through_change_control(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("state") not in _INVESTIGATED:
            continue
        if report.field("decision") in ("no-change", "deferred"):
            continue
        changes = _resolving(ctx, report)
        if not changes:
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but no change request resolves it: "
                f"add one with resolves: [{report.id}], or record decision: no-change",
            )
        elif not any(_approved(change) for change in changes):
            named = ", ".join(change.id for change in changes)
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but {named} that resolves it is not "
                "approved (approved-by and approved-date)",
            )


def _approved(change: Item) -> bool:
    return change.field("state") in _APPROVED and not (
        blank(change.field("approved-by")) or blank(change.field("approved-date"))
    )


@rule(
    code="62304.9.5/problem-history-missing",
    clause="9.5",
    summary="Each problem report keeps the record of its life: state-history, one entry per "
    "state it entered.",
)
def problem_histories_are_kept(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if blank(report.field("state-history")):
            yield Violation(
                report,
                f"{report.id} keeps no record of its resolution: add state-history: ['YYYY-MM-"
                "DD open: who and why', ...]",
            )


@rule(
    code="62304.9.7/resolution-not-verified",
    clause="9.7",
    summary="A problem report that is verified or closed records how the resolution was "
    "verified: fix-verification, or the verification of a verified or closed change request "
    "that resolves it.",
)
def resolutions_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("state") not in _FIXED or not blank(report.field("fix-verification")):
            continue
        verified = [
            change
            for change in _resolving(ctx, report)
            if change.field("state") in _FIXED and not blank(change.field("verification"))
        ]
        if not verified:
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but records no verification of its "
                "resolution: add fix-verification: (how the fix, the trend and the absence of "
                "new problems were verified)",
            )

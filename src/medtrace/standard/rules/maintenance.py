"""Rules on released software (6.2.1.3, 6.2.3-6.2.5) and on approval before implementation
(8.2.1, 6.2.4).

The software is released once a release record exists. A problem report is about
released software when it names a released version among its ``affected-versions``
or was reported on or after the first release; a change request is a change to
released software when it was approved on or after the first release (or, not
approved yet, once there is one).

A change request is approved before it is implemented when its ``approved-date`` is
no later than the date of each commit it names, as git records it (commits git does
not know are left to ``check --since``, which audits the range: 8.2.4).
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

_INVESTIGATED = frozenset({"resolved", "verified", "closed"})
_PAST_APPROVAL = frozenset({"approved", "implemented", "verified", "closed"})


def _text(item: Item, name: str) -> str:
    value = item.field(name)
    return "" if value is None else str(value).strip()


def first_release(ctx: RuleContext) -> str | None:
    """The date of the first release (None: nothing is released)."""
    dates = [_text(r, "date")[:10] for r in ctx.releases if _text(r, "date")]
    if ctx.releases and not dates:
        return ""
    return min(dates) if dates else None


def on_released_software(ctx: RuleContext, report: Item) -> bool:
    first = first_release(ctx)
    if first is None:
        return False
    versions = report.field("affected-versions")
    listed = versions if isinstance(versions, tuple) else ()
    named = {v.strip().removeprefix("v") for v in listed}
    released = {_text(r, "version").removeprefix("v") for r in ctx.releases}
    return bool(named & released) or _text(report, "reported-date")[:10] >= first


def to_released_software(ctx: RuleContext, change: Item) -> bool:
    first = first_release(ctx)
    if first is None:
        return False
    approved = _text(change, "approved-date")[:10]
    return not approved or approved >= first


@rule(
    code="62304.6.2.1.3/safety-not-evaluated",
    clause="6.2.1.3",
    summary="A problem report on released software records its safety relevance and, once "
    "investigated, whether a change is needed (a change request resolves it, or decision).",
)
def field_problems_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if not on_released_software(ctx, report):
            continue
        missing = []
        if blank(report.field("safety-relevant")):
            missing.append("safety-relevant: (true or false)")
        resolving = [
            c for c in ctx.graph.sources(report.id, "resolves") if c.kind == "change-request"
        ]
        if (
            report.field("state") in _INVESTIGATED
            and not resolving
            and blank(report.field("decision"))
        ):
            missing.append("decision: (change, no-change or deferred)")
        if missing:
            yield Violation(
                report,
                f"{report.id} is about released software but its effect on safety is not "
                f"evaluated: add {' and '.join(missing)}",
            )


@rule(
    code="62304.6.2.3/change-impact-missing",
    clause="6.2.3",
    summary="A change request to released software past approval records what it means for "
    "the organisation, the released versions and the systems it connects to "
    "(impact-analysis).",
)
def released_changes_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") not in _PAST_APPROVAL or not to_released_software(ctx, change):
            continue
        if blank(change.field("impact-analysis")):
            yield Violation(
                change,
                f"{change.id} changes released software but records no impact analysis: add "
                "impact-analysis: (for the organisation, the released versions, the systems "
                "it connects to)",
            )


def _late_commits(ctx: RuleContext, change: Item) -> list[str]:
    """The commits ``change`` names that git dates before its approval."""
    approved = _text(change, "approved-date")[:10]
    commits = change.field("commits")
    if not approved or not isinstance(commits, tuple):
        return []
    return [
        f"{name.strip()[:12]} ({ctx.commit_dates[name.strip()][:10]})"
        for name in commits
        if name.strip() in ctx.commit_dates and ctx.commit_dates[name.strip()][:10] < approved
    ]


def _approved_late(ctx: RuleContext, released: bool) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") not in _PAST_APPROVAL:
            continue
        if to_released_software(ctx, change) is not released:
            continue
        late = _late_commits(ctx, change)
        if late:
            yield Violation(
                change,
                f"{change.id} was approved on {_text(change, 'approved-date')[:10]}, after it "
                f"was implemented in {', '.join(late)}: an approval after the fact covers "
                "nothing",
            )


@rule(
    code="62304.8.2.1/change-approved-after-commit",
    clause="8.2.1",
    summary="A change request (before the first release) is approved no later than the "
    "commits it names.",
)
def changes_are_approved_first(ctx: RuleContext) -> Iterator[Violation]:
    yield from _approved_late(ctx, released=False)


@rule(
    code="62304.6.2.4/change-approved-after-commit",
    clause="6.2.4",
    summary="A change request to released software is approved no later than the commits it names.",
)
def released_changes_are_approved_first(ctx: RuleContext) -> Iterator[Violation]:
    yield from _approved_late(ctx, released=True)


@rule(
    code="62304.6.2.5/users-not-advised",
    clause="6.2.5",
    summary="A safety-relevant problem report on released software that is still open or "
    "under investigation records who was told, or why nobody needs to be "
    "(parties-advised).",
)
def users_are_advised(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("safety-relevant") is not True or report.field("state") in _INVESTIGATED:
            continue  # once resolved, 9.3 asks every report
        if on_released_software(ctx, report) and blank(report.field("parties-advised")):
            yield Violation(
                report,
                f"{report.id} is a safety problem in released software: record in "
                "parties-advised: which users and regulators were told, when and how (or why "
                "nobody needs to be)",
            )

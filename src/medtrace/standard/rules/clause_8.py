"""Rules for clause 8 of IEC 62304: software configuration management."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Severity
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Change request states that mean the change was approved before work went on.
_PAST_APPROVAL = frozenset({"approved", "implemented", "verified", "closed"})
_IMPLEMENTED = frozenset({"implemented", "verified", "closed"})
_VERIFIED = frozenset({"verified", "closed"})


@rule(
    code="62304.8.1.2/soup-identification",
    clause="8.1.2",
    summary="Each SOUP component names its manufacturer and exact version.",
)
def soup_is_identified(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        missing = [name for name in ("manufacturer", "version") if blank(soup.field(name))]
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            yield Violation(soup, f"{soup.id} is not identified: add {add}")


@rule(
    code="62304.8.2.1/change-not-approved",
    clause="8.2.1",
    summary="A change request past approval records who approved it and when.",
)
def changes_are_approved(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") not in _PAST_APPROVAL:
            continue
        missing = [name for name in ("approved-by", "approved-date") if blank(change.field(name))]
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            state = change.field("state")
            yield Violation(change, f"{change.id} is {state} with no approval recorded: add {add}")


@rule(
    code="62304.7.4.1/change-safety-impact-missing",
    clause="7.4.1",
    summary="A change request past approval records the analysis of its effect on safety.",
)
def changes_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _PAST_APPROVAL and blank(change.field("safety-impact")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} with no safety analysis: add "
                "safety-impact: (what the change can do to safety, the risk controls it "
                "touches, the regression scope)",
            )


@rule(
    code="62304.8.2.3/change-not-verified",
    clause="8.2.3",
    summary="A change request that is verified or closed says how the change was verified.",
)
def changes_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _VERIFIED and blank(change.field("verification")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but does not say how the change was "
                "verified: add verification: (the tests and results, at which revision)",
            )


@rule(
    code="62304.8.2.4/change-commits-missing",
    clause="8.2.4",
    summary="A change request that is implemented, verified or closed names the commits "
    "that implement it.",
    severity=Severity.WARNING,
)
def changes_are_traced_to_commits(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _IMPLEMENTED and blank(change.field("commits")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but names no commits: add commits: "
                "[...] (the git commits that implement it)",
            )

"""Evidence that no longer covers what is there: void reviews, stale results, mixed outcomes.

Each finding names the clause the evidence serves. A review record's clause is
that of what it reviewed (requirements 5.2.6, architecture 5.3.6, detailed
design 5.4.4, test cases 5.7.4, anything else 5.1.6, verification as
planned); approvals that a rule of their own asks for (software requirements,
5.2.6; the development plan, 5.1.1) are reported there instead, once.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.evidence import APPROVING_RECORD, Binding, record_pins
from medtrace.graph.verification import RequirementStatus, Status
from medtrace.model import Item, Severity
from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule

REVIEW_CLAUSES = {
    "plan": "5.1.1",
    "software-requirement": "5.2.6",
    "software-system": "5.3.6",
    "software-item": "5.3.6",
    "software-unit": "5.3.6",
    "detailed-design": "5.4.4",
    "test-case": "5.7.4",
}
OTHER_REVIEWS = "5.1.6"


# Kinds whose approval a rule of its own asks for (5.2.6, 5.3.6, 5.4.4, 4.4.5).
_APPROVAL_RULED = frozenset(
    {
        "software-requirement",
        "software-system",
        "software-item",
        "detailed-design",
        "legacy-assessment",
    }
)


def _approval_ruled(target: Item, meaning: str) -> bool:
    """Whether a rule of its own reports the approval of ``target`` (so this one need not):
    the development plan (5.1.1), requirements (5.2.6), the architecture (5.3.6), designs
    (5.4.4), integration tests (5.6.5) and legacy assessments (4.4.5)."""
    if meaning != "approved":
        return False
    return (
        target.kind in _APPROVAL_RULED
        or (target.kind == "plan" and serves(target, "development"))
        or (target.kind == "test-case" and target.field("level") == "integration")
    )


def _void_reviews(ctx: RuleContext, clause: str) -> Iterator[Violation]:
    for record in ctx.graph.of_kind(APPROVING_RECORD):
        meaning = str(record.field("meaning") or "reviewed")
        problems = []
        for found in record_pins(record, ctx.fingerprints):
            target = ctx.graph.get(found.target)
            if target is None or found.binding is Binding.CURRENT:
                continue
            if REVIEW_CLAUSES.get(target.kind, OTHER_REVIEWS) != clause:
                continue
            if _approval_ruled(target, meaning) or not ctx.applies(target):
                continue
            problems.append(found.describe())
        if problems:
            yield Violation(
                record,
                f"{record.id} ({meaning}) no longer covers what is there: "
                + "; ".join(problems)
                + f" (review again: medtrace approve ... --meaning {meaning})",
            )


def _register_review_rule(clause: str) -> None:
    def check(ctx: RuleContext) -> Iterator[Violation]:
        yield from _void_reviews(ctx, clause)

    rule(
        code=f"62304.{clause}/review-void",
        clause=clause,
        summary="A review record still covers what it reviewed: none of its items changed "
        "since it was made (it records their fingerprints).",
        severity=Severity.WARNING,
    )(check)


for _clause in sorted(set(REVIEW_CLAUSES.values()) | {OTHER_REVIEWS}):
    _register_review_rule(_clause)


def _stale(ctx: RuleContext, kind: str) -> Iterator[Violation]:
    if not ctx.has_results:
        return  # nothing has a result, so nothing is stale
    for item in ctx.items(kind):
        entry = ctx.status(item)
        if entry.status is Status.STALE:
            yield Violation(item, f"{item.id} {describe_stale(entry)}")


def describe_stale(entry: RequirementStatus) -> str:
    """``is stale: TC-014 at 3f9c2ab41d0e (2026-03-02); since then changed: SRS-012``."""
    parts = []
    for evidence in entry.evidence:
        if not evidence.stale:
            continue
        where = evidence.record or (evidence.commit[:12] or evidence.revision or "an import")
        day = evidence.date[:10]
        parts.append(
            f"{evidence.test} passed at {where}{f' ({day})' if day else ''}, and "
            f"{', '.join(evidence.changed)} changed since"
        )
    return (
        "is verified only by stale evidence: "
        + "; ".join(parts)
        + (" (run the tests again and import the results, or record the manual test again)")
    )


@rule(
    code="62304.5.7.1/requirement-verification-stale",
    clause="5.7.1",
    summary="A software requirement is verified by results of its content as it is now, not "
    "of an earlier version (the run's or record's fingerprints still match).",
    severity=Severity.WARNING,
)
def requirement_results_are_current(ctx: RuleContext) -> Iterator[Violation]:
    yield from _stale(ctx, "software-requirement")


@rule(
    code="62304.5.5.5/unit-verification-stale",
    clause="5.5.5",
    summary="A software unit is verified by results of its content and code as they are now.",
    severity=Severity.WARNING,
)
def unit_results_are_current(ctx: RuleContext) -> Iterator[Violation]:
    yield from _stale(ctx, "software-unit")


@rule(
    code="62304.5.6.3/item-verification-stale",
    clause="5.6.3",
    summary="A software item is verified by results of its content as it is now.",
    severity=Severity.WARNING,
)
def item_results_are_current(ctx: RuleContext) -> Iterator[Violation]:
    yield from _stale(ctx, "software-item")


@rule(
    code="62304.5.7.4/result-outcomes-mixed",
    clause="5.7.4",
    summary="No test has conflicting outcomes in one run (failed, then passed); the worst "
    "counts until the run is repeated.",
    severity=Severity.WARNING,
)
def results_are_not_mixed(ctx: RuleContext) -> Iterator[Violation]:
    for run in ctx.runs:
        seen: dict[str, set[str]] = {}
        for result in run.results:
            name = f"{result.suite}::{result.test_id}" if result.suite else result.test_id
            seen.setdefault(name, set()).add(result.outcome.value)
        mixed = sorted(test for test, outcomes in seen.items() if len(outcomes) > 1)
        if mixed:
            where = run.commit[:12] if run.commit else run.revision
            shown = ", ".join(f"{t} ({'/'.join(sorted(seen[t]))})" for t in mixed[:5])
            more = f" and {len(mixed) - 5} more" if len(mixed) > 5 else ""
            yield Violation(
                None,
                f"the run of {where} imported {run.imported} has tests with more than one "
                f"outcome: {shown}{more}; the worst counts",
            )

"""Rules on test results and test records (5.5.5, 5.6.3, 5.7.1, 5.7.5, 9.8).

Rules on results speak only once test results have been imported (``medtrace
results import``) or manual test records exist: without any, nothing is known
to have run, so "not run" is not reported; a failure always is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medtrace.graph.verification import (
    BAD_OUTCOMES,
    Evidence,
    RequirementStatus,
    Status,
    evidence_of,
    tests_of,
)
from medtrace.model import Item, Severity
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Outcomes a step of a manual test may record, and those that count as a pass.
STEP_OUTCOMES = ("passed", "failed", "blocked", "skipped")
# What a test record must say (5.7.5, 9.8).
RECORD_FIELDS = ("tester", "date", "revision", "outcome", "environment")
_FIXED = frozenset({"verified", "closed"})


def _statuses(ctx: RuleContext, kind: str) -> Iterator[RequirementStatus]:
    """The status of each item of ``kind`` (none at all while no test has a result: every
    rule that asks looks for failures, stale or missing results)."""
    if not ctx.has_results:
        return
    for item in ctx.items(kind):
        yield ctx.status(item)


def _failing(evidence: Sequence[Evidence]) -> str:
    return ", ".join(e.test for e in evidence if e.outcome in BAD_OUTCOMES)


def _unrun(evidence: Sequence[Evidence]) -> str:
    return ", ".join(e.test for e in evidence if e.outcome is None) or "its tests"


def _results_known(ctx: RuleContext) -> bool:
    return bool(ctx.runs)


def _failed(ctx: RuleContext, kind: str, verdict: str) -> Iterator[Violation]:
    """A violation for each item of ``kind`` with a test whose latest result failed."""
    for entry in _statuses(ctx, kind):
        if entry.status is Status.FAILED:
            yield Violation(
                entry.requirement,
                f"{entry.requirement.id} {verdict}: {_failing(entry.evidence)} failed in the "
                "latest result",
            )


def _not_run(ctx: RuleContext, kind: str) -> Iterator[Violation]:
    """Once results exist, a violation for each item of ``kind`` with a test without one."""
    if not _results_known(ctx):
        return
    for entry in _statuses(ctx, kind):
        if entry.status is Status.NOT_RUN:
            yield Violation(
                entry.requirement,
                f"{entry.requirement.id}: no result for {_unrun(entry.evidence)} in the "
                "imported runs",
            )


@rule(
    code="62304.5.7.1/requirement-test-failed",
    clause="5.7.1",
    summary="No test of a software requirement fails in its latest result.",
)
def requirements_pass_their_tests(ctx: RuleContext) -> Iterator[Violation]:
    yield from _failed(ctx, "software-requirement", "is not verified")


@rule(
    code="62304.5.7.1/requirement-not-run",
    clause="5.7.1",
    summary="Once test results are imported, every test of a software requirement has a result.",
    severity=Severity.WARNING,
)
def requirements_tests_have_run(ctx: RuleContext) -> Iterator[Violation]:
    yield from _not_run(ctx, "software-requirement")


@rule(
    code="62304.5.5.5/unit-test-failed",
    clause="5.5.5",
    summary="No test of a software unit (or of its detailed design) fails in its latest result.",
)
def units_pass_their_tests(ctx: RuleContext) -> Iterator[Violation]:
    yield from _failed(ctx, "software-unit", "fails unit verification")


@rule(
    code="62304.5.5.5/unit-test-not-run",
    clause="5.5.5",
    summary="Once test results are imported, every test of a software unit has a result.",
    severity=Severity.WARNING,
)
def units_tests_have_run(ctx: RuleContext) -> Iterator[Violation]:
    yield from _not_run(ctx, "software-unit")


def _integration(ctx: RuleContext) -> Iterator[tuple[Item, list[Evidence]]]:
    """Each software item with the latest results of its integration tests."""
    for entry in _statuses(ctx, "software-item"):
        evidence = []
        for e in entry.evidence:
            test = ctx.graph.get(e.test)
            if test is None or test.field("level") == "integration":
                evidence.append(e)
        yield entry.requirement, evidence


@rule(
    code="62304.5.6.3/integration-test-failed",
    clause="5.6.3",
    summary="No integration test of a software item fails in its latest result.",
)
def items_pass_integration_tests(ctx: RuleContext) -> Iterator[Violation]:
    for item, evidence in _integration(ctx):
        if any(e.outcome in BAD_OUTCOMES for e in evidence):
            yield Violation(
                item,
                f"{item.id} fails integration testing: {_failing(evidence)} failed in the "
                "latest result",
            )


@rule(
    code="62304.5.6.3/integration-test-not-run",
    clause="5.6.3",
    summary="Once test results are imported, every integration test of an item has a result.",
    severity=Severity.WARNING,
)
def items_integration_tests_have_run(ctx: RuleContext) -> Iterator[Violation]:
    if not _results_known(ctx):
        return
    for item, evidence in _integration(ctx):
        if any(e.outcome is None for e in evidence):
            yield Violation(
                item, f"{item.id}: no result for {_unrun(evidence)} in the imported runs"
            )


def of_integration(ctx: RuleContext, record: Item) -> bool:
    """Whether a test record executes an integration test (its contents are 5.6.7's)."""
    return any(t.field("level") == "integration" for t in ctx.graph.targets(record.id, "executes"))


@rule(
    code="62304.5.7.5/test-record-incomplete",
    clause="5.7.5",
    summary=(
        "Each record of a test (other than an integration test, 5.6.7) names the tester, "
        "date, software revision, outcome and the set-up it ran on."
    ),
)
def test_records_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for record in ctx.items("test-record"):
        if of_integration(ctx, record):
            continue
        missing = [name for name in RECORD_FIELDS if blank(record.field(name))]
        if missing:
            add = ", ".join(f"{name}:" for name in missing)
            yield Violation(record, f"{record.id} is incomplete: add {add}")


def _step_outcome(entry: str) -> str:
    return entry.partition(":")[0].strip().lower()


def _executed_steps(ctx: RuleContext, record: Item) -> Iterator[tuple[Item, int]]:
    for test in ctx.graph.targets(record.id, "executes"):
        steps = test.field("steps")
        if test.field("method") == "manual" and isinstance(steps, tuple) and steps:
            yield test, len(steps)


@rule(
    code="62304.5.7.5/step-results-incomplete",
    clause="5.7.5",
    summary=(
        "A record of a manual test gives an outcome for each of its steps, in order, each "
        "one of passed, failed, blocked or skipped."
    ),
)
def step_results_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for record in ctx.items("test-record"):
        results = record.field("step-results")
        given = results if isinstance(results, tuple) else ()
        for test, steps in _executed_steps(ctx, record):
            if len(given) != steps:
                yield Violation(
                    record,
                    f"{record.id} gives {len(given)} step results for the {steps} steps of "
                    f"{test.id} (add step-results: one entry per step)",
                )
        unknown = [
            f"{number}: {entry!r}"
            for number, entry in enumerate(given, 1)
            if _step_outcome(entry) not in STEP_OUTCOMES
        ]
        if unknown:
            yield Violation(
                record,
                f"{record.id}: step result {'; '.join(unknown)} does not start with one of "
                f"{', '.join(STEP_OUTCOMES)}",
            )


@rule(
    code="62304.5.7.5/outcome-contradicts-steps",
    clause="5.7.5",
    summary="A test record whose outcome is passed has no step that failed, was blocked or "
    "skipped.",
)
def outcome_agrees_with_steps(ctx: RuleContext) -> Iterator[Violation]:
    for record in ctx.items("test-record"):
        results = record.field("step-results")
        if record.field("outcome") != "passed" or not isinstance(results, tuple):
            continue
        bad = [
            f"step {number} {_step_outcome(entry)}"
            for number, entry in enumerate(results, 1)
            if _step_outcome(entry) in STEP_OUTCOMES and _step_outcome(entry) != "passed"
        ]
        if bad:
            yield Violation(record, f"{record.id} is recorded as passed but {', '.join(bad)}")


@rule(
    code="62304.9.8/fix-not-retested",
    clause="9.8",
    summary=(
        "A problem report that is verified or closed had its fix retested: the tests of what "
        "it affects and what its change request changed passed, in results no older than the "
        "change's approval."
    ),
)
def fixes_are_retested(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        if report.field("state") not in _FIXED:
            continue
        changes = [
            c for c in ctx.graph.sources(report.id, "resolves") if c.kind == "change-request"
        ]
        touched = {item.id: item for item in ctx.graph.targets(report.id, "affects")}
        for change in changes:
            touched.update((item.id, item) for item in ctx.graph.targets(change.id, "changes"))
        tests = {test.id: test for item in touched.values() for test in tests_of(ctx.graph, item)}
        tests.update((i.id, i) for i in touched.values() if i.kind == "test-case")
        if not tests:
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but no test case verifies what it "
                "affects, so its fix cannot have been retested",
            )
            continue
        approved = max((str(c.field("approved-date") or "") for c in changes), default="")
        problems = retest_problems(ctx, list(tests.values()), approved)
        if problems:
            yield Violation(
                report,
                f"{report.id} is {report.field('state')} but the fix is not retested: "
                + "; ".join(problems),
            )


def retest_problems(ctx: RuleContext, tests: Sequence[Item], approved: str) -> list[str]:
    """Why ``tests`` do not show a retest after a change approved on ``approved``: no
    result (where results are known), a failure, a stale result, or one older than the
    approval."""
    problems = []
    for test in sorted(tests, key=lambda t: t.id):
        evidence = evidence_of(ctx.graph, test, ctx.results)
        if evidence.outcome is None:
            if evidence.manual or _results_known(ctx):
                problems.append(f"{test.id} has no result")
        elif evidence.outcome in BAD_OUTCOMES:
            problems.append(f"{test.id} {evidence.outcome.value}")
        elif approved and evidence.date and evidence.date[:10] < approved:
            problems.append(f"{test.id} last ran {evidence.date[:10]}, before {approved}")
        elif evidence.stale:
            problems.append(f"{test.id}'s result is stale ({', '.join(evidence.changed)} changed)")
    return problems

"""Rules on integration and system testing that read the tests' levels and results:
risk controls tested at integration or system level (5.6.4), integration tests evaluated
(5.6.5), anomalies entered into problem resolution (5.6.8, 5.7.2), integration test
records complete (5.6.7), and regression and retests after changes (5.6.6, 5.7.3,
8.2.3).

Results are judged as everywhere else (:mod:`medtrace.graph.verification`): the
latest result of each test, stale once what it covered changed. After a change, a
test counts as run again when its latest result passed, is current, and is no older
than the change request's approval; before any result is imported, only manual
tests (their records) are judged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medtrace.graph.evidence import approval_problem
from medtrace.graph.verification import BAD_OUTCOMES, evidence_of, tests_of
from medtrace.model import Item
from medtrace.model.kinds import SOFTWARE_KINDS
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank
from medtrace.standard.rules.verification import RECORD_FIELDS, of_integration, retest_problems

_TESTED_LEVELS = frozenset({"integration", "system"})
_DONE = frozenset({"implemented", "verified", "closed"})
_VERIFIED = frozenset({"verified", "closed"})


def _tests(ctx: RuleContext, item: Item) -> tuple[Item, ...]:
    return tests_of(ctx.graph, item)


def control_tests(ctx: RuleContext, control: Item) -> list[Item]:
    """The test cases of a risk control and of the software requirements implementing it."""
    found = {t.id: t for t in _tests(ctx, control)}
    for requirement in ctx.graph.sources(control.id, "implements-risk-control"):
        if requirement.kind == "software-requirement":
            found.update((t.id, t) for t in _tests(ctx, requirement))
    return sorted(found.values(), key=lambda t: t.id)


@rule(
    code="62304.5.6.4/risk-control-not-integration-tested",
    clause="5.6.4",
    summary="Each risk control carried out in software is exercised by an integration or "
    "system test (of the control, or of a requirement implementing it).",
)
def controls_are_integration_tested(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.items("risk-control"):
        if control.field("implemented-in") not in (None, "software"):
            continue
        tests = control_tests(ctx, control)
        if not any(t.field("level") in _TESTED_LEVELS for t in tests):
            yield Violation(
                control,
                f"{control.id} is exercised by no integration or system test: add a "
                f"test-case with level: integration and verifies: [{control.id}] (or of a "
                "requirement implementing it)",
            )


@rule(
    code="62304.5.6.5/integration-test-not-evaluated",
    clause="5.6.5",
    summary="Each integration test case is approved as it is now (its procedure was "
    "evaluated for adequacy).",
)
def integration_tests_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    for test in ctx.items("test-case"):
        if test.field("level") != "integration":
            continue
        problem = approval_problem(test, ctx.fingerprints)
        if problem is not None:
            yield Violation(
                test,
                f"{test.id} {problem}: evaluate the procedure and approve it (medtrace approve "
                f"{test.id})",
            )


def _reports_naming(ctx: RuleContext, test: Item) -> list[Item]:
    """Problem reports that name ``test`` or an item it verifies."""
    named = [test, *ctx.graph.targets(test.id, "verifies")]
    return [
        report
        for item in named
        for report in ctx.graph.sources(item.id, "affects")
        if report.kind == "problem-report"
    ]


def _unreported(ctx: RuleContext, levels: frozenset[str | None]) -> Iterator[Violation]:
    for test in ctx.items("test-case"):
        if test.field("level") not in levels:
            continue
        if test.field("method") != "manual" and not ctx.runs:
            continue  # nothing imported: no automated result to judge
        evidence = evidence_of(ctx.graph, test, ctx.results)
        if evidence.outcome not in BAD_OUTCOMES or _reports_naming(ctx, test):
            continue
        record = ctx.graph.get(evidence.record) if evidence.record else None
        anomalies = str(record.field("anomalies") or "") if record is not None else ""
        if any(r.kind == "problem-report" and r.id in anomalies for r in ctx.graph):
            continue
        where = evidence.record or evidence.commit[:12] or evidence.revision or "its latest run"
        yield Violation(
            test,
            f"{test.id} {evidence.outcome.value} ({where}) and no problem report names it: "
            f"enter the anomaly into problem resolution (a problem-report with affects: "
            f"[{test.id}])",
        )


@rule(
    code="62304.5.6.8/anomaly-not-reported",
    clause="5.6.8",
    summary="An integration test whose latest result failed is named by a problem report (it "
    "affects the test or what the test verifies).",
)
def integration_anomalies_are_reported(ctx: RuleContext) -> Iterator[Violation]:
    yield from _unreported(ctx, frozenset({"integration"}))


@rule(
    code="62304.5.7.2/anomaly-not-reported",
    clause="5.7.2",
    summary="A system test whose latest result failed is named by a problem report (it "
    "affects the test or what the test verifies).",
)
def system_anomalies_are_reported(ctx: RuleContext) -> Iterator[Violation]:
    yield from _unreported(ctx, frozenset({"system", None}))


@rule(
    code="62304.5.6.7/integration-record-incomplete",
    clause="5.6.7",
    summary="Each record of an integration test names the tester, date, software revision, "
    "outcome and set-up (enough to repeat it).",
)
def integration_records_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for record in ctx.items("test-record"):
        if not of_integration(ctx, record):
            continue
        missing = [name for name in RECORD_FIELDS if blank(record.field(name))]
        if missing:
            add = ", ".join(f"{name}:" for name in missing)
            yield Violation(record, f"{record.id} is incomplete: add {add}")


def _changed(ctx: RuleContext, change: Item) -> list[Item]:
    return list(ctx.graph.targets(change.id, "changes"))


def _integration_tests(ctx: RuleContext, changed: Sequence[Item]) -> list[Item]:
    """Integration tests of the changed items and of the software items they are part of."""
    reached: dict[str, Item] = {}
    for item in changed:
        reached[item.id] = item
        if item.kind in SOFTWARE_KINDS:
            reached.update((p.id, p) for p in ctx.graph.ancestors(item.id, ["part-of"]))
        for requirement in ctx.graph.targets(item.id, "implements"):
            reached[requirement.id] = requirement
    tests = {t.id: t for item in reached.values() for t in _tests(ctx, item)}
    return [t for t in tests.values() if t.field("level") == "integration"]


def _system_tests(ctx: RuleContext, changed: Sequence[Item]) -> list[Item]:
    """System tests of the changed items and of the requirements they implement."""
    reached: dict[str, Item] = {}
    for item in changed:
        reached[item.id] = item
        for requirement in ctx.graph.targets(item.id, "implements"):
            reached[requirement.id] = requirement
        for design in ctx.graph.targets(item.id, "design-of"):
            reached.update((r.id, r) for r in ctx.graph.targets(design.id, "implements"))
    tests = {t.id: t for item in reached.values() for t in _tests(ctx, item)}
    tests.update((i.id, i) for i in changed if i.kind == "test-case")
    return [t for t in tests.values() if t.field("level") in ("system", None)]


def _retested(
    ctx: RuleContext, states: frozenset[str], pick: str, what: str
) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") not in states:
            continue
        changed = _changed(ctx, change)
        if pick == "integration":
            tests = _integration_tests(ctx, changed)
        elif pick == "system":
            tests = _system_tests(ctx, changed)
        else:
            tests = list({t.id: t for i in changed for t in _tests(ctx, i)}.values())
            tests += [i for i in changed if i.kind == "test-case"]
        if not tests:
            continue
        approved = str(change.field("approved-date") or "")[:10]
        problems = retest_problems(ctx, tests, approved)
        if problems:
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but {what} since it was approved "
                f"({approved or 'no date'}) do not show it: " + "; ".join(problems),
            )


@rule(
    code="62304.5.6.6/regression-not-run",
    clause="5.6.6",
    summary="After a change is implemented, the integration tests of what it changed and of "
    "the items those are part of passed, current, in results no older than its approval.",
)
def regression_tests_ran(ctx: RuleContext) -> Iterator[Violation]:
    yield from _retested(ctx, _DONE, "integration", "the integration (regression) tests")


@rule(
    code="62304.5.7.3/retest-missing",
    clause="5.7.3",
    summary="After a change is implemented, the system tests of what it changed and of the "
    "requirements those implement passed, current, in results no older than its approval.",
)
def system_tests_rerun(ctx: RuleContext) -> Iterator[Violation]:
    yield from _retested(ctx, _DONE, "system", "the system tests")


@rule(
    code="62304.8.2.3/change-not-retested",
    clause="8.2.3",
    summary="A change request that is verified or closed has the tests of what it changed "
    "passed, current, in results no older than its approval.",
)
def changes_are_retested(ctx: RuleContext) -> Iterator[Violation]:
    yield from _retested(ctx, _VERIFIED, "direct", "the tests of what it changed")

"""Rules on test results (5.7.1, 5.5.5): a failing test flags what it verifies.

They speak only once test results have been imported (``medtrace results
import``) or manual test records exist: without any, nothing is known to have
run or failed.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.verification import Status, verification_status
from medtrace.model import Severity
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


@rule(
    code="62304.5.7.1/requirement-test-failed",
    clause="5.7.1",
    summary="No test of a software requirement fails in its latest result.",
)
def requirements_pass_their_tests(ctx: RuleContext) -> Iterator[Violation]:
    for entry in verification_status(ctx.graph, ctx.runs):
        failing = [
            e.test
            for e in entry.evidence
            if e.outcome is not None and e.outcome.value in ("failed", "error")
        ]
        if entry.status is Status.FAILED and ctx.applies(entry.requirement):
            yield Violation(
                entry.requirement,
                f"{entry.requirement.id} is not verified: {', '.join(failing)} failed in the "
                "latest result",
            )


@rule(
    code="62304.5.7.1/requirement-not-run",
    clause="5.7.1",
    summary="Once test results are imported, every test of a software requirement has a result.",
    severity=Severity.WARNING,
)
def requirements_tests_have_run(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.runs:
        return
    for entry in verification_status(ctx.graph, ctx.runs):
        if entry.status is Status.NOT_RUN and ctx.applies(entry.requirement):
            missing = [e.test for e in entry.evidence if e.outcome is None]
            yield Violation(
                entry.requirement,
                f"{entry.requirement.id}: no result for {', '.join(missing) or 'its tests'} "
                "in the imported runs",
            )

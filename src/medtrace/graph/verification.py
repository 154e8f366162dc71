"""Which requirements are verified: test cases, their latest results, and a status each.

Automated test cases find their results by ``test-id`` (a pytest node id such as
``tests/unit/test_bolus.py::test_limit`` matches the JUnit ``classname::name``
``tests.unit.test_bolus::test_limit``); results also name requirements directly
through ``verifies``/``requirement`` properties. Manual test cases take the
latest test-record that ``executes`` them. The latest result wins: runs by
import time, records by date.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph.trace import TraceGraph
from medtrace.model import Item
from medtrace.model.results import Outcome, ResultRun


class Status(enum.Enum):
    VERIFIED = "verified"
    FAILED = "failed"
    NOT_RUN = "not run"
    NOT_COVERED = "not covered"


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One test of a requirement and its latest result (``outcome`` None: never run)."""

    test: str  # the test case id, or the result's test id when no item names it
    outcome: Outcome | None
    revision: str = ""
    date: str = ""
    manual: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RequirementStatus:
    requirement: Item
    status: Status
    evidence: tuple[Evidence, ...]


_OUTCOMES = {o.value: o for o in Outcome}
_BAD = (Outcome.FAILED, Outcome.ERROR)


def normal_test_id(test_id: str) -> str:
    """``tests/unit/test_x.py::test_y`` and ``tests.unit.test_x::test_y`` read the same."""
    head, _, tail = test_id.strip().partition("::")
    head = re.sub(r"\.py$", "", head).replace("/", ".").replace("\\", ".")
    return f"{head}::{tail}" if tail else head


def verification_status(
    graph: TraceGraph,
    runs: Sequence[ResultRun],
    kinds: Iterable[str] = ("software-requirement",),
    revision: str | None = None,
) -> tuple[RequirementStatus, ...]:
    """The status of every item of ``kinds``, by id. With ``revision``, only results
    and records of that revision (its name or commit) count."""
    chosen = [run for run in runs if revision is None or _of(run, revision)]
    latest = _latest_results(chosen)
    by_requirement = _direct_results(chosen)
    statuses = []
    for kind in kinds:
        for requirement in graph.of_kind(kind):
            evidence = [
                _evidence(graph, test, latest, revision)
                for test in graph.sources(requirement.id, "verifies")
                if test.kind == "test-case"
            ]
            named = {e.test for e in evidence}
            evidence += [e for e in by_requirement.get(requirement.id, ()) if e.test not in named]
            statuses.append(
                RequirementStatus(
                    requirement=requirement, status=_status(evidence), evidence=tuple(evidence)
                )
            )
    return tuple(statuses)


def _of(run: ResultRun, revision: str) -> bool:
    return run.revision == revision or (run.commit or "").startswith(revision)


def _latest_results(runs: Sequence[ResultRun]) -> dict[str, Evidence]:
    latest: dict[str, Evidence] = {}
    for run in sorted(runs, key=lambda r: r.imported):
        for result in run.results:
            latest[normal_test_id(result.test_id)] = Evidence(
                test=result.test_id,
                outcome=result.outcome,
                revision=run.revision,
                date=run.imported,
            )
    return latest


def _direct_results(runs: Sequence[ResultRun]) -> dict[str, list[Evidence]]:
    found: dict[str, dict[str, Evidence]] = {}
    for run in sorted(runs, key=lambda r: r.imported):
        for result in run.results:
            for requirement in result.requirements:
                found.setdefault(requirement, {})[result.test_id] = Evidence(
                    test=result.test_id,
                    outcome=result.outcome,
                    revision=run.revision,
                    date=run.imported,
                )
    return {key: list(value.values()) for key, value in found.items()}


def _evidence(
    graph: TraceGraph, test: Item, latest: dict[str, Evidence], revision: str | None
) -> Evidence:
    if test.field("method") == "manual":
        records = [
            record
            for record in graph.sources(test.id, "executes")
            if revision is None or record.field("revision") == revision
        ]
        if not records:
            return Evidence(test=test.id, outcome=None, manual=True)
        record = max(records, key=lambda r: (str(r.field("date") or ""), r.id))
        outcome = _OUTCOMES.get(str(record.field("outcome")), Outcome.SKIPPED)
        return Evidence(
            test=test.id,
            outcome=outcome,
            revision=str(record.field("revision") or ""),
            date=str(record.field("date") or ""),
            manual=True,
        )
    found = latest.get(normal_test_id(str(test.field("test-id") or test.id)))
    if found is None:
        return Evidence(test=test.id, outcome=None)
    return Evidence(test=test.id, outcome=found.outcome, revision=found.revision, date=found.date)


def _status(evidence: Sequence[Evidence]) -> Status:
    if not evidence:
        return Status.NOT_COVERED
    if any(e.outcome in _BAD for e in evidence):
        return Status.FAILED
    if any(e.outcome in (None, Outcome.SKIPPED) for e in evidence):
        return Status.NOT_RUN
    return Status.VERIFIED

"""Which items are verified: test cases, their latest results, and a status each.

Automated test cases find their results by ``test-id`` (a pytest node id such as
``tests/unit/test_bolus.py::test_limit`` matches the JUnit ``classname::name``
``tests.unit.test_bolus::test_limit``), or by ``SUITE::classname::name`` (jest
and other runners that write no file attribute name the test file as the suite:
``__tests__/alarm.test.js::Pump::stops``). A ``classname::name`` that two suites
of one run share ties to neither: that takes the suite. Results also name what they verify
directly: through ``verifies``/``requirement`` properties, or by carrying an
item's id in the test's name (``test_srs_012_limit`` verifies ``SRS-012``).
Manual test cases take the latest test-record that ``executes`` them. The
latest result wins: runs by import time, records by date.

A software unit is verified by the tests of the unit and of its detailed
design (5.5.5); any other item by the tests that verify it.
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
    """One test of an item and its latest result (``outcome`` None: never run)."""

    test: str  # the test case id, or the result's test id when no item names it
    outcome: Outcome | None
    revision: str = ""
    date: str = ""
    manual: bool = False
    record: str = ""  # the test-record that gave a manual test's result


@dataclass(frozen=True, slots=True, kw_only=True)
class RequirementStatus:
    """The verification status of one item (a requirement, unit or software item)."""

    requirement: Item
    status: Status
    evidence: tuple[Evidence, ...]


BAD_OUTCOMES = frozenset({Outcome.FAILED, Outcome.ERROR})
_OUTCOMES = {o.value: o for o in Outcome}
_ID_IN_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]+)[-_ ]?(\d+)(?![0-9])")


def normal_test_id(test_id: str) -> str:
    """``tests/unit/test_x.py::test_y`` and ``tests.unit.test_x::test_y`` read the same."""
    head, _, tail = test_id.strip().partition("::")
    head = re.sub(r"\.py$", "", head).replace("/", ".").replace("\\", ".")
    return f"{head}::{tail}" if tail else head


@dataclass(frozen=True, slots=True)
class ResultIndex:
    """The latest result of every test in some runs, read once for many questions.

    ``by_test`` is keyed by normalised test id; ``named`` lists the results
    that name an item id themselves (by property or in the test's name), each
    test once with its latest result.
    """

    by_test: dict[str, Evidence]
    named: dict[str, tuple[Evidence, ...]]
    revision: str | None = None

    @classmethod
    def empty(cls) -> ResultIndex:
        return cls(by_test={}, named={})

    @classmethod
    def build(
        cls,
        runs: Sequence[ResultRun],
        known_ids: Iterable[str] = (),
        revision: str | None = None,
    ) -> ResultIndex:
        """Index ``runs`` (only those of ``revision``, its name or commit, when given).
        Test names are searched for ``known_ids``."""
        chosen = sorted(
            (run for run in runs if revision is None or _of(run, revision)),
            key=lambda r: r.imported,
        )
        keys = _id_keys(known_ids)
        by_test: dict[str, Evidence] = {}
        named: dict[str, dict[str, Evidence]] = {}
        for run in chosen:
            _index_run(run, keys, by_test, named)
        return cls(
            by_test=by_test,
            named={key: tuple(value.values()) for key, value in named.items()},
            revision=revision,
        )


def _index_run(
    run: ResultRun,
    keys: dict[tuple[str, int], str],
    by_test: dict[str, Evidence],
    named: dict[str, dict[str, Evidence]],
) -> None:
    """Add the results of ``run`` (later than those indexed) to ``by_test`` and ``named``."""
    suite_of: dict[str, str] = {}  # test id -> the suite it is in, in this run
    ambiguous: set[str] = set()
    for result in run.results:
        evidence = Evidence(
            test=result.test_id,
            outcome=result.outcome,
            revision=run.revision,
            date=run.imported,
        )
        short = normal_test_id(result.test_id)
        by_test[short] = evidence
        if result.suite:
            by_test[normal_test_id(f"{result.suite}::{result.test_id}")] = evidence
        if suite_of.setdefault(short, result.suite) != result.suite:
            ambiguous.add(short)
        targets = set(result.requirements)
        if keys:
            targets.update(_ids_in(result.test_id, keys))
        for target in targets:
            named.setdefault(target, {})[result.test_id] = evidence
    for short in ambiguous:  # two files of one run hold it: which one takes SUITE::TEST
        del by_test[short]


def tests_of(graph: TraceGraph, item: Item) -> tuple[Item, ...]:
    """The test cases that verify ``item``; for a unit, also those of its design."""
    targets = [item]
    if item.kind == "software-unit":
        targets += [d for d in graph.sources(item.id, "design-of") if d.kind == "detailed-design"]
    found: dict[str, Item] = {}
    for target in targets:
        for test in graph.sources(target.id, "verifies"):
            if test.kind == "test-case":
                found.setdefault(test.id, test)
    return tuple(found.values())


def verification_status(
    graph: TraceGraph,
    runs: Sequence[ResultRun] | ResultIndex,
    kinds: Iterable[str] = ("software-requirement",),
    revision: str | None = None,
) -> tuple[RequirementStatus, ...]:
    """The status of every item of ``kinds``, by id. With ``revision``, only results
    and records of that revision (its name or commit) count."""
    kinds = tuple(kinds)
    if isinstance(runs, ResultIndex):
        index = runs
        revision = index.revision
    else:
        known = [item.id for kind in kinds for item in graph.of_kind(kind)]
        index = ResultIndex.build(runs, known, revision)
    return tuple(status_of(graph, item, index) for kind in kinds for item in graph.of_kind(kind))


def status_of(graph: TraceGraph, item: Item, index: ResultIndex) -> RequirementStatus:
    """How ``item`` stands: its tests, each with its latest result, and a status."""
    tests = tests_of(graph, item)
    evidence = [evidence_of(graph, test, index) for test in tests]
    # A result named by property or name that a test case already stands for is
    # the same evidence, shown once under the test case.
    seen = {e.test for e in evidence} | {
        normal_test_id(str(test.field("test-id"))) for test in tests if test.field("test-id")
    }
    evidence += [e for e in index.named.get(item.id, ()) if normal_test_id(e.test) not in seen]
    return RequirementStatus(requirement=item, status=_status(evidence), evidence=tuple(evidence))


def latest_record(graph: TraceGraph, test: Item, revision: str | None = None) -> Item | None:
    """The latest test-record that executes ``test`` (of ``revision``, when given)."""
    records = [
        record
        for record in graph.sources(test.id, "executes")
        if record.kind == "test-record"
        and (revision is None or record.field("revision") == revision)
    ]
    if not records:
        return None
    return max(records, key=lambda r: (str(r.field("date") or ""), r.id))


def _of(run: ResultRun, revision: str) -> bool:
    return run.revision == revision or (run.commit or "").startswith(revision)


def _id_keys(ids: Iterable[str]) -> dict[tuple[str, int], str]:
    """``SRS-012`` under ``("SRS", 12)``; ids that would read alike are left out."""
    keys: dict[tuple[str, int], str] = {}
    clashes: set[tuple[str, int]] = set()
    for item_id in ids:
        match = _ID_IN_NAME.fullmatch(item_id)
        if match is None:
            continue
        key = (match.group(1).upper(), int(match.group(2)))
        if key in keys and keys[key] != item_id:
            clashes.add(key)
        keys[key] = item_id
    for key in clashes:
        del keys[key]
    return keys


def _ids_in(name: str, keys: dict[tuple[str, int], str]) -> set[str]:
    found = set()
    for match in _ID_IN_NAME.finditer(name):
        item_id = keys.get((match.group(1).upper(), int(match.group(2))))
        if item_id is not None:
            found.add(item_id)
    return found


def evidence_of(graph: TraceGraph, test: Item, index: ResultIndex) -> Evidence:
    """The latest result of one test case (a record's outcome for a manual test)."""
    if test.field("method") == "manual":
        record = latest_record(graph, test, index.revision)
        if record is None:
            return Evidence(test=test.id, outcome=None, manual=True)
        return Evidence(
            test=test.id,
            outcome=_OUTCOMES.get(str(record.field("outcome")), Outcome.SKIPPED),
            revision=str(record.field("revision") or ""),
            date=str(record.field("date") or ""),
            manual=True,
            record=record.id,
        )
    found = index.by_test.get(normal_test_id(str(test.field("test-id") or test.id)))
    if found is None:
        return Evidence(test=test.id, outcome=None)
    return Evidence(test=test.id, outcome=found.outcome, revision=found.revision, date=found.date)


def _status(evidence: Sequence[Evidence]) -> Status:
    if not evidence:
        return Status.NOT_COVERED
    if any(e.outcome in BAD_OUTCOMES for e in evidence):
        return Status.FAILED
    if any(e.outcome in (None, Outcome.SKIPPED) for e in evidence):
        return Status.NOT_RUN
    return Status.VERIFIED

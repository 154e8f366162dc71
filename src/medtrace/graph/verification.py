"""Which items are verified: test cases, their latest results, and a status each.

Automated test cases find their results by ``test-id`` (a pytest node id such as
``tests/unit/test_bolus.py::test_limit`` matches the JUnit ``classname::name``
``tests.unit.test_bolus::test_limit``), or by ``SUITE::classname::name`` (jest
and other runners that write no file attribute name the test file as the suite:
``__tests__/alarm.test.js::Pump::stops``). A ``classname::name`` that two suites
of one run share ties to neither: that takes the suite. Results also name what they verify
directly: through ``verifies``/``requirement`` properties, or by carrying an
item's id in the test's name (``test_srs_012_limit`` verifies ``SRS-012``).
A runner that names tests by suite and name with no file (jest) is matched by
``SUITE::NAME`` too, and a name two suites of one run hold only that way.
Manual test cases take the latest test-record that ``executes`` them. The
latest result wins: runs by import time, records by date. A test that has
several results in one run takes the worst of them (and says so).

A result is bound to what it covered: a run records the commit it tested and
the fingerprint of each item its tests exercised (the test case, the item it
verifies and, for a software unit, its code); a test record keeps the
fingerprints of what it executed. Given the items' fingerprints now, a result
whose covered content changed since is *stale*: it shows what was verified
once, not what is there now.

A software unit is verified by the tests of the unit and of its detailed
design (5.5.5); any other item by the tests that verify it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from medtrace.graph.evidence import Binding, pin
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.trace import TraceGraph
from medtrace.model import Item
from medtrace.model.results import Outcome, ResultRun


class Status(enum.Enum):
    VERIFIED = "verified"
    STALE = "stale"  # verified at a revision whose covered content has changed since
    FAILED = "failed"
    NOT_RUN = "not run"
    NOT_COVERED = "not covered"


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One test of an item and its latest result (``outcome`` None: never run).

    ``changed`` says, one phrase each, what the result covered that has changed
    since it was recorded (empty: it is current); ``mixed`` that the test had
    other outcomes in the same run.
    """

    test: str  # the test case id, or the result's test id when no item names it
    outcome: Outcome | None
    revision: str = ""  # as the run or record names it (a tag, a version)
    commit: str = ""  # the full commit tested, when it is known
    date: str = ""
    environment: str = ""
    manual: bool = False
    record: str = ""  # the test-record that gave a manual test's result
    changed: tuple[str, ...] = ()
    mixed: bool = False

    @property
    def stale(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequirementStatus:
    """The verification status of one item (a requirement, unit or software item)."""

    requirement: Item
    status: Status
    evidence: tuple[Evidence, ...]


BAD_OUTCOMES = frozenset({Outcome.FAILED, Outcome.ERROR})
_OUTCOMES = {o.value: o for o in Outcome}
_WORST = (Outcome.ERROR, Outcome.FAILED, Outcome.SKIPPED, Outcome.PASSED)
_ID_IN_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]+)[-_ ]?(\d+)(?![0-9])")


def normal_test_id(test_id: str) -> str:
    """``tests/unit/test_x.py::test_y`` and ``tests.unit.test_x::test_y`` read the same."""
    head, _, tail = test_id.strip().partition("::")
    head = re.sub(r"\.py$", "", head).replace("/", ".").replace("\\", ".")
    return f"{head}::{tail}" if tail else head


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """The latest result of one test: its evidence, and what the run recorded it covered."""

    evidence: Evidence
    covers: Mapping[str, str] = field(default_factory=dict)  # id -> fingerprint at the run


@dataclass(frozen=True, slots=True)
class ResultIndex:
    """The latest result of every test in some runs, read once for many questions.

    ``by_test`` is keyed by normalised test id; ``named`` lists the results
    that name an item id themselves (by property or in the test's name), each
    test once with its latest result. With ``fingerprints`` (the items' now),
    results whose covered content changed are marked stale.
    """

    by_test: dict[str, RunResult]
    named: dict[str, tuple[RunResult, ...]]
    revision: str | None = None
    fingerprints: Fingerprints | None = None

    @classmethod
    def empty(cls) -> ResultIndex:
        return cls(by_test={}, named={})

    @classmethod
    def build(
        cls,
        runs: Sequence[ResultRun],
        known_ids: Iterable[str] = (),
        revision: str | None = None,
        fingerprints: Fingerprints | None = None,
    ) -> ResultIndex:
        """Index ``runs`` (only those of ``revision``, its name or commit, when given).
        Test names are searched for ``known_ids``."""
        chosen = sorted(
            (run for run in runs if revision is None or _of(run, revision)),
            key=lambda r: r.imported,
        )
        keys = _id_keys(known_ids)
        by_test: dict[str, RunResult] = {}
        named: dict[str, dict[str, RunResult]] = {}
        for run in chosen:
            covers = dict(run.covers)
            for (suite, test_id), (outcome, mixed, requirements) in _outcomes(run).items():
                entry = RunResult(
                    evidence=Evidence(
                        test=test_id,
                        outcome=outcome,
                        revision=run.revision,
                        commit=run.commit or "",
                        date=run.imported,
                        environment=run.environment,
                        mixed=mixed,
                    ),
                    covers=covers,
                )
                _index(by_test, suite, test_id, entry, _suites(run).get(test_id, 0))
                targets = set(requirements)
                if keys:
                    targets.update(_ids_in(test_id, keys))
                for target in targets:
                    named.setdefault(target, {})[test_id] = entry
        return cls(
            by_test=by_test,
            named={key: tuple(value.values()) for key, value in named.items()},
            revision=revision,
            fingerprints=fingerprints,
        )


def _outcomes(run: ResultRun) -> dict[tuple[str, str], tuple[Outcome, bool, tuple[str, ...]]]:
    """Per test of a run (its suite and test id): its worst outcome, whether it had others,
    and what it names."""
    found: dict[tuple[str, str], tuple[set[Outcome], list[str]]] = {}
    for result in run.results:
        outcomes, requirements = found.setdefault((result.suite, result.test_id), (set(), []))
        outcomes.add(result.outcome)
        requirements.extend(result.requirements)
    return {
        key: (
            next(o for o in _WORST if o in outcomes),
            len(outcomes) > 1,
            tuple(dict.fromkeys(requirements)),
        )
        for key, (outcomes, requirements) in found.items()
    }


def _suites(run: ResultRun) -> dict[str, int]:
    """How many suites of the run hold each test id."""
    suites: dict[str, set[str]] = {}
    for result in run.results:
        suites.setdefault(result.test_id, set()).add(result.suite)
    return {test_id: len(found) for test_id, found in suites.items()}


def _index(
    by_test: dict[str, RunResult], suite: str, test_id: str, entry: RunResult, suites: int
) -> None:
    """Index a result by its test id, and by ``SUITE::TEST`` when it has a suite (a jest
    report names tests by suite and name, with no file); a test id that two suites of the
    run hold is found only by the longer name."""
    short = normal_test_id(test_id)
    if suites > 1:
        by_test.pop(short, None)
    else:
        by_test[short] = entry
    if suite:
        by_test[normal_test_id(f"{suite}::{test_id}")] = entry


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
    fingerprints: Fingerprints | None = None,
) -> tuple[RequirementStatus, ...]:
    """The status of every item of ``kinds``, by id. With ``revision``, only results
    and records of that revision (its name or commit) count."""
    kinds = tuple(kinds)
    if isinstance(runs, ResultIndex):
        index = runs
    else:
        known = [item.id for kind in kinds for item in graph.of_kind(kind)]
        index = ResultIndex.build(runs, known, revision, fingerprints)
    return tuple(status_of(graph, item, index) for kind in kinds for item in graph.of_kind(kind))


def status_of(graph: TraceGraph, item: Item, index: ResultIndex) -> RequirementStatus:
    """How ``item`` stands: its tests, each with its latest result, and a status."""
    tests = tests_of(graph, item)
    evidence = [evidence_of(graph, test, index, item) for test in tests]
    # A result named by property or name that a test case already stands for is
    # the same evidence, shown once under the test case.
    seen = {e.test for e in evidence} | {
        normal_test_id(str(test.field("test-id"))) for test in tests if test.field("test-id")
    }
    for entry in index.named.get(item.id, ()):
        if normal_test_id(entry.evidence.test) not in seen:
            evidence.append(_bound(entry, (item.id,), index))
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


def evidence_of(
    graph: TraceGraph, test: Item, index: ResultIndex, verified: Item | None = None
) -> Evidence:
    """The latest result of one test case (a record's outcome for a manual test), stale
    when the test case (or ``verified``, the item it is evidence for) changed since."""
    covered = (test.id,) if verified is None else (test.id, verified.id)
    if test.field("method") == "manual":
        record = latest_record(graph, test, index.revision)
        if record is None:
            return Evidence(test=test.id, outcome=None, manual=True)
        return Evidence(
            test=test.id,
            outcome=_OUTCOMES.get(str(record.field("outcome")), Outcome.SKIPPED),
            revision=str(record.field("revision") or ""),
            date=str(record.field("date") or ""),
            environment=str(record.field("environment") or ""),
            manual=True,
            record=record.id,
            changed=_record_changes(record, covered, index.fingerprints),
        )
    found = index.by_test.get(normal_test_id(str(test.field("test-id") or test.id)))
    if found is None:
        return Evidence(test=test.id, outcome=None)
    bound = _bound(found, covered, index)
    return Evidence(
        test=test.id,
        outcome=bound.outcome,
        revision=bound.revision,
        commit=bound.commit,
        date=bound.date,
        environment=bound.environment,
        changed=bound.changed,
        mixed=bound.mixed,
    )


def _bound(entry: RunResult, covered: Sequence[str], index: ResultIndex) -> Evidence:
    """The run's evidence, with what it covered that changed since (by the index's
    fingerprints; none given: nothing is compared)."""
    fingerprints = index.fingerprints
    if fingerprints is None:
        return entry.evidence
    changed = []
    for item_id in covered:
        now = fingerprints.of(item_id)
        if now is None:
            continue
        then = entry.covers.get(item_id)
        if then is None:
            changed.append(f"{item_id} (not recorded by the run)")
        elif then != now:
            changed.append(item_id)
    if not changed:
        return entry.evidence
    return Evidence(
        test=entry.evidence.test,
        outcome=entry.evidence.outcome,
        revision=entry.evidence.revision,
        commit=entry.evidence.commit,
        date=entry.evidence.date,
        environment=entry.evidence.environment,
        changed=tuple(changed),
        mixed=entry.evidence.mixed,
    )


def _record_changes(
    record: Item, covered: Sequence[str], fingerprints: Fingerprints | None
) -> tuple[str, ...]:
    """What a test record vouches for that changed since it was made: itself and the
    test it executed always, the item the test verifies where the record bound it."""
    if fingerprints is None:
        return ()
    changed = []
    for position, item_id in enumerate((record.id, *covered)):
        found = pin(record, item_id, fingerprints)
        if found is None or found.binding is Binding.CURRENT:
            continue
        optional = position == 2  # the verified item: only when the record bound it
        if found.binding is Binding.UNBOUND and not optional:
            changed.append(f"{item_id} (not recorded by {record.id})")
        elif found.binding is Binding.VOID:
            changed.append(item_id)
    return tuple(changed)


def _status(evidence: Sequence[Evidence]) -> Status:
    if not evidence:
        return Status.NOT_COVERED
    if any(e.outcome in BAD_OUTCOMES for e in evidence):
        return Status.FAILED
    if any(e.outcome in (None, Outcome.SKIPPED) for e in evidence):
        return Status.NOT_RUN
    if any(e.stale for e in evidence):
        return Status.STALE
    return Status.VERIFIED

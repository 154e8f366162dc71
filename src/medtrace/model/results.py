"""Test results read from a report file (JUnit XML, NUnit, TRX): what ran and how it ended.

Values only. :mod:`medtrace.ingest.junit` builds them; a later import step links
them to the items they verify. ``totals`` is always counted from ``results``;
``declared`` is what the file claims about itself, kept apart so the two can
be compared.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

ResultFormat = Literal["junit", "nunit", "trx"]


class Outcome(enum.Enum):
    """How one test case ended."""

    PASSED = "passed"
    FAILED = "failed"  # an assertion did not hold
    ERROR = "error"  # the test could not run to its verdict (exception, crash, build error)
    SKIPPED = "skipped"  # not run: skipped, disabled, ignored, inconclusive


@dataclass(frozen=True, slots=True, kw_only=True)
class TestResult:
    """One test case of a report.

    ``suite`` names the enclosing suites, outermost first, joined with `` / ``.
    ``test_id`` is ``classname::name`` (or ``name`` alone when there is no
    class name); it is how an item refers to the test. ``requirements`` are the
    ids the test declares it verifies (properties ``requirement``,
    ``requirements``, ``verifies`` or ``covers``). ``line`` is the line of the
    test case element in the report file.
    """

    __test__ = False  # a value, not a pytest test class

    suite: str
    classname: str
    name: str
    test_id: str
    outcome: Outcome
    duration: float | None = None  # seconds
    message: str = ""  # the first line of the failure, error or skip message
    details: str = ""  # the full failure or error text
    properties: tuple[tuple[str, str], ...] = ()
    attachments: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """How many tests there are and how many did not pass, by outcome."""

    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    @classmethod
    def count(cls, results: Iterable[TestResult]) -> Totals:
        """Count ``results`` by outcome."""
        tally = dict.fromkeys(Outcome, 0)
        for result in results:
            tally[result.outcome] += 1
        return cls(
            tests=sum(tally.values()),
            failures=tally[Outcome.FAILED],
            errors=tally[Outcome.ERROR],
            skipped=tally[Outcome.SKIPPED],
        )

    def __str__(self) -> str:
        return (
            f"{self.tests} tests ({self.failures} failed, {self.errors} errors, "
            f"{self.skipped} skipped)"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultFile:
    """One report file: its test results in file order, and what it says about the run.

    ``totals`` is counted from ``results`` when the value is built.
    ``declared`` holds the totals the file states at its root (``None`` when it
    states none); ``properties`` are the run's environment (suite properties,
    NUnit's ``<environment>``), each pair once, in file order.
    """

    format: ResultFormat
    path: str
    results: tuple[TestResult, ...]
    totals: Totals = field(init=False)
    declared: Totals | None = None
    timestamp: str | None = None
    hostname: str | None = None
    properties: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", Totals.count(self.results))


RUNS_FOLDER = "verification/runs"  # where imported runs are kept, relative to the project


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFile:
    """A report file that went into a run: where it was, its hash and what it held."""

    path: str
    sha256: str
    format: ResultFormat
    totals: Totals
    declared: Totals | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultRun:
    """One import of test reports, bound to the software revision they tested.

    ``commit`` is the full git commit tested, resolved when the run was imported
    (a symbolic name such as ``HEAD`` or a branch is never stored for later);
    ``revision`` is how the user named it, for people (outside git: the version
    label, and ``commit`` is ``None``). ``covers`` holds the fingerprint of each
    item the run's tests exercised as it was then (test cases, the items they
    verify, units with their code); ``uncommitted`` the project files that
    differed from ``commit`` when the run was imported.
    """

    revision: str
    commit: str | None
    imported: str  # ISO 8601 date-time (UTC) of the import
    environment: str
    reports: tuple[ReportFile, ...]
    results: tuple[TestResult, ...]
    covers: tuple[tuple[str, str], ...] = ()
    uncommitted: tuple[str, ...] = ()

    @property
    def totals(self) -> Totals:
        return Totals.count(self.results)

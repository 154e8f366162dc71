"""The project-wide reports a long-running process shows, each computed once per
:class:`~medtrace.api.workspace.Snapshot` through the operation the command line
runs for it (``release check``, ``gaps``, ``coverage``, ``soup audit``, ``risk``,
``problems trend``), so a page and a command always agree."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.api.gaps import project_matrix
from medtrace.api.item_view import fingerprints_of
from medtrace.api.link_history import project_link_bases
from medtrace.api.problems import trend_of
from medtrace.api.release import ReleaseCheck, release_check
from medtrace.api.risk import risk_report
from medtrace.api.soup import AuditEntry, audit_soup
from medtrace.api.trace import coverage_summary
from medtrace.api.workspace import Snapshot
from medtrace.errors import MedtraceError
from medtrace.graph.coverage import Coverage
from medtrace.graph.risk import RiskFile
from medtrace.model import Item
from medtrace.model.issues import ProblemTrend
from medtrace.standard.matrix import Matrix
from medtrace.standard.rules.change import stale_links

CLOSED_STATES = frozenset({"closed", "rejected"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Suspect:
    """A suspect link: ``upstream`` changed since the link from ``item`` was made or last
    reviewed (``since`` says which, ``date`` when)."""

    item: Item
    upstream: str
    since: str
    date: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SoupReport:
    entries: tuple[AuditEntry, ...]
    configured: bool  # whether the project names OSV records to match against
    problem: str = ""  # why the records could not be read
    not_audited: tuple[tuple[Item, str], ...] = ()  # records OSV cannot match, and why

    @property
    def not_evaluated(self) -> tuple[AuditEntry, ...]:
        return tuple(entry for entry in self.entries if entry.evaluation is None)


def release(snapshot: Snapshot, version: str) -> ReleaseCheck:
    """``release check VERSION`` of the working tree's ``HEAD``."""
    return snapshot.derived(f"release:{version}", lambda s: release_check(s.root, version))


def compliance(snapshot: Snapshot) -> Matrix:
    return snapshot.derived("matrix", lambda s: project_matrix(s.root)[1])


def coverage(snapshot: Snapshot) -> tuple[Coverage, ...]:
    return snapshot.derived("coverage", lambda s: coverage_summary(s.root).lines)


def suspects(snapshot: Snapshot) -> tuple[Suspect, ...]:
    """Every suspect link (7.4.1), by item and upstream id."""

    def compute(snap: Snapshot) -> tuple[Suspect, ...]:
        bases = project_link_bases(snap.root)
        found = stale_links(snap.graph, fingerprints_of(snap), snap.project.reviews, bases)
        return tuple(
            Suspect(item=s.item, upstream=s.other, since=s.since, date=s.date) for s in found
        )

    return snapshot.derived("suspects", compute)


def soup(snapshot: Snapshot) -> SoupReport:
    """Every SOUP record's known vulnerabilities, evaluated or not, and the records the
    advisories cannot be matched against."""

    def compute(snap: Snapshot) -> SoupReport:
        if not snap.project.config.soup.advisories:
            return SoupReport(entries=(), configured=False)
        try:
            audit = audit_soup(snap.root)
        except MedtraceError as error:
            return SoupReport(entries=(), configured=True, problem=str(error))
        return SoupReport(entries=audit.entries, configured=True, not_audited=audit.not_audited)

    return snapshot.derived("soup", compute)


def risk(snapshot: Snapshot) -> RiskFile:
    return snapshot.derived("risk", lambda s: risk_report(s.root)[1])


def problem_reports(snapshot: Snapshot) -> tuple[Item, ...]:
    return snapshot.graph.of_kind("problem-report")


def open_problems(snapshot: Snapshot) -> tuple[Item, ...]:
    return tuple(
        item for item in problem_reports(snapshot) if item.field("state") not in CLOSED_STATES
    )


def trend(snapshot: Snapshot) -> ProblemTrend:
    return snapshot.derived("trend", lambda s: trend_of(problem_reports(s)))


def change_requests(snapshot: Snapshot) -> tuple[Item, ...]:
    return snapshot.graph.of_kind("change-request")


def risk_grid(found: RiskFile, *, after: bool) -> list[tuple[str, list[int]]]:
    """The rows of the risk matrix, most severe first, each with its count per probability."""
    matrix = found.matrix(after=after)
    rows = zip(matrix.severity, matrix.counts, strict=True)
    return [(severity, list(counts)) for severity, counts in reversed(list(rows))]

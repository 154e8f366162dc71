"""Problem resolution values: issues read from a tracker export, what an import did,
and the monthly trend of problem reports (IEC 62304 9.1, 9.6)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from medtrace.model.location import SourceLocation

TRACKERS = ("github", "gitlab")
PROBLEM_STATES = ("open", "investigating", "resolved", "verified", "closed")
CRITICALITIES = ("high", "medium", "low")  # most critical first, as the trend shows them
UNRATED = "unrated"  # the trend's column for reports without a criticality


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerIssue:
    """One issue of a GitHub or GitLab export (pull requests are never issues).

    ``state`` is the tracker's own, read as ``open`` or ``closed``; ``project``
    is ``owner/repo`` (GitHub) or ``group/subgroup/project`` (GitLab); ``created``
    and ``closed`` are the tracker's ISO 8601 timestamps (``closed`` empty while
    open); ``location`` is where the issue's object starts in the export.
    """

    tracker: str
    project: str
    number: int
    title: str
    body: str
    state: str
    state_reason: str
    labels: tuple[str, ...]
    author: str
    created: str
    closed: str
    url: str
    location: SourceLocation

    @property
    def key(self) -> str:
        """The problem report's ``tracker-id``: ``github:owner/repo#12``."""
        return f"{self.tracker}:{self.project}#{self.number}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedProblem:
    """One problem report an import wrote, would write, or left as it was."""

    id: str
    path: str  # relative to the project root
    tracker_id: str
    state: str
    before: str | None = None  # the state it had, for an updated report


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    """What ``medtrace problems import`` did (or, on a dry run, would do)."""

    export: str
    tracker: str  # github or gitlab; empty for an export without issues
    created: tuple[ImportedProblem, ...]
    updated: tuple[ImportedProblem, ...]
    unchanged: tuple[ImportedProblem, ...]
    dry_run: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TrendMonth:
    """One calendar month: reports by criticality, in the order of ``ProblemTrend.columns``."""

    month: str  # YYYY-MM
    reported: tuple[int, ...]  # reported in the month
    open: tuple[int, ...]  # not closed at the month's end


@dataclass(frozen=True, slots=True, kw_only=True)
class ProblemTrend:
    """Problem reports per month and criticality (9.6). ``undated`` are the ids of
    reports without a ``reported-date``, which no month can count."""

    columns: tuple[str, ...]
    months: tuple[TrendMonth, ...]
    undated: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StateEntry:
    """One entry of a problem report's ``state-history``: ``2026-03-02 resolved: why``."""

    date: str  # YYYY-MM-DD
    state: str
    note: str = ""

    def __str__(self) -> str:
        return (
            f"{self.date} {self.state}: {self.note}" if self.note else f"{self.date} {self.state}"
        )


_ENTRY = re.compile(r"(\d{4}-\d{2}-\d{2})[ \t]+([a-z]+)[ \t]*(?::(.*))?")


def parse_state_entry(text: str) -> StateEntry | None:
    """The entry ``text`` holds, or ``None`` when it is not ``YYYY-MM-DD state[: note]``
    with a real date and a problem report state."""
    match = _ENTRY.fullmatch(text.strip())
    if match is None or match.group(2) not in PROBLEM_STATES:
        return None
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return StateEntry(
        date=match.group(1), state=match.group(2), note=(match.group(3) or "").strip()
    )

"""Problem resolution: import problem reports from an issue tracker, and their trend.

``import_problems`` writes only what it owns. An issue not yet imported becomes
a new report ``PR-NNN`` in the ``[problems] folder``. A report already imported
(the same ``tracker-id``) whose tracker state now maps to another state gets
its ``state`` line rewritten and one ``state-history`` entry appended; every
other line (what a person wrote: root cause, safety relevance, links, prose)
stays as it was, byte for byte. Nothing else is ever changed or deleted.

The state of an issue is the state of the first ``[problems] states`` label
(in the order of medtrace.toml) the issue carries, compared without case; an
issue with none is ``open`` while open in the tracker and ``closed`` once
closed. Criticality is read the same way from ``[problems] criticality``; an
issue with no such label gets none (and check asks for it, 9.1).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from medtrace.api.load import LoadOptions, load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError
from medtrace.export.front_matter import set_front_matter, yaml_quoted
from medtrace.ingest.issues import parse_issues
from medtrace.ingest.text import one_line
from medtrace.model import Item, ProjectConfig
from medtrace.model.issues import (
    CRITICALITIES,
    TRACKERS,
    UNRATED,
    ImportedProblem,
    ImportReport,
    ProblemTrend,
    StateEntry,
    TrackerIssue,
    TrendMonth,
    parse_state_entry,
)
from medtrace.store.files import write_files

IMPORTED = "imported from tracker"
REPORTED = "reported in the tracker"
HISTORY = "state-history"
_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:(.*)$")
_ITEM_NUMBER = re.compile(r"PR-(\d+)")


def import_problems(
    start: Path,
    export_file: Path,
    tracker_name: str | None = None,
    dry_run: bool = False,
    *,
    today: dt.date | None = None,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> ImportReport:
    """Create or update the problem reports of the issues in ``export_file``.

    ``tracker_name`` (github or gitlab) is the tracker the export must come
    from (default: recognised from its shape); ``today`` dates the history
    entries of state changes that carry no date of their own. A malformed
    export raises :class:`MedtraceError` and writes nothing.
    """
    issues, tracker = _read_export(export_file, tracker_name)
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        root = Path(project.root)
        plan = _Plan(root, project.config, project.items, (today or dt.date.today()).isoformat())
        for issue in sorted(issues, key=lambda i: (i.project, i.number)):
            plan.add(issue)
        if not dry_run:
            changed = (*plan.updated, *plan.created)
            write_files([(root / entry.path, text.encode("utf-8")) for entry, text in changed])
        return ImportReport(
            export=str(export_file),
            tracker=tracker,
            created=tuple(entry for entry, _ in plan.created),
            updated=tuple(entry for entry, _ in plan.updated),
            unchanged=tuple(plan.unchanged),
            dry_run=dry_run,
        )


class _Plan:
    """The files an import writes, with their new text; nothing is written until all are
    known, so a failure on the way writes nothing."""

    def __init__(self, root: Path, config: ProjectConfig, items: Sequence[Item], day: str) -> None:
        self.root = root
        self.config = config
        self.day = day
        self.known = _imported(items)
        self.taken = {item.id for item in items}
        self.created: list[tuple[ImportedProblem, str]] = []
        self.updated: list[tuple[ImportedProblem, str]] = []
        self.unchanged: list[ImportedProblem] = []

    def add(self, issue: TrackerIssue) -> None:
        state = mapped(self.config.problems.states, issue.labels) or _default_state(issue)
        report = self.known.get(issue.key)
        if report is None:
            item_id = _next_id(self.taken)
            self.taken.add(item_id)
            path = f"{self.config.problems.folder.strip('/')}/{item_id}.md"
            if (self.root / path).exists():
                raise MedtraceError(f"{path} exists already; import will not overwrite it")
            text = new_report(item_id, issue, state, self.config, self.day)
            self.created.append((_entry(item_id, path, issue, state), text))
            return
        before = report.field("state")
        entry = _entry(report.id, report.source.path, issue, state)
        if before == state:
            self.unchanged.append(entry)
            return
        text = (self.root / report.source.path).read_text("utf-8")
        text = set_front_matter(text, {"state": state})
        text = append_history(text, f"{self.day} {state}: {IMPORTED}")
        self.updated.append((replace(entry, before=str(before or "")), text))


def mapped(table: Sequence[tuple[str, str]], labels: Iterable[str]) -> str | None:
    """The value of the first label of ``table`` (config order) among ``labels``."""
    present = {label.casefold() for label in labels}
    return next((value for label, value in table if label.casefold() in present), None)


def _default_state(issue: TrackerIssue) -> str:
    return "closed" if issue.state == "closed" else "open"


def _read_export(
    export_file: Path, tracker_name: str | None
) -> tuple[tuple[TrackerIssue, ...], str]:
    """The issues of the export (read before the project is touched), and its tracker."""
    if tracker_name is not None and tracker_name not in TRACKERS:
        raise MedtraceError(f"unknown tracker {tracker_name!r}", hint="github or gitlab")
    shown = str(export_file)
    try:
        data = export_file.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise MedtraceError(f"cannot read {shown}: {reason} (nothing was written)") from None
    issues, findings = parse_issues(data, shown, tracker_name)
    if issues is None:
        first = findings[0]
        raise MedtraceError(f"{first.location}: {first.message} (nothing was written)")
    return issues, issues[0].tracker if issues else (tracker_name or "")


def _imported(items: Iterable[Item]) -> dict[str, Item]:
    """The problem reports by their ``tracker-id``."""
    known: dict[str, Item] = {}
    for item in items:
        key = item.field("tracker-id")
        if item.kind != "problem-report" or not isinstance(key, str) or not key.strip():
            continue
        other = known.setdefault(key.strip(), item)
        if other is not item:
            raise MedtraceError(
                f"{other.id} and {item.id} both have tracker-id {key.strip()}",
                hint="keep one report per tracker issue, then import again",
            )
    return known


def _next_id(taken: set[str]) -> str:
    numbers = [int(m.group(1)) for i in taken if (m := _ITEM_NUMBER.fullmatch(i))]
    number = max(numbers, default=0) + 1
    while f"PR-{number:03d}" in taken:
        number += 1
    return f"PR-{number:03d}"


def _entry(item_id: str, path: str, issue: TrackerIssue, state: str) -> ImportedProblem:
    return ImportedProblem(id=item_id, path=path, tracker_id=issue.key, state=state)


def new_report(
    item_id: str, issue: TrackerIssue, state: str, config: ProjectConfig, today: str
) -> str:
    """The text of a new problem report for ``issue``; its history starts open on the day
    the issue was created, and enters ``state`` when it was closed (or ``today``)."""
    created = issue.created[:10]
    lines = [
        "---",
        f"id: {item_id}",
        "kind: problem-report",
        f"title: {yaml_quoted(one_line(issue.title) or issue.key)}",
        f"state: {state}",
    ]
    criticality = mapped(config.problems.criticality, issue.labels)
    if criticality:
        lines.append(f"criticality: {criticality}")
    if issue.author:
        lines.append(f"reported-by: {yaml_quoted(issue.author)}")
    lines += [f"reported-date: {created}", f"tracker-id: {yaml_quoted(issue.key)}", f"{HISTORY}:"]
    lines.append(f"  - {yaml_quoted(f'{created} open: {REPORTED}')}")
    if state != "open":
        entered = issue.closed[:10] if issue.closed else today
        lines.append(f"  - {yaml_quoted(f'{max(entered, created)} {state}: {IMPORTED}')}")
    lines.append("---")
    body = issue.body.replace("\r\n", "\n").replace("\r", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    return "\n".join(lines) + "\n" + body


def append_history(text: str, entry: str) -> str:
    """``text`` with ``entry`` appended to the front matter's ``state-history`` list (the
    key is added when missing); every other line kept as it is."""
    lines = text.splitlines(keepends=True)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "...")), 0)
    if not lines or lines[0].rstrip("\r\n") != "---" or not end:
        raise MedtraceError("the record has no front matter to update")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    found = [(i, m) for i in range(1, end) if (m := _KEY.match(lines[i])) and m[1] == HISTORY]
    if not found:
        lines[end:end] = [f"{HISTORY}:{newline}", f"  - {yaml_quoted(entry)}{newline}"]
        return "".join(lines)
    key, value = found[0][0], found[0][1][2].strip()
    last = key  # the last line of the key's value
    while last + 1 < end and (lines[last + 1][:1] in (" ", "\t") or lines[last + 1][:2] == "- "):
        last += 1
    if value.startswith("["):  # a flow list: add before its closing bracket
        closing = lines[last].rfind("]")
        if closing < 0:
            raise MedtraceError(f"the {HISTORY} list is not closed")
        empty = value.replace(" ", "") == "[]"
        lines[last] = (
            lines[last][:closing]
            + ("" if empty else ", ")
            + yaml_quoted(entry)
            + lines[last][closing:]
        )
    elif value and not value.startswith("#"):  # one entry written as a scalar
        lines[key : last + 1] = [
            f"{HISTORY}:{newline}",
            f"  - {value}{newline}",
            *lines[key + 1 : last + 1],
            f"  - {yaml_quoted(entry)}{newline}",
        ]
    else:  # a block list: add a line in the indentation of its entries
        first = next((lines[i] for i in range(key + 1, last + 1) if lines[i].strip()), "  - ")
        indent = first[: len(first) - len(first.lstrip(" \t"))]
        lines.insert(last + 1, f"{indent}- {yaml_quoted(entry)}{newline}")
    return "".join(lines)


def problem_trend(
    start: Path, until: dt.date | None = None, options: LoadOptions | None = None
) -> ProblemTrend:
    """Problem reports per month and criticality (9.6), from the month of the first
    ``reported-date`` to ``until`` (default: the last month anything happened)."""
    project = load_project(start, options)
    reports = [item for item in project.items if item.kind == "problem-report"]
    return trend_of(reports, until)


def trend_of(reports: Sequence[Item], until: dt.date | None = None) -> ProblemTrend:
    """The trend of ``reports``: per month, those reported and those not closed at its end.

    A report's state at a month's end is read from its ``state-history``; a report
    without one counts in its current state from the month it was reported.
    """
    columns = (*CRITICALITIES, UNRATED)
    dated = [(r, str(r.field("reported-date"))[:10]) for r in reports if r.field("reported-date")]
    undated = tuple(sorted(r.id for r in reports if not r.field("reported-date")))
    if not dated:
        return ProblemTrend(columns=columns, months=(), undated=undated)
    histories = {r.id: _entries(r) for r, _ in dated}
    events = [day for _, day in dated] + [e.date for h in histories.values() for e in h]
    last = until.isoformat()[:7] if until else max(events)[:7]
    months = []
    for month in _months(min(day for _, day in dated)[:7], last):
        month_end = f"{month}-{calendar.monthrange(int(month[:4]), int(month[5:]))[1]:02d}"
        reported = [0] * len(columns)
        still_open = [0] * len(columns)
        for report, day in dated:
            column = columns.index(_criticality(report))
            reported[column] += day[:7] == month
            if day <= month_end and _state_at(report, histories[report.id], month_end) != "closed":
                still_open[column] += 1
        months.append(TrendMonth(month=month, reported=tuple(reported), open=tuple(still_open)))
    return ProblemTrend(columns=columns, months=tuple(months), undated=undated)


def _entries(report: Item) -> tuple[StateEntry, ...]:
    value = report.field(HISTORY)
    texts = value if isinstance(value, tuple) else ((str(value),) if value is not None else ())
    return tuple(entry for text in texts if (entry := parse_state_entry(text)) is not None)


def _criticality(report: Item) -> str:
    value = report.field("criticality")
    return value if isinstance(value, str) and value in CRITICALITIES else UNRATED


def _state_at(report: Item, history: Sequence[StateEntry], day: str) -> str:
    if not history:
        return str(report.field("state") or "open")
    passed = [entry.state for entry in history if entry.date <= day]
    return passed[-1] if passed else "open"


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months

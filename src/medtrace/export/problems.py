"""Problem resolution as text (80 columns) and JSON: the import report and the trend (9.6)."""

from __future__ import annotations

import json

from medtrace.model.issues import ImportedProblem, ImportReport, ProblemTrend

_CELL = 7  # width of a count column
_HEADERS = {"unrated": "none"}  # shorter column titles of the text table
_MONTH = 7  # "2026-03"


def import_text(report: ImportReport) -> str:
    """One line per created or updated report, then the counts."""
    verb = "would " if report.dry_run else ""
    lines = [
        f"new      {p.id} {p.tracker_id} {p.state}: {verb}write {p.path}" for p in report.created
    ]
    lines += [
        f"changed  {p.id} {p.tracker_id} {p.before or '?'} -> {p.state}: {verb}update {p.path}"
        for p in report.updated
    ]
    lines.append(
        f"{len(report.unchanged)} unchanged, {len(report.created)} new, "
        f"{len(report.updated)} changed (from {report.export})"
    )
    return "\n".join(lines) + "\n"


def _imported(problem: ImportedProblem) -> dict[str, object]:
    record: dict[str, object] = {
        "id": problem.id,
        "path": problem.path,
        "tracker-id": problem.tracker_id,
        "state": problem.state,
    }
    if problem.before is not None:
        record["before"] = problem.before
    return record


def import_json(report: ImportReport) -> str:
    document = {
        "export": report.export,
        "tracker": report.tracker,
        "dry-run": report.dry_run,
        "created": [_imported(p) for p in report.created],
        "updated": [_imported(p) for p in report.updated],
        "unchanged": [_imported(p) for p in report.unchanged],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def trend_text(trend: ProblemTrend) -> str:
    """A table of 79 columns: month, then reported and open at month end per criticality."""
    half = _CELL * (len(trend.columns) + 1)
    cells = (*(_HEADERS.get(c, c) for c in trend.columns), "total")
    lines = [
        f"{'':<{_MONTH}}{'reported in month':^{half}}  {'open at month end':^{half}}",
        f"{'month':<{_MONTH}}{_row(cells)}  {_row(cells)}",
    ]
    for month in trend.months:
        reported = (*month.reported, sum(month.reported))
        still_open = (*month.open, sum(month.open))
        lines.append(f"{month.month:<{_MONTH}}{_row(reported)}  {_row(still_open)}")
    if trend.months:
        lines.append("none: no criticality recorded")
    else:
        lines.append("no problem report has a reported-date")
    if trend.undated:
        lines.append(f"without reported-date (not counted): {', '.join(trend.undated)}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _row(cells: tuple[object, ...]) -> str:
    return "".join(f"{cell:>{_CELL}}" for cell in cells)


def trend_json(trend: ProblemTrend) -> str:
    months = [
        {
            "month": month.month,
            "reported": dict(zip(trend.columns, month.reported, strict=True)),
            "open": dict(zip(trend.columns, month.open, strict=True)),
        }
        for month in trend.months
    ]
    document = {"criticality": list(trend.columns), "months": months, "undated": trend.undated}
    return json.dumps(document, indent=2) + "\n"

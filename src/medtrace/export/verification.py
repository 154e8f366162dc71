"""The verification report as a terminal table, JSON and a standalone HTML page.

Every result says what it is bound to: the commit it tested (``this revision``
when it is the one checked out), the date and environment, or the test record
that gave it; a stale result says what changed since.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from medtrace.graph.verification import Evidence, RequirementStatus, Status

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {
    Status.VERIFIED: "green",
    Status.STALE: "yellow",
    Status.FAILED: "bold red",
    Status.NOT_RUN: "yellow",
    Status.NOT_COVERED: "bold red",
}


def _outcome(evidence: Evidence) -> str:
    return evidence.outcome.value if evidence.outcome is not None else "no result"


def bound_to(evidence: Evidence, current: Sequence[str] = ()) -> str:
    """Where a result comes from, in words: ``at 3f9c2ab41d0e (this revision), 2026-03-02``
    (``current``: the commits whose content is the checked-out one's), ``record TR-004
    (v1.2.0), 2026-02-10``; and, for a stale one, what changed since."""
    if evidence.outcome is None:
        return ""
    if evidence.record:
        where = f"record {evidence.record}" + (
            f" ({evidence.revision})" if evidence.revision else ""
        )
    elif evidence.commit:
        here = " (this revision)" if evidence.commit in current else ""
        where = f"at {evidence.commit[:12]}{here}"
    else:
        where = f"at {evidence.revision or 'an unknown revision'} (no commit)"
    parts = [where]
    if evidence.date:
        parts.append(evidence.date[:10])
    text = ", ".join(parts)
    if evidence.mixed:
        text += "; other outcomes in the same run"
    if evidence.changed:
        text += f"; stale: {', '.join(evidence.changed)} changed since"
    return text


def verification_summary(statuses: Sequence[RequirementStatus]) -> str:
    counts = dict.fromkeys(Status, 0)
    for entry in statuses:
        counts[entry.status] += 1
    return ", ".join(f"{counts[s]} {s.value}" for s in Status)


def verification_table(
    statuses: Sequence[RequirementStatus], console: Console, current: Sequence[str] = ()
) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Requirement", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Tests and latest results", overflow="fold")
    for entry in statuses:
        tests = "\n".join(
            f"{e.test} {_outcome(e)}" + (f" {bound_to(e, current)}" if e.outcome else "")
            for e in entry.evidence
        )
        table.add_row(
            entry.requirement.id,
            Text(entry.status.value, style=_STYLE[entry.status]),
            Text(tests or "-"),
        )
    console.print(table)


def verification_json(
    project: str,
    revision: str | None,
    statuses: Sequence[RequirementStatus],
    current: Sequence[str] = (),
) -> str:
    document = {
        "project": project,
        "revision": revision,
        "head": current[0] if current else None,
        "summary": {s.value: sum(1 for e in statuses if e.status is s) for s in Status},
        "requirements": [
            {
                "id": entry.requirement.id,
                "title": entry.requirement.title,
                "status": entry.status.value,
                "tests": [
                    {
                        "test": e.test,
                        "outcome": e.outcome.value if e.outcome else None,
                        "revision": e.revision,
                        "commit": e.commit or None,
                        "this_revision": bool(e.commit) and e.commit in current,
                        "date": e.date,
                        "environment": e.environment or None,
                        "manual": e.manual,
                        "record": e.record or None,
                        "stale": list(e.changed),
                        "mixed_outcomes": e.mixed,
                    }
                    for e in entry.evidence
                ],
            }
            for entry in statuses
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def verification_html(
    project: str,
    revision: str | None,
    statuses: Sequence[RequirementStatus],
    current: Sequence[str] = (),
) -> str:
    esc = html.escape
    rows = []
    for entry in statuses:
        tests = "<br>".join(
            f"{esc(e.test)}: {esc(_outcome(e))}"
            + (f" <small>({esc(bound_to(e, current))})</small>" if e.outcome else "")
            for e in entry.evidence
        )
        status = entry.status.value.replace(" ", "-")
        rows.append(
            f'<tr id="{esc(entry.requirement.id)}"><td>{esc(entry.requirement.id)}</td>'
            f"<td>{esc(entry.requirement.title)}</td>"
            f'<td class="{status}">{esc(entry.status.value)}</td><td>{tests or "-"}</td></tr>'
        )
    at = f" at {esc(revision)}" if revision else " (latest results)"
    checked_out = f"; checked out: {esc(current[0][:12])}" if current else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Verification: {esc(project)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;"
        "width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;"
        "vertical-align:top}th{background:#f4f4f4}.verified{color:#166534}.failed,"
        ".not-covered{color:#b91c1c;font-weight:bold}.not-run,.stale{color:#a16207}"
        "small{color:#555}</style></head><body>"
        f"<h1>Verification report</h1><p>{esc(project)}{at}{checked_out}: "
        f"{esc(verification_summary(statuses))}</p>"
        "<table><thead><tr><th>Requirement</th><th>Title</th><th>Status</th>"
        "<th>Tests and latest results</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )

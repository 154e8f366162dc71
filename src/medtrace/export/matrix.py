"""The compliance matrix as a terminal table, JSON and a standalone HTML page."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from medtrace.export.findings import finding_record
from medtrace.standard.classes import RIGOR_OF
from medtrace.standard.matrix import ClauseRow, Matrix, Status

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {
    Status.MET: "green",
    Status.GAP: "bold red",
    Status.ATTESTATION_NEEDED: "yellow",
    Status.NOT_APPLICABLE: "dim",
}


def _classes(row: ClauseRow, edition2: bool = False) -> str:
    if edition2:
        return " ".join(sorted({RIGOR_OF[c] for c in row.clause.classes}, key=len)) or "-"
    return "".join(c.value for c in sorted(row.clause.classes)) or "-"


def matrix_summary(matrix: Matrix) -> str:
    counts = ", ".join(f"{matrix.count(status)} {status.value}" for status in Status)
    level = matrix.level[0].upper() + matrix.level[1:]
    return f"{level} under {matrix.standard}\n{counts}"


def matrix_table(matrix: Matrix, console: Console) -> None:
    """One row per clause: number, title, classes it applies to, status, and why: its
    findings, what is missing, or why it does not apply."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Clause", no_wrap=True)
    table.add_column("Title (and why)", overflow="fold")
    table.add_column("Levels" if matrix.edition2 else "Classes", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Found", justify="right", no_wrap=True)
    for row in matrix.rows:
        table.add_row(
            row.clause.number,
            Text(row.clause.title, no_wrap=True, overflow="ellipsis"),
            _classes(row, matrix.edition2),
            Text(row.status.value, style=_STYLE[row.status]),
            str(len(row.findings)) if row.findings else "",
        )
        if row.reason:
            table.add_row("", Text(row.reason, style="dim"), "", "", "")
    console.print(table)


def matrix_json(project: str, matrix: Matrix) -> str:
    document = {
        "project": project,
        "standard": matrix.standard,
        "class": matrix.project_class.value,
        **({"rigor_level": RIGOR_OF[matrix.project_class]} if matrix.edition2 else {}),
        "counts": {status.value: matrix.count(status) for status in Status},
        "clauses": [
            {
                "clause": row.clause.number,
                "title": row.clause.title,
                "classes": [c.value for c in sorted(row.clause.classes)],
                "method": row.clause.method.value,
                "applies": row.applies,
                "status": row.status.value,
                "reason": row.reason or None,
                "findings": [finding_record(f) for f in row.findings],
                "evidence": list(row.evidence),
            }
            for row in matrix.rows
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
.met{color:#166534}.gap{color:#b91c1c;font-weight:bold}
.attestation-needed{color:#a16207}.not-applicable{color:#888}
small{color:#555}.id{white-space:nowrap}
@media print{body{margin:0}}
"""


def matrix_html(project: str, matrix: Matrix) -> str:
    """A standalone, printable page; every text from the project is escaped."""
    esc = html.escape
    rows = []
    for row in matrix.rows:
        status = row.status.value.replace(" ", "-")
        notes = "".join(
            f"<br><small>{esc(str(f.location))}: {esc(f.message)}</small>" for f in row.findings
        )
        if row.reason:
            notes += f"<br><small>{esc(row.reason)}</small>"
        shown = ", ".join(f'<span class="id">{esc(i)}</span>' for i in row.evidence[:12])
        more = len(row.evidence) - 12
        evidence = shown + (f" and {more} more" if more > 0 else "")
        rows.append(
            f"<tr><td>{esc(row.clause.number)}</td><td>{esc(row.clause.title)}{notes}</td>"
            f"<td>{esc(_classes(row, matrix.edition2))}</td>"
            f'<td class="{status}">{esc(row.status.value)}</td>'
            f"<td>{evidence}</td></tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Compliance matrix: {esc(project)}</title><style>{_CSS}</style></head><body>"
        f"<h1>IEC 62304 compliance matrix</h1><p>{esc(project)}: "
        f"{esc(matrix_summary(matrix)).replace(chr(10), '<br>')}</p>"
        "<table><thead><tr><th>Clause</th><th>Title and findings</th><th>Classes</th>"
        "<th>Status</th><th>Evidence</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )

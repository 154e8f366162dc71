"""Trace matrices as a terminal table, JSON, CSV, an Excel workbook and a standalone
HTML page; coverage lines and orphans as a terminal table and JSON.

Every renderer is deterministic: rows by source id, targets by id. The
workbook's dates come from the caller and its zip entries carry the same
stamp, so the same matrix and date give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from medtrace.errors import MedtraceError
from medtrace.export.cells import inert, workbook_text
from medtrace.graph.coverage import Coverage, TraceMatrix, TraceRow, coverage_of, route_text
from medtrace.model import Item

if TYPE_CHECKING:
    from rich.console import Console

# Excel's last column is XFD (16,384); two hold the source id and title.
XLSX_MAX_TARGETS = 16_384 - 2
_IDS_SHOWN = 8


def percent_text(percent: float | None) -> str:
    """One decimal, rounded down: 99.96% never shows as 100.0%."""
    return "n/a" if percent is None else f"{math.floor(percent * 10) / 10:.1f}%"


def _percent_value(percent: float | None) -> float | None:
    return None if percent is None else math.floor(percent * 10) / 10


def _routes(matrix: TraceMatrix) -> str:
    return " | ".join(route_text(route) for route in matrix.routes) or "none"


def trace_summary(matrix: TraceMatrix) -> str:
    """Two lines: how many sources reach a target, and over which routes."""
    line = coverage_of(matrix)
    targets = " or ".join(matrix.target_kinds)
    routes = "route" if len(matrix.routes) == 1 else "routes"
    return (
        f"{line.covered} of {line.total} {matrix.source_kind} reach a {targets} "
        f"({percent_text(line.percent)}); {matrix.pairs} links\n{routes}: {_routes(matrix)}"
    )


def trace_table(matrix: TraceMatrix, console: Console) -> None:
    """One row per source: id, title (cut to fit) and the target ids, wrapped."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Source", no_wrap=True)
    table.add_column("Title", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("Reaches", overflow="fold", ratio=1)
    for row in matrix.rows:
        reached = (
            Text(", ".join(link.target.id for link in row.links))
            if row.links
            else Text("none", style="bold red")
        )
        table.add_row(row.source.id, Text(row.source.title), reached)  # (Text: no markup)
    console.print(table)


def trace_json(project: str, matrix: TraceMatrix) -> str:
    """The matrix with stable keys; one row per line."""
    line = coverage_of(matrix)
    head = {
        "project": project,
        "source_kind": matrix.source_kind,
        "target_kinds": list(matrix.target_kinds),
        "routes": [[str(step) for step in route] for route in matrix.routes],
        "covered": line.covered,
        "total": line.total,
        "percent": _percent_value(line.percent),
        "pairs": matrix.pairs,
    }
    rows = [json.dumps(_row_record(row), ensure_ascii=False) for row in matrix.rows]
    body = "[\n    " + ",\n    ".join(rows) + "\n  ]" if rows else "[]"
    text = json.dumps(head, indent=2, ensure_ascii=False)
    return text[:-2] + f',\n  "rows": {body}\n}}\n'


def _row_record(row: TraceRow) -> dict[str, object]:
    return {
        "id": row.source.id,
        "title": row.source.title,
        "targets": [
            {"id": link.target.id, "title": link.target.title, "chain": list(link.chain)}
            for link in row.links
        ],
    }


CSV_HEADER = ("source", "source_title", "target", "target_title", "chain")


def trace_csv(matrix: TraceMatrix) -> str:
    """One line per (source, target) pair, and one with an empty target per uncovered source.

    ``chain`` lists the ids from the source to the target, separated by spaces.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in matrix.rows:
        source = (row.source.id, inert(row.source.title))
        if not row.links:
            writer.writerow((*source, "", "", ""))
        for link in row.links:
            target = (link.target.id, inert(link.target.title))
            writer.writerow((*source, *target, " ".join(link.chain)))
    return buffer.getvalue()


def trace_html(project: str, matrix: TraceMatrix) -> str:
    """A standalone, printable page; every text from the project is escaped.

    Each source row is anchored by its id, and so is every target and every
    item passed on the way, so the ids in the page link to each other.
    """
    esc = html.escape
    anchored = {row.source.id for row in matrix.rows}
    targets = [t for t in matrix.targets if t.id not in anchored]
    anchored.update(t.id for t in targets)
    reached_from: dict[str, list[str]] = {}
    for row in matrix.rows:
        for link in row.links:
            reached_from.setdefault(link.target.id, []).append(row.source.id)
    target_rows = [
        f'<tr id="{esc(t.id)}"><td class="id">{esc(t.id)}</td><td>{esc(t.title)}</td>'
        f"<td>{', '.join(map(_anchor, reached_from.get(t.id, ()))) or 'nothing'}</td></tr>"
        for t in targets
    ]
    via_rows = [
        f'<tr id="{esc(v.id)}"><td class="id">{esc(v.id)}</td><td>{esc(v.kind)}</td>'
        f"<td>{esc(v.title)}</td></tr>"
        for v in matrix.via
        if v.id not in anchored
    ]
    kinds = " or ".join(matrix.target_kinds)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Trace matrix: {esc(project)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Trace matrix: {esc(matrix.source_kind)} to {esc(kinds)}</h1>"
        f"<p>{esc(project)}: {esc(trace_summary(matrix)).replace(chr(10), '<br>')}</p>"
        + _html_table(("Source", "Title", "Reaches"), [_html_row(row) for row in matrix.rows])
        + f"<h2>Targets ({esc(kinds)})</h2>"
        + _html_table(("Target", "Title", "Reached from"), target_rows)
        + ("<h2>Passed on the way</h2>" if via_rows else "")
        + (_html_table(("Item", "Kind", "Title"), via_rows) if via_rows else "")
        + "</body></html>\n"
    )


def _html_row(row: TraceRow) -> str:
    esc = html.escape
    cells = ", ".join(_html_link(link.target.id, link.chain) for link in row.links)
    css = "" if row.links else ' class="uncovered"'
    return (
        f'<tr id="{esc(row.source.id)}"{css}><td class="id">{esc(row.source.id)}</td>'
        f"<td>{esc(row.source.title)}</td><td>{cells or 'not covered'}</td></tr>"
    )


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
.uncovered td{background:#fde8e8}.uncovered td:last-child{color:#b91c1c;font-weight:bold}
small{color:#555}.id{white-space:nowrap}:target td{background:#fff7d6}
@media print{body{margin:0}}
"""


def _anchor(item_id: str) -> str:
    escaped = html.escape(item_id)
    return f'<a href="#{escaped}">{escaped}</a>'


def _html_link(target: str, chain: tuple[str, ...]) -> str:
    between = chain[1:-1]
    via = f" <small>via {' '.join(map(_anchor, between))}</small>" if between else ""
    return _anchor(target) + via


def _html_table(header: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in header)
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


def trace_xlsx(project: str, matrix: TraceMatrix, created: datetime) -> bytes:
    """An Excel workbook: sheet "Trace matrix" (sources down, targets across, an X
    at each link, uncovered sources shaded) and sheet "Coverage".

    ``created`` (naive, UTC) is the workbook's created and modified date and the
    stamp of every zip entry, so equal input gives equal bytes.
    """
    if len(matrix.targets) > XLSX_MAX_TARGETS:
        raise MedtraceError(
            f"{len(matrix.targets)} {' or '.join(matrix.target_kinds)} items do not fit "
            f"the {XLSX_MAX_TARGETS} columns of a sheet",
            hint="use --format csv for a matrix this wide",
        )
    # openpyxl ships no type information; its objects are typed Any here.
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    _matrix_sheet(workbook.active, matrix)
    _coverage_sheet(workbook.create_sheet("Coverage"), project, matrix)
    workbook.properties.creator = "medtrace"
    workbook.properties.title = f"Trace matrix: {workbook_text(project)}"
    workbook.properties.created = created
    workbook.properties.modified = created
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not Workbook.save: it stamps "now"
    return _restamp(buffer.getvalue(), created)


def _matrix_sheet(sheet: Any, matrix: TraceMatrix) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = "Trace matrix"
    bold, shaded = Font(bold=True), PatternFill("solid", fgColor="FDE8E8")
    column = {target.id: index for index, target in enumerate(matrix.targets, start=3)}
    for index, text in enumerate(("ID", "Title", *column), start=1):
        cell = _text(sheet.cell(row=1, column=index), text)
        cell.font = bold
        if index > 2:
            cell.alignment = Alignment(text_rotation=90, horizontal="center")
            sheet.column_dimensions[get_column_letter(index)].width = 4
    centred = Alignment(horizontal="center")
    for number, row in enumerate(matrix.rows, start=2):
        cells = (
            _text(sheet.cell(row=number, column=1), row.source.id),
            _text(sheet.cell(row=number, column=2), row.source.title),
        )
        if not row.links:
            for cell in cells:
                cell.fill = shaded
        for link in row.links:
            sheet.cell(row=number, column=column[link.target.id], value="X").alignment = centred
    longest_id = max((len(text) for text in column), default=4)
    sheet.row_dimensions[1].height = max(15, 7 * longest_id)
    sheet.column_dimensions["A"].width = min(
        24, 2 + max((len(r.source.id) for r in matrix.rows), default=4)
    )
    sheet.column_dimensions["B"].width = 48
    sheet.freeze_panes = "C2"


def _coverage_sheet(sheet: Any, project: str, matrix: TraceMatrix) -> None:
    from openpyxl.styles import Font, PatternFill

    line = coverage_of(matrix)
    bold, shaded = Font(bold=True), PatternFill("solid", fgColor="FDE8E8")
    facts: tuple[tuple[str, object], ...] = (
        ("Project", project),
        ("Source kind", matrix.source_kind),
        ("Target kinds", ", ".join(matrix.target_kinds)),
        ("Routes", _routes(matrix)),
        ("Covered", line.covered),
        ("Total", line.total),
        ("Coverage", None if line.percent is None else line.covered / line.total),
        ("Links", matrix.pairs),
    )
    for number, (name, value) in enumerate(facts, start=1):
        _text(sheet.cell(row=number, column=1), name).font = bold
        cell = sheet.cell(row=number, column=2)
        if isinstance(value, str):
            _text(cell, value)
        else:
            cell.value = value
        if name == "Coverage":
            cell.number_format = "0.0%"
    start = len(facts) + 2
    for index, text in enumerate(("Not covered", "Title"), start=1):
        _text(sheet.cell(row=start, column=index), text).font = bold
    if not line.uncovered:
        _text(sheet.cell(row=start + 1, column=1), "none")
    titles = {row.source.id: row.source.title for row in matrix.rows}
    for number, item_id in enumerate(line.uncovered, start=start + 1):
        _text(sheet.cell(row=number, column=1), item_id).fill = shaded
        _text(sheet.cell(row=number, column=2), titles[item_id]).fill = shaded
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60


def _text(cell: Any, text: str) -> Any:
    """Put ``text`` in ``cell`` as text, never as a formula (a title may start with "=")."""
    cell.value = workbook_text(text)
    cell.data_type = "s"
    return cell


def _restamp(data: bytes, when: datetime) -> bytes:
    """The zip ``data`` again, every entry stamped ``when`` (zip dates start in 1980)."""
    stamp = max(when.replace(tzinfo=None), datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def coverage_table(lines: Sequence[Coverage], console: Console) -> None:
    """One row per coverage line; the first uncovered ids on a dim second line."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Coverage", overflow="fold", ratio=1)
    table.add_column("Items", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    for line in lines:
        what = Text(line.label)
        if line.uncovered:
            shown = ", ".join(line.uncovered[:_IDS_SHOWN])
            more = len(line.uncovered) - _IDS_SHOWN
            what.append(f"\nnot covered: {shown}" + (f" and {more} more" if more > 0 else ""))
            what.stylize("dim", len(line.label))
        style = "green" if line.total and not line.uncovered else "yellow"
        share = Text(percent_text(line.percent), style=style if line.total else "dim")
        table.add_row(what, f"{line.covered}/{line.total}", share)
    console.print(table)


def coverage_json(project: str, lines: Sequence[Coverage]) -> str:
    document = {
        "project": project,
        "coverage": [
            {
                "label": line.label,
                "kind": line.kind,
                "target_kinds": list(line.target_kinds),
                "routes": [[str(step) for step in route] for route in line.routes],
                "covered": line.covered,
                "total": line.total,
                "percent": _percent_value(line.percent),
                "uncovered": list(line.uncovered),
            }
            for line in lines
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def orphans_table(orphans: Sequence[Item], console: Console) -> None:
    """Id, kind and title of each orphan, and where its file is on a dim second line."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Item", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Title", overflow="fold", ratio=1)
    for item in orphans:
        what = Text(item.title)
        what.append(f"\n{item.source}", style="dim")
        table.add_row(item.id, item.kind, what)
    console.print(table)


def orphans_json(project: str, orphans: Sequence[Item]) -> str:
    document = {
        "project": project,
        "orphans": [
            {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "path": item.source.path,
                "line": item.source.line,
            }
            for item in orphans
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""The audit trail rendered for an inspector: a terminal table, CSV, JSON or an HTML page."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from dataclasses import asdict

from medtrace.model.audit import AuditRow

FORMATS = ("text", "csv", "json", "html")
COLUMNS = ("time (UTC)", "source", "who", "action", "items", "commit", "why", "before",
           "after", "authenticated", "seq")  # fmt: skip


def _cells(row: AuditRow) -> tuple[str, ...]:
    return (
        row.at, row.source, row.actor, row.action, " ".join(row.items), row.commit[:12],
        row.reason, row.before, row.after, row.method, str(row.seq) if row.seq else "",
    )  # fmt: skip


def render_audit(rows: Sequence[AuditRow], fmt: str, title: str = "Audit trail") -> str:
    if fmt == "json":
        return json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_cells(row) for row in rows)
        return out.getvalue()
    if fmt == "html":
        return _html(rows, title)
    return _text(rows)


def _text(rows: Sequence[AuditRow]) -> str:
    lines = []
    for row in rows:
        items = " ".join(row.items)
        head = f"{row.at}  {row.source:<3}  {row.action:<16} {row.actor}"
        lines.append(head + (f"  [{items}]" if items else ""))
        rest = [p for p in (row.commit[:12], row.reason, row.method) if p]
        if rest:
            lines.append("    " + " · ".join(rest)[:76])
    return "\n".join(lines) + ("\n" if lines else "no events\n")


def _html(rows: Sequence[AuditRow], title: str) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in _cells(row)) + "</tr>\n"
        for row in rows
    )
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:0.85em}"
        "th,td{border:1px solid #ccc;padding:0.2em 0.4em;text-align:left;vertical-align:top}"
        "th{background:#eee}"
    )
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)}</title><style>{style}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>{len(rows)} events, oldest first; times in UTC."
        f"</p>\n<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"
        "</body></html>\n"
    )

"""Changes between revisions as Markdown release notes, JSON and a standalone HTML page;
an item's history as a terminal table and JSON.

The change reports (:mod:`medtrace.model.change`) are built in
:mod:`medtrace.api.diff` and :mod:`medtrace.api.history`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from medtrace.model import FieldValue, Item
from medtrace.model.change import (
    HistoryEntry,
    ItemChange,
    ProjectDiff,
)

if TYPE_CHECKING:
    from rich.console import Console


# --- shared wording ---------------------------------------------------------------

UNREADABLE_NOTE = "item files whose names are not UTF-8 (rename them to compare them)"


def counts(diff: ProjectDiff) -> dict[str, int]:
    """How many items were added, removed, changed, moved (and newly suspect, if asked)."""
    found = {
        "added": len(diff.added),
        "removed": len(diff.removed),
        "changed": len(diff.changed),
        "moved": len(diff.moved),
    }
    if diff.suspect is not None:
        found["suspect"] = len(diff.suspect)
    return found


def value_text(value: FieldValue | None) -> str:
    """A field value as a person reads it; an unset field is a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def change_summary(change: ItemChange) -> str:
    """One line: what changed (fields, title, links, body, file)."""
    parts = []
    if change.kind_change:
        parts.append(f"kind: {change.kind_change[0]} -> {change.kind_change[1]}")
    if change.title_change:
        parts.append("title")
    parts += [
        f"{f.name}: {_short(value_text(f.old))} -> {_short(value_text(f.new))}"
        for f in change.fields
    ]
    parts += [f"+{link.role} {link.target}" for link in change.links_added]
    parts += [f"-{link.role} {link.target}" for link in change.links_removed]
    if change.body_diff:
        parts.append("body")
    if change.old_path != change.new_path:
        parts.append(f"was {change.old_path}")
    return "; ".join(parts)


def _short(text: str, width: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


# --- JSON ----------------------------------------------------------------------


def _json_value(value: FieldValue | None) -> object:
    return list(value) if isinstance(value, tuple) else value


def _item_record(item: Item) -> dict[str, object]:
    return {"id": item.id, "kind": item.kind, "title": item.title, "path": item.source.path}


def _pair(pair: tuple[str, str] | None) -> dict[str, str] | None:
    return {"old": pair[0], "new": pair[1]} if pair is not None else None


def _changes(change: ItemChange) -> dict[str, object]:
    """What changed in an item's content, in the shape both JSON reports share."""
    return {
        "title_change": _pair(change.title_change),
        "kind_change": _pair(change.kind_change),
        "fields": [
            {"name": f.name, "old": _json_value(f.old), "new": _json_value(f.new)}
            for f in change.fields
        ],
        "links_added": [{"role": k.role, "target": k.target} for k in change.links_added],
        "links_removed": [{"role": k.role, "target": k.target} for k in change.links_removed],
    }


def change_record(change: ItemChange) -> dict[str, object]:
    """The stable JSON shape of one changed item; absent parts are ``null`` or empty."""
    return {
        "id": change.id,
        "kind": change.kind,
        "title": change.title,
        "old_path": change.old_path,
        "new_path": change.new_path,
        **_changes(change),
        "body_diff": change.body_diff or None,
    }


def diff_json(diff: ProjectDiff) -> str:
    document = {
        "project": diff.project,
        "old": diff.old_label,
        "new": diff.new_label,
        "config_changed": diff.config_changed,
        "counts": counts(diff),
        "added": [_item_record(item) for item in diff.added],
        "removed": [_item_record(item) for item in diff.removed],
        "changed": [change_record(change) for change in diff.changed],
        "moved": [{"id": m.id, "old_path": m.old_path, "new_path": m.new_path} for m in diff.moved],
        "suspect": list(diff.suspect) if diff.suspect is not None else None,
        "unreadable": list(diff.unreadable),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- Markdown -----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_BACKTICKS = re.compile(r"`+")


def _md(text: str) -> str:
    """Text for a Markdown line or table cell: punctuation escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _code(text: str) -> str:
    """Text as an inline code span that its own backticks cannot close."""
    flat = " ".join(text.split())
    ticks = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _fence(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def diff_markdown(diff: ProjectDiff) -> str:
    """Release-notes style: summary counts, then Added, Removed, Changed, Moved, Suspect."""
    total = counts(diff)
    out = [
        f"# Changes to {_md(diff.project)}",
        "",
        f"From {_code(diff.old_label)} to {_code(diff.new_label)}.",
        "",
        "| change | items |",
        "|---|---:|",
        *(f"| {name} | {number} |" for name, number in total.items()),
        "",
    ]
    if diff.config_changed:
        out += ["The configuration (`medtrace.toml`) changed.", ""]
    if not any(total.values()):
        out += ["No item changed.", ""]
    for heading, items in (("Added", diff.added), ("Removed", diff.removed)):
        if items:
            out += [f"## {heading}", ""]
            out += [
                f"- **{_md(i.id)}** ({_md(i.kind)}): {_md(i.title)} ({_code(i.source.path)})"
                for i in items
            ]
            out.append("")
    if diff.changed:
        out += ["## Changed", ""]
        for change in diff.changed:
            out += _change_markdown(change)
    if diff.moved:
        out += ["## Moved", ""]
        out += [
            f"- **{_md(m.id)}**: {_code(m.old_path)} to {_code(m.new_path)}" for m in diff.moved
        ]
        out.append("")
    if diff.suspect:
        out += ["## Newly suspect", ""]
        out += [f"- **{_md(item_id)}**" for item_id in diff.suspect]
        out.append("")
    if diff.unreadable:
        out += ["## Not compared", "", f"{UNREADABLE_NOTE}:", ""]
        out += [f"- {_code(entry)}" for entry in diff.unreadable]
        out.append("")
    return "\n".join(out)


def _change_markdown(change: ItemChange) -> list[str]:
    where = _code(change.new_path)
    if change.old_path != change.new_path:
        where += f" (moved from {_code(change.old_path)})"
    out = [f"### {_md(change.id)}: {_md(change.title)}", "", f"{_md(change.kind)} in {where}", ""]
    rows = []
    if change.kind_change:
        rows.append(("kind", *change.kind_change))
    if change.title_change:
        rows.append(("title", *change.title_change))
    rows += [(f.name, value_text(f.old), value_text(f.new)) for f in change.fields]
    if rows:
        out += ["| field | before | after |", "|---|---|---|"]
        out += [f"| {_md(name)} | {_md(old)} | {_md(new)} |" for name, old, new in rows]
        out.append("")
    for sign, links in (
        ("Links added", change.links_added),
        ("Links removed", change.links_removed),
    ):
        if links:
            shown = ", ".join(f"{_md(k.role)} {_md(k.target)}" for k in links)
            out += [f"{sign}: {shown}", ""]
    if change.body_diff:
        fence = _fence(change.body_diff)
        out += [f"{fence}diff", change.body_diff.rstrip("\n"), fence, ""]
    return out


# --- HTML -------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
pre{background:#f8f8f8;padding:.5rem;overflow-x:auto}
.add{color:#166534}.del{color:#b91c1c}.hunk{color:#6b21a8}
code,.id{white-space:nowrap}
@media print{body{margin:0}}
"""


def diff_html(diff: ProjectDiff) -> str:
    """A standalone, printable page; every text from the project is escaped."""
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Changes: {esc(diff.project)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Changes to {esc(diff.project)}</h1>",
        f"<p>From <code>{esc(diff.old_label)}</code> to <code>{esc(diff.new_label)}</code>.</p>",
        "<table><thead><tr><th>Change</th><th>Items</th></tr></thead><tbody>",
        *(f"<tr><td>{name}</td><td>{n}</td></tr>" for name, n in counts(diff).items()),
        "</tbody></table>",
    ]
    if diff.config_changed:
        parts.append("<p>The configuration (<code>medtrace.toml</code>) changed.</p>")
    if not any(counts(diff).values()):
        parts.append("<p>No item changed.</p>")
    for heading, items in (("Added", diff.added), ("Removed", diff.removed)):
        if items:
            parts.append(f"<h2>{heading}</h2><ul>")
            parts += [
                f'<li><b class="id">{esc(i.id)}</b> ({esc(i.kind)}): {esc(i.title)} '
                f"<code>{esc(i.source.path)}</code></li>"
                for i in items
            ]
            parts.append("</ul>")
    if diff.changed:
        parts.append("<h2>Changed</h2>")
        for change in diff.changed:
            parts += _change_html(change)
    if diff.moved:
        parts.append("<h2>Moved</h2><ul>")
        parts += [
            f'<li><b class="id">{esc(m.id)}</b>: <code>{esc(m.old_path)}</code> to '
            f"<code>{esc(m.new_path)}</code></li>"
            for m in diff.moved
        ]
        parts.append("</ul>")
    if diff.suspect:
        parts.append("<h2>Newly suspect</h2><ul>")
        parts += [f'<li class="id">{esc(item_id)}</li>' for item_id in diff.suspect]
        parts.append("</ul>")
    if diff.unreadable:
        parts.append(f"<h2>Not compared</h2><p>{esc(UNREADABLE_NOTE)}:</p><ul>")
        parts += [f"<li><code>{esc(entry)}</code></li>" for entry in diff.unreadable]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _change_html(change: ItemChange) -> list[str]:
    esc = html.escape
    where = f"<code>{esc(change.new_path)}</code>"
    if change.old_path != change.new_path:
        where += f" (moved from <code>{esc(change.old_path)}</code>)"
    out = [
        f'<h3><span class="id">{esc(change.id)}</span>: {esc(change.title)}</h3>',
        f"<p>{esc(change.kind)} in {where}</p>",
    ]
    rows = []
    if change.kind_change:
        rows.append(("kind", *change.kind_change))
    if change.title_change:
        rows.append(("title", *change.title_change))
    rows += [(f.name, value_text(f.old), value_text(f.new)) for f in change.fields]
    if rows:
        out.append("<table><thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>")
        out += [
            f"<tr><td>{esc(name)}</td><td>{esc(old)}</td><td>{esc(new)}</td></tr>"
            for name, old, new in rows
        ]
        out.append("</table>")
    for sign, links in (
        ("Links added", change.links_added),
        ("Links removed", change.links_removed),
    ):
        if links:
            shown = ", ".join(f"{esc(k.role)} <span class=id>{esc(k.target)}</span>" for k in links)
            out.append(f"<p>{sign}: {shown}</p>")
    if change.body_diff:
        lines = [_diff_line_html(line) for line in change.body_diff.rstrip("\n").split("\n")]
        out.append("<pre>" + "\n".join(lines) + "</pre>")
    return out


def _diff_line_html(line: str) -> str:
    style = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1])
    if style is None or line.startswith(("+++", "---")):
        return html.escape(line)
    return f'<span class="{style}">{html.escape(line)}</span>'


# --- history --------------------------------------------------------------------------


def history_record(entry: HistoryEntry) -> dict[str, object]:
    """The stable JSON shape of one commit of an item's history; ``change`` is ``null``
    when there is no earlier version to compare with, and says whether the body
    changed rather than how."""
    change = entry.change
    return {
        "commit": entry.commit,
        "author": entry.author,
        "date": entry.date,
        "subject": entry.subject,
        "path": entry.path,
        "event": entry.event,
        "item": entry.item_id,
        "change": None
        if change is None
        else {
            "old_path": change.old_path,
            **_changes(change),
            "body_changed": bool(change.body_diff),
        },
    }


def history_json(item_id: str, entries: Sequence[HistoryEntry]) -> str:
    lines = [json.dumps(history_record(entry), ensure_ascii=False) for entry in entries]
    body = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    head = json.dumps({"item": item_id, "commits": len(entries)}, indent=2, ensure_ascii=False)
    return head[:-2] + f',\n  "history": {body}\n}}\n'


def history_table(entries: Sequence[HistoryEntry], console: Console) -> None:
    """One row per commit, oldest first: date, commit, author, what happened, and how."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Commit", no_wrap=True)
    table.add_column("Author", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("Change", overflow="fold")
    for entry in entries:
        what = Text(entry.event, style="bold")
        detail = change_summary(entry.change) if entry.change is not None else entry.path
        what.append(f"  {detail}" if detail else "")
        what.append(f"\n{entry.subject}", style="dim")
        table.add_row(entry.date[:10], entry.commit[:10], Text(entry.author), what)
    console.print(table)

"""Findings as JSON (machine-readable, stable keys) and as a terminal table."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medtrace.model import Finding, Severity

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingsSummary:
    project: str
    items: int
    files: int
    failed: bool
    fail_on: Severity
    notes: tuple[str, ...] = ()  # what the result rests on (e.g. no git history)


def finding_record(finding: Finding) -> dict[str, object]:
    """The stable JSON shape of one finding."""
    return {
        "code": finding.code,
        "clause": finding.clause,
        "severity": finding.severity.value,
        "item": finding.item,
        "path": finding.location.path,
        "line": finding.location.line,
        "message": finding.message,
    }


def findings_json(findings: Sequence[Finding], summary: FindingsSummary) -> str:
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    head = {
        "project": summary.project,
        "items": summary.items,
        "files": summary.files,
        "fail_on": summary.fail_on.value,
        "failed": summary.failed,
        "counts": counts,
        "notes": list(summary.notes),
    }
    # One finding per line: readable, diffable, and written by json's C encoder
    # (an indented dump goes through the pure-Python one, 10x slower on large projects);
    # one encoder for all (json.dumps with options makes a new one per call).
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [encode(finding_record(f)) for f in findings]
    body = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    text = json.dumps(head, indent=2, ensure_ascii=False)
    return text[:-2] + f',\n  "findings": {body}\n}}\n'


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}
WIDTH = 80
_FILES = "Files and links"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One finding as shown, with every clause that reported the same thing."""

    clauses: tuple[str, ...]
    code: str
    where: str
    message: str


def _clause_key(number: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".")) if number else ()


def grouped(findings: Sequence[Finding]) -> list[tuple[Severity, list[tuple[str, list[_Entry]]]]]:
    """Findings by severity (errors first), then by clause (the files' own findings first),
    each group's entries in file order. A finding several clauses report alike (same rule
    name, place and message) is one entry of a group naming all of them."""
    result = []
    for severity in sorted({f.severity for f in findings}, key=lambda s: -s.rank):
        merged: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in sorted((f for f in findings if f.severity is severity), key=_order):
            name = finding.code.partition("/")[2] if finding.clause else finding.code
            merged.setdefault((name, str(finding.location), finding.message), []).append(finding)
        groups: dict[tuple[str, ...], list[_Entry]] = {}
        for (name, where, message), same in merged.items():
            clauses = tuple(sorted({f.clause for f in same if f.clause}, key=_clause_key))
            code = same[0].code if len(same) == 1 else f"62304.*/{name}"
            groups.setdefault(clauses, []).append(_Entry(clauses, code, where, message))
        ordered = sorted(groups.items(), key=lambda g: [_clause_key(c) for c in g[0]])
        result.append((severity, [(_label(clauses), entries) for clauses, entries in ordered]))
    return result


def _order(finding: Finding) -> tuple[tuple[int, ...], tuple[str, int, str, str, str]]:
    return (_clause_key(finding.clause), finding.sort_key())


def _label(clauses: tuple[str, ...]) -> str:
    if not clauses:
        return _FILES
    if len(clauses) == 1:
        from medtrace.standard import clause  # the titles, only when there is something to show

        return f"{clauses[0]} {clause(clauses[0]).title}"
    return ", ".join(clauses)


def findings_lines(findings: Sequence[Finding]) -> list[tuple[str, str]]:
    """The grouped view as lines of at most 80 columns, each with its style."""
    lines: list[tuple[str, str]] = []
    for severity, groups in grouped(findings):
        count = sum(_count(entries) for _, entries in groups)
        lines.append((f"{_HEADING[severity]} ({count})", _STYLE[severity]))
        for label, entries in groups:
            codes = list(dict.fromkeys(e.code for e in entries))
            shown = codes[0] if len(codes) == 1 else ""
            lines.append((_header(label, _count(entries), shown), "bold"))
            for entry in entries:
                text = f"{entry.where}  {entry.message}"
                if not shown:  # several rules: each entry says which
                    text += f"  [{entry.code.rpartition('/')[2]}]"
                wrapped = terminal_lines(text, indent="    ", subsequent="      ")
                lines.extend((line, "") for line in wrapped)
    return lines


def _count(entries: Sequence[_Entry]) -> int:
    """How many findings the entries stand for (one per clause that reported each)."""
    return sum(max(len(entry.clauses), 1) for entry in entries)


def _header(label: str, count: int, codes: str) -> str:
    """``  5.1.4 Software development standards... (1)  plan-section-missing``, the title
    shortened to keep within 80 columns."""
    tail = f" ({count})  {codes}" if codes else f" ({count})"
    room = WIDTH - 2 - len(tail)
    if len(label) > room:
        label = label[: max(room - 3, 12)].rstrip(" ,") + "..."
    line = f"  {label}{tail}"
    return line if len(line) <= WIDTH else line[: WIDTH - 3] + "..."


def findings_table(findings: Sequence[Finding], console: Console) -> None:
    """Print findings grouped by severity (errors first) and clause, with counts, at 80
    columns: each finding's place (file and line) and message."""
    from rich.text import Text  # rich is imported only when there is something to show

    for text, style in findings_lines(findings):
        console.print(Text(text, style=style), soft_wrap=True)


def summary_line(
    findings: Sequence[Finding], summary: FindingsSummary, shown: int | None = None
) -> str:
    """The project, its size, and the counts of all findings by severity (and how many of
    them a ``--severity`` filter left out, when ``shown`` says fewer were shown)."""
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    verdict = "FAILED" if summary.failed else "passed"
    hidden = len(findings) - shown if shown is not None else 0
    notes = "".join(
        "\n" + textwrap.fill(f"history: {note}", width=WIDTH, subsequent_indent="  ")
        for note in summary.notes
    )
    verdict_line = (
        f"check {verdict}: {_plural(counts[Severity.ERROR], 'error')}, "
        f"{_plural(counts[Severity.WARNING], 'warning')}, "
        f"{_plural(counts[Severity.INFO], 'note')}"
        + (f" ({hidden} below --severity not shown)" if hidden else "")
    )
    return (
        f"{summary.project}: {summary.items} items in {summary.files} files\n"
        + textwrap.fill(verdict_line, width=WIDTH, subsequent_indent="  ")
        + notes
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def terminal_lines(text: str, *, indent: str = "", subsequent: str = "    ") -> list[str]:
    """``text`` in lines of at most :data:`WIDTH` columns; a path or an id is never split
    (people copy them whole)."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )

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
    # (an indented dump goes through the pure-Python one, 10x slower on large projects).
    lines = [json.dumps(finding_record(f), ensure_ascii=False) for f in findings]
    body = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    text = json.dumps(head, indent=2, ensure_ascii=False)
    return text[:-2] + f',\n  "findings": {body}\n}}\n'


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def findings_table(findings: Sequence[Finding], console: Console) -> None:
    """Print findings as a table that reads at 80 columns.

    Item and severity in narrow columns; the message, then where it is and its
    code (and clause) on a second line, so long paths never split.
    """
    from rich.table import Table  # rich is imported only when there is something to show
    from rich.text import Text

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("Item", no_wrap=True, max_width=16, overflow="ellipsis")
    table.add_column("Severity", no_wrap=True)
    table.add_column("Finding", overflow="fold")
    for finding in findings:
        what = Text(finding.message)
        what.append(f"\n{finding.location}  {finding.code}", style="dim")
        if finding.clause:
            what.append(f"  IEC 62304 {finding.clause}", style="dim")
        table.add_row(
            finding.item or "-",
            Text(finding.severity.value, style=_STYLE[finding.severity]),
            what,
        )
    console.print(table)


def summary_line(findings: Sequence[Finding], summary: FindingsSummary) -> str:
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    verdict = "FAILED" if summary.failed else "passed"
    notes = "".join(
        "\n" + textwrap.fill(f"history: {note}", width=80, subsequent_indent="  ")
        for note in summary.notes
    )
    return (
        f"{summary.project}: {summary.items} items in {summary.files} files\n"
        f"check {verdict}: {_plural(counts[Severity.ERROR], 'error')}, "
        f"{_plural(counts[Severity.WARNING], 'warning')}, "
        f"{_plural(counts[Severity.INFO], 'note')}{notes}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"

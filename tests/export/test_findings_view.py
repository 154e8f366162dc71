"""The grouped terminal view of findings (``medtrace check``'s text output)."""

from __future__ import annotations

from medtrace.export.findings import findings_lines
from medtrace.model import Finding, Severity, SourceLocation


def test_a_long_path_with_hyphens_is_never_split_across_lines() -> None:
    where = "soup/advisories/GHSA-abcd-efgh-ijkl-reported-by-the-upstream-project-in-march.json"
    message = "the record is not valid OSV: 'affected' must be a list"
    finding = Finding(
        code="osv/unreadable",
        severity=Severity.ERROR,
        message=message,
        location=SourceLocation(path=where),
    )
    lines = [text for text, _ in findings_lines([finding])]
    assert lines[0] == "Errors (1)"
    assert any(where in line for line in lines), lines  # whole, so it can be copied
    words = message.split()
    shown = " ".join(line.strip() for line in lines[2:]).split()
    assert shown[1:] == words
    assert all(len(line) <= 80 for line in lines[2:] if where not in line)

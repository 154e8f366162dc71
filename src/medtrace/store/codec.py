"""Encode a :class:`ParsedFile` (and findings alone) as compact bytes for the cache.

``marshal`` of plain tuples: fast to read back, and only ever read from a
cache this same version of medtrace wrote (the version is part of the key).
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from typing import Any

from medtrace.model import Finding, Item, Link, ParsedFile, Severity, SourceLocation

FORMAT = 5  # 5: each parse result keeps its item's own fingerprint

_SEVERITIES = {severity.value: severity for severity in Severity}


def encode(parsed: ParsedFile) -> bytes:
    item = parsed.item
    item_row: tuple[Any, ...] | None = None
    if item is not None:
        item_row = (
            item.id,
            item.kind,
            item.title,
            item.source.line,
            item.body,
            item.body_line,
            item.fields,
            tuple((link.role, link.target, link.line) for link in item.links),
        )
    row: tuple[Any, ...] = (
        item_row,
        _finding_rows(parsed.findings),
        parsed.is_item,
        parsed.fingerprint,
    )
    return marshal.dumps(row)


def encode_findings(findings: Sequence[Finding]) -> bytes | None:
    return marshal.dumps(_finding_rows(findings)) if findings else None


def decode(blob: bytes, path: str) -> ParsedFile:
    item_row, finding_rows, is_item, fingerprint = marshal.loads(blob)
    item = None
    if item_row is not None:
        item_id, kind, title, line, body, body_line, fields, links = item_row
        item = Item(
            id=item_id,
            kind=kind,
            title=title,
            source=SourceLocation(path=path, line=line),
            body=body,
            body_line=body_line,
            fields=fields,
            links=tuple(Link(role=r, target=t, line=ln) for r, t, ln in links),
        )
    return ParsedFile(
        item=item,
        findings=_findings(finding_rows, path),
        is_item=is_item,
        fingerprint=fingerprint,
    )


def decode_findings(blob: bytes, path: str) -> tuple[Finding, ...]:
    return _findings(marshal.loads(blob), path)


def encode_located(findings: Sequence[Finding]) -> bytes:
    """Findings from many files (each row keeps its path)."""
    rows = tuple(
        (f.location.path, *row) for f, row in zip(findings, _finding_rows(findings), strict=True)
    )
    return marshal.dumps(rows)


def decode_located(blob: bytes) -> tuple[Finding, ...]:
    return tuple(
        finding for path, *row in marshal.loads(blob) for finding in _findings((tuple(row),), path)
    )


def _finding_rows(findings: Sequence[Finding]) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        (f.code, f.severity.value, f.message, f.location.line, f.item, f.clause) for f in findings
    )


def _findings(rows: tuple[tuple[Any, ...], ...], path: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            code=code,
            severity=_SEVERITIES[severity],
            message=message,
            location=SourceLocation(path=path, line=line),
            item=item_id,
            clause=clause,
        )
        for code, severity, message, line, item_id, clause in rows
    )

"""Renderers: model and findings -> text, JSON and (later) documents."""

from medtrace.export.findings import (
    FindingsSummary,
    finding_record,
    findings_json,
    findings_table,
    summary_line,
)

__all__ = [
    "FindingsSummary",
    "finding_record",
    "findings_json",
    "findings_table",
    "summary_line",
]

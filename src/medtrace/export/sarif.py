"""Findings as SARIF 2.1.0, for the code-scanning views of CI systems."""

from __future__ import annotations

import json
from collections.abc import Sequence

from medtrace import __version__
from medtrace.model import Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def findings_sarif(
    findings: Sequence[Finding], summaries: dict[str, str], *, path_prefix: str = ""
) -> str:
    """One run of the tool ``medtrace``; ``path_prefix`` makes paths relative to the
    repository root when the project lives in a subfolder of it."""
    codes = sorted({finding.code for finding in findings})
    rules = [
        {
            "id": code,
            "shortDescription": {"text": summaries.get(code, code)},
            "properties": {"tags": ["iec62304"] if code.startswith("62304.") else ["structure"]},
        }
        for code in codes
    ]
    results = [_result(finding, codes.index(finding.code), path_prefix) for finding in findings]
    document = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "medtrace",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, rule_index: int, prefix: str) -> dict[str, object]:
    region = {"startLine": finding.location.line} if finding.location.line else None
    physical: dict[str, object] = {
        "artifactLocation": {"uri": prefix + finding.location.path, "uriBaseId": "%SRCROOT%"}
    }
    if region is not None:
        physical["region"] = region
    result: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
    }
    properties = {k: v for k, v in (("item", finding.item), ("clause", finding.clause)) if v}
    if properties:
        result["properties"] = properties
    return result

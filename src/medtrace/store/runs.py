"""Imported test runs as plain JSON files in the project (``verification/runs/``).

One file per import, never rewritten: a later import of the same revision is a
new file. JSON with one result per line diffs and reviews well in git.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.results import (
    Outcome,
    ReportFile,
    ResultRun,
    TestResult,
    Totals,
)
from medtrace.store.containment import is_inside
from medtrace.store.files import write_new

FORMAT = 2  # 2: runs record what they covered (fingerprints) and uncommitted files
_READABLE = frozenset({1, FORMAT})


def encode_run(run: ResultRun) -> bytes:
    head = {
        "format": FORMAT,
        "revision": run.revision,
        "commit": run.commit,
        "imported": run.imported,
        "environment": run.environment,
        "uncommitted": list(run.uncommitted),
        "covers": dict(run.covers),
        "totals": asdict(run.totals),
        "reports": [
            {
                "path": report.path,
                "sha256": report.sha256,
                "format": report.format,
                "totals": asdict(report.totals),
                "declared": asdict(report.declared) if report.declared else None,
            }
            for report in run.reports
        ],
    }
    lines = [json.dumps(_result(result), ensure_ascii=False) for result in run.results]
    body = "[\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "[]"
    text = json.dumps(head, indent=2, ensure_ascii=False)
    return (text[:-2] + f',\n  "results": {body}\n}}\n').encode("utf-8")


def decode_run(data: bytes) -> ResultRun:
    """A run file back; raises ``ValueError`` (or ``KeyError``) when it is not one."""
    raw: dict[str, Any] = json.loads(data.decode("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"a run is a JSON object, not {type(raw).__name__}")
    if raw.get("format") not in _READABLE:
        raise ValueError(f"unknown run format {raw.get('format')!r}")
    return ResultRun(
        revision=str(raw["revision"]),
        commit=raw.get("commit"),
        imported=str(raw["imported"]),
        environment=str(raw.get("environment", "")),
        reports=tuple(
            ReportFile(
                path=str(r["path"]),
                sha256=str(r["sha256"]),
                format=r["format"],
                totals=Totals(**r["totals"]),
                declared=Totals(**r["declared"]) if r.get("declared") else None,
            )
            for r in raw["reports"]
        ),
        results=tuple(_test_result(entry) for entry in raw["results"]),
        covers=tuple(sorted((str(k), str(v)) for k, v in raw.get("covers", {}).items())),
        uncommitted=tuple(str(path) for path in raw.get("uncommitted", ())),
    )


def save_run(folder: Path, stem: str, run: ResultRun) -> Path:
    """Write ``run`` as a new file in ``folder``; never overwrites an existing one."""
    path = folder / f"{stem}.json"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.json"
    write_new(path, encode_run(run))
    return path


def _result(result: TestResult) -> dict[str, object]:
    # Built by hand: dataclasses.asdict deep-copies every value, and a run may hold 100,000.
    data: dict[str, object] = {
        "suite": result.suite,
        "classname": result.classname,
        "name": result.name,
        "test_id": result.test_id,
        "outcome": result.outcome.value,
        "duration": result.duration,
        "message": result.message,
        "details": result.details,
        "properties": result.properties,
        "attachments": result.attachments,
        "requirements": result.requirements,
        "line": result.line,
    }
    return {key: value for key, value in data.items() if value not in ("", (), None)}


def _test_result(entry: dict[str, Any]) -> TestResult:
    return TestResult(
        suite=str(entry.get("suite", "")),
        classname=str(entry.get("classname", "")),
        name=str(entry.get("name", "")),
        test_id=str(entry.get("test_id", "")),
        outcome=Outcome(entry["outcome"]),
        duration=entry.get("duration"),
        message=str(entry.get("message", "")),
        details=str(entry.get("details", "")),
        properties=tuple((str(k), str(v)) for k, v in entry.get("properties", ())),
        attachments=tuple(entry.get("attachments", ())),
        requirements=tuple(entry.get("requirements", ())),
        line=entry.get("line"),
    )


def run_files(folder: Path) -> list[Path]:
    """The run files in ``folder``, oldest name first (names start with the import time)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix == ".json")


def load_runs(root: Path, folder: Path) -> tuple[tuple[ResultRun, ...], tuple[Finding, ...]]:
    """Every readable run in ``folder``; a finding for each file that is not a run."""
    runs: list[ResultRun] = []
    findings: list[Finding] = []
    for path in run_files(folder):
        if not is_inside(root, path):
            findings.append(
                Finding(
                    code="results/outside-project",
                    severity=Severity.ERROR,
                    message="a link to a file outside the project; not read",
                    location=SourceLocation(path=path.relative_to(root).as_posix()),
                )
            )
            continue
        try:
            runs.append(decode_run(path.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            findings.append(
                Finding(
                    code="results/run-invalid",
                    severity=Severity.ERROR,
                    message=f"not a medtrace test run ({type(error).__name__}: {error})"[:200],
                    location=SourceLocation(path=path.relative_to(root).as_posix()),
                )
            )
    return tuple(runs), tuple(findings)

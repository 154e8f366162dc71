"""Read a performance evaluation's metrics from medtrace's evaluation JSON
(docs/format.md, AI/ML-enabled software).

Pure: bytes in, an :class:`EvaluationReport` and findings out. The schema::

    {"medtrace-evaluation": 1,
     "evaluation": "PEV-001", "model": "MDL-001", "model-version": "1.1",
     "artefact-hash": "sha256:...", "test-data": ["DS-002"],
     "metrics": {"sensitivity": {"value": 0.91, "ci": [0.88, 0.94]}},
     "subgroups": {"age 65+": {"sensitivity": {"value": 0.88, "ci": [0.83, 0.92]}}}}

``artefact-hash``, ``test-data``, ``ci`` and ``subgroups`` may be left out. An MLflow run
export is read too (:mod:`medtrace.ingest.mlflow_run`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from medtrace.ingest.mlflow_run import TAG, as_evaluation, is_mlflow_run
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.ai import Metric, metric_key

MARKER = "medtrace-evaluation"
INVALID = "results/evaluation-invalid"


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationReport:
    path: str
    evaluation: str
    model: str
    model_version: str
    artefact_hash: str = ""
    test_data: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()


class _InvalidError(Exception):
    pass


def is_evaluation(data: bytes) -> bool:
    """Does ``data`` look like medtrace's evaluation JSON or an MLflow run tagged with the
    evaluation it is (and so not a test report)?"""
    markers = (MARKER.encode(), f'"{TAG}"'.encode())
    return data.lstrip()[:1] == b"{" and any(marker in data for marker in markers)


def parse_evaluation(data: bytes, path: str) -> tuple[EvaluationReport | None, tuple[Finding, ...]]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        return None, (_finding(path, f"not JSON: {error}", line),)
    try:
        if is_mlflow_run(document):
            document = as_evaluation(document)
        return _report(document, path), ()
    except _InvalidError as error:
        return None, (_finding(path, str(error), None),)


def _finding(path: str, message: str, line: int | None) -> Finding:
    return Finding(
        code=INVALID,
        severity=Severity.ERROR,
        message=message,
        location=SourceLocation(path=path, line=line),
    )


def _report(document: object, path: str) -> EvaluationReport:
    if not isinstance(document, dict) or document.get(MARKER) != 1:
        raise _InvalidError(f'not a medtrace evaluation: "{MARKER}": 1 is missing')
    metrics = list(_metrics(document.get("metrics"), None))
    subgroups = document.get("subgroups", {})
    if not isinstance(subgroups, dict):
        raise _InvalidError('"subgroups" must map each subgroup to its metrics')
    for name, values in sorted(subgroups.items()):
        metrics += _metrics(values, str(name))
    test_data = document.get("test-data", [])
    if not isinstance(test_data, list) or not all(isinstance(t, str) for t in test_data):
        raise _InvalidError('"test-data" must be a list of data set ids')
    return EvaluationReport(
        path=path,
        evaluation=_text(document, "evaluation"),
        model=_text(document, "model"),
        model_version=_text(document, "model-version"),
        artefact_hash=str(document.get("artefact-hash") or ""),
        test_data=tuple(test_data),
        metrics=tuple(metrics),
    )


def _text(document: dict[str, object], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _InvalidError(f'"{key}" must be a non-empty string')
    return value.strip()


def _metrics(values: object, subgroup: str | None) -> list[Metric]:
    where = f'"subgroups" "{subgroup}"' if subgroup else '"metrics"'
    if not isinstance(values, dict) or not values:
        raise _InvalidError(f"{where} must map metric names to results")
    found = []
    for name, result in sorted(values.items()):
        if not isinstance(result, dict) or not _number(result.get("value")):
            raise _InvalidError(f'{where} "{name}" needs a numeric "value"')
        interval = result.get("ci")
        if interval is not None and not (
            isinstance(interval, list) and len(interval) == 2 and all(map(_number, interval))
        ):
            raise _InvalidError(f'{where} "{name}": "ci" must be [low, high]')
        low, high = (float(interval[0]), float(interval[1])) if interval else (None, None)
        found.append(
            Metric(
                name=metric_key(str(name)),
                value=float(result["value"]),
                low=low,
                high=high,
                subgroup=subgroup,
            )
        )
    return found


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

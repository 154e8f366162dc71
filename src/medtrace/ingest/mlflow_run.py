"""An MLflow run, as ``mlflow runs describe --run-id ID`` prints it, read as medtrace's
evaluation JSON (:mod:`medtrace.ingest.evaluation`).

The run says which evaluation and model it is with tags: ``medtrace.evaluation``,
``medtrace.model``, ``medtrace.model-version`` (required), ``medtrace.artefact-hash`` and
``medtrace.test-data`` (data set ids, comma-separated). Its metrics are the results:
``NAME`` overall, ``SUBGROUP/NAME`` in a subgroup, and ``NAME.ci_low`` / ``NAME.ci_high``
(either form) the bounds of the 95 % interval.
"""

from __future__ import annotations

TAG = "medtrace.evaluation"
_LOW, _HIGH = ".ci_low", ".ci_high"


def is_mlflow_run(document: object) -> bool:
    if not isinstance(document, dict):
        return False
    data = document.get("data")
    return isinstance(data, dict) and isinstance(data.get("tags"), dict) and TAG in data["tags"]


def as_evaluation(document: dict[str, object]) -> dict[str, object]:
    """The run as an evaluation document (what it lacks, the evaluation reader names)."""
    data = document["data"]
    assert isinstance(data, dict)
    tags = {str(k): str(v) for k, v in data["tags"].items()}
    metrics = data.get("metrics", {})
    results: dict[str, dict[str, dict[str, object]]] = {}
    for key, value in sorted(metrics.items()) if isinstance(metrics, dict) else ():
        name = str(key)
        bound = "low" if name.endswith(_LOW) else "high" if name.endswith(_HIGH) else ""
        name = name.removesuffix(_LOW).removesuffix(_HIGH)
        subgroup, _, metric = name.rpartition("/")
        entry = results.setdefault(subgroup, {}).setdefault(metric, {})
        if bound:
            entry.setdefault("ci", [None, None])
            interval = entry["ci"]
            assert isinstance(interval, list)
            interval[0 if bound == "low" else 1] = value
        else:
            entry["value"] = value
    test_data = [d.strip() for d in tags.get("medtrace.test-data", "").split(",") if d.strip()]
    return {
        "medtrace-evaluation": 1,
        "evaluation": tags.get(TAG, ""),
        "model": tags.get("medtrace.model", ""),
        "model-version": tags.get("medtrace.model-version", ""),
        "artefact-hash": tags.get("medtrace.artefact-hash", ""),
        "test-data": test_data,
        "metrics": results.pop("", {}),
        "subgroups": results,
    }

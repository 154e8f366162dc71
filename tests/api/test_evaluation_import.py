"""`results import` of a performance evaluation's metrics: written into its item, bound to
the model's artefact, and judged by the rules as if written by hand."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.evaluations import import_evaluation
from medtrace.cli.main import cli
from medtrace.errors import ProjectError
from medtrace.ingest.evaluation import parse_evaluation

CASE = Path(__file__).parents[1] / "conformance" / "5.7.1-model-not-evaluated" / "fires"
NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ARTEFACT = "sha256:" + "3" * 64


def _metrics(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "medtrace-evaluation": 1,
        "evaluation": "PEV-001",
        "model": "MDL-001",
        "model-version": "1.0",
        "artefact-hash": ARTEFACT,
        "test-data": ["DS-002"],
        "metrics": {"sensitivity": {"value": 0.9, "ci": [0.87, 0.93]}},
        "subgroups": {
            "age 65+": {"sensitivity": {"value": 0.86, "ci": [0.8, 0.91]}},
            "age under 65": {"sensitivity": {"value": 0.92}},
        },
    }
    document.update(changes)
    return document


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(CASE, root)
    return root


def _codes(root: Path) -> set[str]:
    return {f.code for f in check_project(root, NO_CACHE).findings}


def _file(root: Path, document: dict[str, object]) -> Path:
    path = root.parent / "metrics.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_the_metrics_of_the_shipped_version_verify_its_requirement(project: Path) -> None:
    assert "62304.5.7.1/model-not-evaluated" in _codes(project)
    _, item = import_evaluation(project, _file(project, _metrics()), revision="v1.0", now=NOW)
    assert item == project / "items" / "PEV-001.md"
    text = item.read_text("utf-8")
    assert 'metrics: ["sensitivity = 0.9 [0.87, 0.93]"]' in text
    assert '"age 65+ / sensitivity = 0.86 [0.8, 0.91]"' in text
    assert 'model-version: "1.0"' in text and "date: 2026-03-02" in text
    assert 'commit: "v1.0"' in text  # outside git: the label as given
    assert "outcome: passed" in text  # the person's judgement stays
    codes = _codes(project)
    assert not codes & {
        "62304.5.7.1/model-not-evaluated",
        "62304.5.7.1/evaluation-criterion-missed",
        "62304.5.7.1/subgroup-results-missing",
    }


def test_a_subgroup_below_its_criterion_is_found_after_import(project: Path) -> None:
    low = _metrics(
        subgroups={
            "age 65+": {"sensitivity": {"value": 0.8}},
            "age under 65": {"sensitivity": {"value": 0.9}},
        }
    )
    import_evaluation(project, _file(project, low), revision="v1.0", now=NOW)
    assert "62304.5.7.1/evaluation-criterion-missed" in _codes(project)


def test_metrics_of_another_artefact_are_refused_and_nothing_is_written(project: Path) -> None:
    before = (project / "items" / "PEV-001.md").read_bytes()
    other = _file(project, _metrics(**{"artefact-hash": "sha256:" + "4" * 64}))
    with pytest.raises(ProjectError, match="ships sha256:3333"):
        import_evaluation(project, other, revision="v1.0", now=NOW)
    assert (project / "items" / "PEV-001.md").read_bytes() == before


def test_a_malformed_file_is_one_line_and_exit_2(project: Path) -> None:
    bad = _file(project, _metrics(metrics={"sensitivity": {"value": "high"}}))
    result = CliRunner().invoke(
        cli, ["results", "import", str(bad), "--revision", "v1", "--path", str(project)]
    )
    assert result.exit_code == 2
    assert 'numeric "value"' in result.output and len(result.output.strip().splitlines()) == 1


def test_the_parser_reads_each_part_and_names_what_is_wrong() -> None:
    parsed, findings = parse_evaluation(json.dumps(_metrics()).encode(), "m.json")
    assert findings == () and parsed is not None
    assert [str(m) for m in parsed.metrics] == [
        "sensitivity = 0.9 [0.87, 0.93]",
        "age 65+ / sensitivity = 0.86 [0.8, 0.91]",
        "age under 65 / sensitivity = 0.92",
    ]
    for broken, why in (
        (b"{", "not JSON"),
        (b'{"medtrace-evaluation": 2}', "is missing"),
        (json.dumps(_metrics(model="")).encode(), '"model" must be'),
        (json.dumps(_metrics(subgroups=[])).encode(), '"subgroups" must map'),
    ):
        none, (finding,) = parse_evaluation(broken, "m.json")
        assert (
            none is None and why in finding.message and finding.code == "results/evaluation-invalid"
        )


MLFLOW_RUN = {
    "info": {"run_id": "4f2c", "experiment_id": "1", "status": "FINISHED"},
    "data": {
        "metrics": {
            "sensitivity": 0.9,
            "sensitivity.ci_low": 0.87,
            "sensitivity.ci_high": 0.93,
            "age 65+/sensitivity": 0.86,
            "age under 65/sensitivity": 0.92,
        },
        "params": {"learning_rate": "0.05"},
        "tags": {
            "medtrace.evaluation": "PEV-001",
            "medtrace.model": "MDL-001",
            "medtrace.model-version": "1.0",
            "medtrace.test-data": "DS-002",
            "mlflow.runName": "eval-1.0",
        },
    },
}


def test_an_mlflow_run_export_is_read_as_the_same_evaluation(project: Path) -> None:
    path = _file(project, MLFLOW_RUN)
    result = CliRunner().invoke(
        cli, ["results", "import", str(path), "--revision", "v1.0", "--path", str(project)]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 3 metrics of MDL-001 1.0" in result.output
    text = (project / "items" / "PEV-001.md").read_text("utf-8")
    assert 'metrics: ["sensitivity = 0.9 [0.87, 0.93]"]' in text
    assert '"age 65+ / sensitivity = 0.86", "age under 65 / sensitivity = 0.92"' in text
    assert "62304.5.7.1/model-not-evaluated" not in _codes(project)


def test_an_mlflow_run_without_the_model_tag_names_it() -> None:
    tags = dict(MLFLOW_RUN["data"]["tags"])
    del tags["medtrace.model"]
    run = {"data": {"metrics": {"sensitivity": 0.9}, "tags": tags}}
    none, (finding,) = parse_evaluation(json.dumps(run).encode(), "run.json")
    assert none is None and '"model" must be' in finding.message

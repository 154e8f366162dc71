"""The AI/ML rules at every class, and the one-line metric and criterion forms they read.

The conformance corpus (tests/conformance/*) holds a firing and a passing project per
rule at class C; tests/standard/test_scaling.py moves the firing ones to every class
(the clauses 5.1.1, 5.7.1, 8.1.1 and 8.2.1 apply at A, B and C).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.graph import TraceGraph
from medtrace.model import SafetyClass
from medtrace.model.ai import parse_criterion, parse_metric
from medtrace.standard.classes import compute_classes
from tests.standard.test_scaling import at_class

CORPUS = Path(__file__).parents[1] / "conformance"
NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
CASES = {
    "5.1.1-ai-lifecycle-not-planned": "62304.5.1.1/ai-lifecycle-not-planned",
    "8.1.1-data-set-provenance-missing": "62304.8.1.1/data-set-provenance-missing",
    "8.1.1-model-training-record-missing": "62304.8.1.1/model-training-record-missing",
    "5.7.1-test-data-not-independent": "62304.5.7.1/test-data-not-independent",
    "5.7.1-model-not-evaluated": "62304.5.7.1/model-not-evaluated",
    "5.7.1-evaluation-criterion-missed": "62304.5.7.1/evaluation-criterion-missed",
    "5.7.1-subgroup-results-missing": "62304.5.7.1/subgroup-results-missing",
    "8.2.1-model-change-outside-pccp": "62304.8.2.1/model-change-outside-pccp",
    "8.2.1-pccp-incomplete": "62304.8.2.1/pccp-incomplete",
}


@pytest.mark.parametrize("target", list(SafetyClass), ids=lambda c: c.value)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_satisfying_project_stays_clean_at_every_class(
    name: str, target: SafetyClass, tmp_path: Path
) -> None:
    """test_scaling shows each rule fires at every class; its satisfying project is
    quiet at each of them too."""
    root = tmp_path / "p"
    shutil.copytree(CORPUS / name / "passes", root)
    at_class(root, target)
    loaded = load_project(root, NO_CACHE.load)
    assert compute_classes(TraceGraph(loaded.items, loaded.config.schema)).project is target
    report = check_project(root, NO_CACHE)
    assert CASES[name] not in {f.code for f in report.findings}


def test_a_metric_reads_its_value_interval_and_subgroup() -> None:
    overall = parse_metric("Sensitivity = 0.93 [0.90, 0.95]")
    assert overall is not None
    assert (overall.name, overall.value, overall.low, overall.high) == (
        "sensitivity",
        0.93,
        0.9,
        0.95,
    )
    grouped = parse_metric("age 65+ / MARD % = 9.5", subgroup=True)
    assert grouped is not None
    assert (grouped.subgroup, grouped.name, grouped.low) == ("age 65+", "mard %", None)


def test_an_entry_of_the_wrong_form_is_not_read() -> None:
    assert parse_metric("age 65+ / sensitivity = 0.9") is None  # a subgroup where none belongs
    assert parse_metric("sensitivity = 0.9", subgroup=True) is None
    assert parse_metric("sensitivity is high") is None
    assert parse_criterion("sensitivity about 0.9") is None


def test_a_criterion_compares_both_ways() -> None:
    at_least = parse_criterion("sensitivity >= 0.90")
    at_most = parse_criterion("mard < 10")
    metric = parse_metric("sensitivity = 0.90")
    mard = parse_metric("mard = 10")
    assert at_least is not None and at_most is not None and metric is not None and mard is not None
    assert at_least.met_by(metric)
    assert not at_most.met_by(mard)


def test_a_development_plan_that_serves_maintenance_too_plans_the_ai_life_cycle(
    tmp_path: Path,
) -> None:
    root = tmp_path / "p"
    shutil.copytree(CORPUS / "5.1.1-ai-lifecycle-not-planned" / "passes", root)
    plan = root / "items" / "PLAN-001.md"
    text = plan.read_text("utf-8")
    plan.write_text(
        text.replace("plan-type: development", "plan-type: [development, maintenance]"), "utf-8"
    )
    codes = {f.code for f in check_project(root, NO_CACHE).findings}
    assert CASES["5.1.1-ai-lifecycle-not-planned"] not in codes

"""The example's risk management file: every situation's residual risk is verified by the
example's own tests; a control that loses its tests leaves its situations unverified."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.api.results import import_results
from medtrace.api.risk import risk_report
from medtrace.cli.context import Context
from medtrace.cli.risk import risk
from medtrace.graph import TraceGraph, verification
from medtrace.graph.risk import ChainStatus, ControlChain, Residual, RiskFile
from medtrace.graph.verification import ResultIndex
from medtrace.model.results import RUNS_FOLDER, Outcome
from medtrace.standard.engine import VERIFIED_KINDS
from medtrace.store.runs import load_runs

NO_CACHE = LoadOptions(use_cache=False)


def import_suite(example: Path, report: Path) -> None:
    now = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)
    run, _, _ = import_results(example, [report], revision="v1.2.0", now=now)
    assert run.totals.failures == 0 and run.totals.tests >= 70


def situation_ids(example: Path) -> list[str]:
    return sorted(path.stem for path in (example / "risk" / "situations").glob("*.md"))


def test_every_residual_risk_is_verified_by_passing_tests(
    example: Path, example_report: Path
) -> None:
    import_suite(example, example_report)
    name, report = risk_report(example, revision="v1.2.0", options=NO_CACHE)
    assert name == "InsuPump controller software"
    assert [entry.situation.id for entry in report.situations] == situation_ids(example)
    assert {entry.residual for entry in report.situations} == {Residual.VERIFIED}
    assert report.open == ()
    software = [chain for chain in report.controls if chain.in_software]
    assert software
    for chain in software:
        assert chain.status is ChainStatus.VERIFIED, chain.control.id
        outcomes = [e.outcome for link in chain.links for e in link.evidence]
        assert outcomes and set(outcomes) == {Outcome.PASSED}, chain.control.id
    show_in_each_format(example)


def show_in_each_format(example: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(risk, ["--path", str(example)], obj=Context(), env={"COLUMNS": "80"})
    assert text.exit_code == 0, text.output
    assert "Open risks: none" in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()[:-1]) <= 80
    data = runner.invoke(risk, ["--path", str(example), "--format", "json"], obj=Context())
    document = json.loads(data.stdout)
    assert [s["id"] for s in document["situations"]] == situation_ids(example)
    assert document["summary"]["open"] == 0
    again = runner.invoke(risk, ["--path", str(example), "--format", "json"], obj=Context())
    assert again.stdout == data.stdout
    page = runner.invoke(risk, ["--path", str(example), "--format", "html"], obj=Context()).stdout
    targets = set(re.findall(r'href="#([^"]+)"', page))
    anchors = set(re.findall(r' id="([^"]+)"', page))
    assert targets and targets <= anchors, sorted(targets - anchors)
    assert len(re.findall(r'<table class="grid">', page)) == 2


def example_graph(example: Path) -> TraceGraph:
    project = load_project(example, NO_CACHE)
    return TraceGraph(project.items, project.config.schema)


def control_verified_only_by_test_items(example: Path, report: RiskFile) -> ControlChain:
    """A software control whose evidence all comes from test-case items (no result names
    the control or its requirements itself), so deleting those files removes it."""
    graph = example_graph(example)
    runs, _ = load_runs(example, example / RUNS_FOLDER)
    known = [item.id for kind in VERIFIED_KINDS for item in graph.of_kind(kind)]
    index = ResultIndex.build(runs, known)
    for chain in report.controls:
        ids = [link.requirement.id for link in chain.links]
        tests = {e.test for link in chain.links for e in link.evidence}
        from_items = all(
            (found := graph.get(test)) is not None and found.kind == "test-case" for test in tests
        )
        if chain.in_software and tests and from_items and not any(index.named.get(i) for i in ids):
            return chain
    raise AssertionError("no control is verified only through test-case items")


def test_a_control_whose_tests_are_deleted_is_unverified(
    example: Path, example_report: Path
) -> None:
    import_suite(example, example_report)
    _, report = risk_report(example, options=NO_CACHE)
    chain = control_verified_only_by_test_items(example, report)
    graph = example_graph(example)
    files = {
        test.source.path
        for link in chain.links
        for test in verification.tests_of(graph, link.requirement)
    }
    assert files
    for path in files:
        (example / path).unlink()
    _, after = risk_report(example, options=NO_CACHE)
    changed = next(c for c in after.controls if c.control.id == chain.control.id)
    assert changed.status is ChainStatus.NOT_VERIFIED
    mitigated = [e for e in after.situations if chain.control.id in _controls(e.controls)]
    assert mitigated
    for entry in mitigated:
        assert entry.residual is Residual.UNVERIFIED
        assert f"{chain.control.id} not verified" in entry.open
    result = CliRunner().invoke(risk, ["--path", str(example)], obj=Context())
    assert result.exit_code == 1
    findings = check_project(example, CheckOptions(load=NO_CACHE)).findings
    assert any(f.clause == "7.3.1" and f.item == chain.control.id for f in findings)


def _controls(chains: tuple[ControlChain, ...]) -> set[str]:
    return {chain.control.id for chain in chains}

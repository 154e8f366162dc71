"""The risk management file: each hazardous situation's risk and its controls' verification."""

from __future__ import annotations

from pathlib import Path

from medtrace.api.load import LoadOptions, load_project
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.risk import RiskFile, risk_file
from medtrace.graph.verification import ResultIndex
from medtrace.model.results import RUNS_FOLDER
from medtrace.standard.engine import VERIFIED_KINDS
from medtrace.store.runs import load_runs


def risk_report(
    start: Path, revision: str | None = None, options: LoadOptions | None = None
) -> tuple[str, RiskFile]:
    """The project's name and its risk management file, with the latest imported results
    (only those of ``revision``, its name or commit, when given) as evidence."""
    project = load_project(start, options)
    graph = TraceGraph(project.items, project.config.schema)
    root = Path(project.root)
    runs, unreadable = load_runs(root, root / RUNS_FOLDER)
    if unreadable:
        first = unreadable[0]
        raise ProjectError(f"{first.location}: {first.message}")
    # The same ids are looked for in test names as by check, so both agree.
    known = [item.id for kind in VERIFIED_KINDS for item in graph.of_kind(kind)]
    results = ResultIndex.build(runs, known, revision)
    return project.config.name, risk_file(graph, project.config.risk, results)

"""The verification report: per requirement, its tests, their latest results, a status."""

from __future__ import annotations

from pathlib import Path

from medtrace.api.load import LoadOptions, load_project
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.verification import RequirementStatus, verification_status
from medtrace.model.results import RUNS_FOLDER
from medtrace.store.runs import load_runs


def verify(
    start: Path,
    revision: str | None = None,
    kinds: tuple[str, ...] = ("software-requirement",),
    options: LoadOptions | None = None,
) -> tuple[str, tuple[RequirementStatus, ...]]:
    """The project's name and the status of each requirement (at ``revision``, if given)."""
    project = load_project(start, options)
    graph = TraceGraph(project.items, project.config.schema)
    unknown = [kind for kind in kinds if kind not in project.config.schema.kinds]
    if unknown:
        raise ProjectError(f"unknown kind {', '.join(unknown)}")
    root = Path(project.root)
    runs, unreadable = load_runs(root, root / RUNS_FOLDER)
    if unreadable:
        first = unreadable[0]
        raise ProjectError(f"{first.location}: {first.message}")
    return project.config.name, verification_status(graph, runs, kinds, revision)

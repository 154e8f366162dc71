"""The compliance matrix of a project (``medtrace gaps``)."""

from __future__ import annotations

from pathlib import Path

from medtrace.api.check import CheckOptions, check_project
from medtrace.api.load import load_project
from medtrace.graph import TraceGraph
from medtrace.standard.matrix import Matrix, compliance_matrix


def project_matrix(start: Path, options: CheckOptions | None = None) -> tuple[str, Matrix]:
    """The project's name and its compliance matrix, from a check of the project."""
    options = options or CheckOptions()
    report = check_project(start, options)
    project = load_project(start, options.load)
    graph = TraceGraph(project.items, project.config.schema)
    return project.config.name, compliance_matrix(graph, project.config, report.findings)

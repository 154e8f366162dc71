"""Trace matrices, coverage and orphans of a project (``medtrace trace``, ``coverage``,
``orphans``): load, build the trace graph, ask :mod:`medtrace.graph.coverage`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.load import LoadOptions, load_project
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.coverage import (
    Coverage,
    Step,
    TraceMatrix,
    coverage_report,
    find_routes,
    orphans,
    trace_matrix,
)
from medtrace.model import Item, Project, Schema


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceReport:
    project: str
    matrix: TraceMatrix


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageReport:
    project: str
    lines: tuple[Coverage, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrphansReport:
    project: str
    orphans: tuple[Item, ...]  # by id


def trace(
    start: Path,
    source_kind: str,
    target_kind: str,
    path: Sequence[str] | None = None,
    options: LoadOptions | None = None,
) -> TraceReport:
    """The trace matrix from ``source_kind`` to ``target_kind`` of the project at ``start``.

    ``path`` names the steps to follow (``["derived-from<", "verifies<"]``);
    without it the shortest routes between the kinds are followed. Raises
    :class:`ProjectError` for an unknown kind, a malformed or unknown step, or
    two kinds that no route connects.
    """
    project, graph = _load(start, options)
    schema = project.config.schema
    _known_kind(schema, source_kind)
    _known_kind(schema, target_kind)
    steps = parse_path(schema, path) if path is not None else None
    if steps is None and not find_routes(schema, source_kind, target_kind):
        how = "a kind to itself" if source_kind == target_kind else "these kinds"
        raise ProjectError(
            f"no route of trace links leads from {source_kind} to {target_kind}",
            hint=f"to trace {how}, name the link types to follow with --path",
        )
    return TraceReport(
        project=project.config.name,
        matrix=trace_matrix(graph, source_kind, target_kind, steps),
    )


def coverage_summary(start: Path, options: LoadOptions | None = None) -> CoverageReport:
    """The default coverage lines of the project at ``start``."""
    project, graph = _load(start, options)
    return CoverageReport(project=project.config.name, lines=coverage_report(graph))


def find_orphans(start: Path, options: LoadOptions | None = None) -> OrphansReport:
    """Items of the project at ``start`` with no link either way."""
    project, graph = _load(start, options)
    return OrphansReport(project=project.config.name, orphans=orphans(graph))


def parse_path(schema: Schema, path: Sequence[str]) -> tuple[Step, ...]:
    """Steps from their text (``verifies<``), checked against the schema's link types."""
    if not path:
        raise ProjectError("the path is empty: name at least one step, e.g. verifies<")
    steps = []
    for text in path:
        try:
            step = Step.parse(text)
        except ValueError as error:
            raise ProjectError(str(error)) from None
        if step.role not in schema.links:
            known = ", ".join(sorted(schema.links))
            raise ProjectError(
                f"unknown link type {step.role!r} in path step {text.strip()!r}; "
                f"known link types: {known}"
            )
        steps.append(step)
    return tuple(steps)


def _known_kind(schema: Schema, kind: str) -> None:
    if kind not in schema.kinds:
        known = ", ".join(sorted(schema.kinds))
        raise ProjectError(f"unknown kind {kind!r}; known kinds: {known}")


def _load(start: Path, options: LoadOptions | None) -> tuple[Project, TraceGraph]:
    project = load_project(start, options)
    return project, TraceGraph(project.items, project.config.schema)

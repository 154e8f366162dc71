"""The verification report: per requirement, its tests, their latest results, a status.

Results are judged against the items as they are now: a result whose covered
content changed since it was recorded is stale (:mod:`medtrace.graph.verification`).
``head`` is the commit checked out, so a report can say which results are of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medtrace.api.code import project_fingerprints
from medtrace.api.link_history import head_commit
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.revision import tested_commits
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.verification import RequirementStatus, verification_status
from medtrace.model.results import RUNS_FOLDER
from medtrace.store.runs import load_runs


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """The project's name, the commit checked out (``""``: none) with the commits whose
    results are of its content (it and the ancestors from which only runs changed), and
    each item's status."""

    project: str
    head: str
    current: tuple[str, ...]
    statuses: tuple[RequirementStatus, ...]


def verify(
    start: Path,
    revision: str | None = None,
    kinds: tuple[str, ...] = ("software-requirement",),
    options: LoadOptions | None = None,
) -> Verification:
    """The status of each item of ``kinds`` (with ``revision``, only its results count)."""
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
    fingerprints = project_fingerprints(project, graph)
    statuses = verification_status(graph, runs, kinds, revision, fingerprints)
    found = head_commit(root)
    head = found[1] if found else ""
    current: tuple[str, ...] = ()
    if found and head:
        repository = found[0]
        prefix = root.resolve().relative_to(repository.top).as_posix()
        runs_path = ("" if prefix == "." else prefix + "/") + RUNS_FOLDER + "/"
        current = tested_commits(repository, head, runs_path)
    return Verification(project=project.config.name, head=head, current=current, statuses=statuses)

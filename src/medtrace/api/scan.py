"""``medtrace scan``: link source files and units to requirements through code markers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.load import load_project
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.ingest.markers import Marker, find_markers
from medtrace.model import CACHE_DIR, Finding, Severity, SourceLocation

_SKIPPED = frozenset({CACHE_DIR, "node_modules", "__pycache__", ".git", ".venv", "venv"})
_LARGEST = 1_000_000  # bytes; larger files are not source code worth scanning


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    markers: tuple[Marker, ...]
    units: tuple[tuple[str, tuple[str, ...]], ...]  # unit id -> requirement ids its files mark
    findings: tuple[Finding, ...]


def scan(start: Path, sources: Sequence[Path] = ()) -> ScanResult:
    """Scan the source folders (default: the project folder) for markers and compare them
    with the project: unknown ids, files no unit claims, units whose files mark
    requirements the unit does not implement."""
    project = load_project(start)
    root = Path(project.root)
    graph = TraceGraph(project.items, project.config.schema)
    folders = [folder.resolve() for folder in sources] or [root]
    for folder in folders:
        if not folder.is_dir():
            raise ProjectError(f"{folder}: no such folder")
    markers = tuple(m for folder in folders for m in _scan_folder(folder, root))
    findings: list[Finding] = []
    claimed = _claims(graph)
    by_unit: dict[str, set[str]] = {}
    for marker in markers:
        where = SourceLocation(path=marker.path, line=marker.line)
        for item_id in marker.ids:
            if item_id not in graph:
                findings.append(
                    _finding(
                        "code/marker-unknown-id",
                        Severity.ERROR,
                        f"{marker.role}: {item_id}, which no item has",
                        where,
                    )
                )
        owners = [unit for suffix, unit in claimed if marker.path.endswith(suffix)]
        if not owners and marker.role == "implements":
            findings.append(
                _finding(
                    "code/file-not-in-unit",
                    Severity.WARNING,
                    "no software unit lists this file in source-files",
                    where,
                )
            )
        for owner in owners:
            by_unit.setdefault(owner, set()).update(i for i in marker.ids if i in graph)
    for unit_id, marked in sorted(by_unit.items()):
        unit = graph.get(unit_id)
        if unit is None:
            continue
        missing = sorted(marked - set(unit.targets("implements")) - {unit_id})
        missing = [i for i in missing if (graph.get(i) or unit).kind.endswith("requirement")]
        if missing:
            findings.append(
                _finding(
                    "code/unit-implements-missing",
                    Severity.WARNING,
                    f"{unit_id}'s files mark {', '.join(missing)}, which it does not implement",
                    unit.source,
                )
            )
    units = tuple((owner, tuple(sorted(ids))) for owner, ids in sorted(by_unit.items()))
    return ScanResult(markers=markers, units=units, findings=tuple(findings))


def _claims(graph: TraceGraph) -> list[tuple[str, str]]:
    claims = []
    for item in graph.of_kind("software-unit"):
        files = item.field("source-files")
        for path in files if isinstance(files, tuple) else ():
            claims.append((path.strip().lstrip("./"), item.id))
    return claims


def _scan_folder(folder: Path, root: Path) -> list[Marker]:
    found: list[Marker] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        for name in sorted(files):
            path = Path(current) / name
            if name.endswith(".md") or name.startswith("."):
                continue
            try:
                if path.stat().st_size > _LARGEST:
                    continue
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # unreadable or binary: not source to scan
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            found.extend(find_markers(text, shown))
    return found


def _finding(code: str, severity: Severity, message: str, where: SourceLocation) -> Finding:
    return Finding(code=code, severity=severity, message=message, location=where)

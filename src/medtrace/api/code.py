"""The source files of software units, found in the project and hashed.

A unit's ``source-files`` name its files by path: relative to the project root,
or to any folder in it (``src/insupump/bolus.py`` finds
``code/src/insupump/bolus.py``), as ``medtrace scan`` matches them. Each file
is found once per run among the project's files (git's list of tracked and
untracked files when the project is in git, else a walk that skips hidden
folders, ``node_modules`` and the cache), and its bytes are hashed: the unit's
code digest (:func:`medtrace.graph.fingerprint.code_digest`) enters the
fingerprint that reviews and test results of the unit record, so a change to
its code makes them stale.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints, code_digest
from medtrace.model import CACHE_DIR, Item, Project
from medtrace.store.git import GitError, GitRepository

SOURCE_FIELD = "source-files"
_SKIPPED = frozenset({CACHE_DIR, "node_modules", "__pycache__", ".git", ".venv", "venv"})


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitFiles:
    """A unit's source files: each as listed, and the project path it was found at."""

    unit: str
    files: tuple[tuple[str, str | None], ...]  # (as listed, project path or None)


def project_fingerprints(project: Project, graph: TraceGraph) -> Fingerprints:
    """The fingerprints of a loaded project's items now, units with their code."""
    root = Path(project.root)
    code = code_digests(root, unit_files(root, graph.of_kind("software-unit")))
    return Fingerprints(graph, project.config.non_normative, code)


def listed_files(item: Item) -> tuple[str, ...]:
    """The entries of an item's ``source-files``, without a leading ``./``."""
    value = item.field(SOURCE_FIELD)
    entries = value if isinstance(value, tuple) else ()
    return tuple(entry.strip().removeprefix("./") for entry in entries if entry.strip())


def unit_files(root: Path, units: Iterable[Item]) -> tuple[UnitFiles, ...]:
    """Where the source files of each of ``units`` that lists some are (by id)."""
    owners = [(item, listed_files(item)) for item in units if listed_files(item)]
    owners.sort(key=lambda owner: owner[0].id)
    if not owners:
        return ()
    index = _Index(project_files(root))
    return tuple(
        UnitFiles(unit=item.id, files=tuple((entry, index.find(entry)) for entry in entries))
        for item, entries in owners
    )


def stamps(root: Path, found: Iterable[UnitFiles]) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file found: what a cached result depends on."""
    result = []
    for unit in found:
        for _, path in unit.files:
            if path is None:
                continue
            try:
                status = (root / path).stat()
            except OSError:
                result.append((path, -1, -1))
                continue
            result.append((path, status.st_size, status.st_mtime_ns))
    return sorted(set(result))


def code_digests(root: Path, found: Iterable[UnitFiles]) -> dict[str, str]:
    """Each unit's code digest, from the SHA-256 of each of its files' bytes."""
    hashes: dict[str, str | None] = {}
    digests = {}
    for unit in found:
        entries = []
        for name, path in unit.files:
            if path is not None and path not in hashes:
                hashes[path] = _sha256(root / path)
            entries.append((name, hashes[path] if path is not None else None))
        digests[unit.unit] = code_digest(entries)
    return digests


def project_files(root: Path) -> list[str]:
    """Every file of the project, as POSIX paths relative to its root."""
    try:
        repository = GitRepository.containing(root)
        prefix = root.resolve().relative_to(repository.top).as_posix()
        out = repository.run(
            "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", prefix
        )
    except (GitError, ValueError):
        return _walk(root)
    start = "" if prefix == "." else prefix + "/"
    paths = (p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)
    return sorted(p[len(start) :] for p in paths if p.startswith(start))


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED and not d.startswith(".")]
        relative = Path(current).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in files)
    return sorted(found)


class _Index:
    """Finds a listed name among the project's files: the exact path, else the one file
    whose path ends with ``/NAME`` (None when there is none, or more than one)."""

    def __init__(self, files: list[str]) -> None:
        self._files = frozenset(files)
        self._by_name: dict[str, list[str]] = {}
        for path in files:
            self._by_name.setdefault(path.rpartition("/")[2], []).append(path)

    def find(self, name: str) -> str | None:
        if name in self._files:
            return name
        candidates = [
            path
            for path in self._by_name.get(name.rpartition("/")[2], ())
            if path.endswith("/" + name)
        ]
        return candidates[0] if len(candidates) == 1 else None


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None

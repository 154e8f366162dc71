"""A project kept loaded in a long-running process (``medtrace serve``), current with its files.

A :class:`Workspace` holds one :class:`Snapshot` of the project: the loaded
project and its trace graph, plus whatever a caller derives from them (findings,
fingerprints, a search index), computed once per snapshot through
:meth:`Snapshot.derived`. Before handing the snapshot out, the workspace looks
at the files (one ``stat`` per item file, and the review stamps, test runs,
configuration and git ``HEAD``) at most every ``max_age`` seconds; when anything
changed, it loads the project again through the parse cache, so only changed
files are parsed. Writers through :mod:`medtrace.api.item_edit` call
:meth:`Workspace.invalidate`, so their own changes show at once.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from medtrace.api.discover import discover, find_root
from medtrace.api.load import load_project
from medtrace.graph import TraceGraph
from medtrace.ingest import parse_config
from medtrace.model import CONFIG_FILE, Item, Project
from medtrace.model.results import RUNS_FOLDER
from medtrace.model.review import REVIEWS_FILE

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """The project as it was at one moment; ``token`` names that state of its files."""

    root: Path
    token: str
    project: Project
    graph: TraceGraph
    _derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    _guard: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[[Snapshot], T]) -> T:
        """``compute(self)``, once per snapshot and ``key`` (threads wait for the first)."""
        with self._guard:
            if key not in self._derived:
                self._derived[key] = compute(self)
            return cast(T, self._derived[key])

    def item(self, item_id: str) -> Item | None:
        return self.graph.get(item_id)


class Workspace:
    """The current :class:`Snapshot` of the project at or above ``start``, for many threads."""

    def __init__(self, start: Path, *, max_age: float = 1.0) -> None:
        self.root = find_root(start)
        self.max_age = max_age
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0

    def current(self) -> Snapshot:
        """The snapshot, loaded again first when the files changed since it was made."""
        with self._lock:
            now = time.monotonic()
            snapshot = self._snapshot
            if snapshot is not None and now - self._checked < self.max_age:
                return snapshot
            token = files_token(self.root)
            if snapshot is None or snapshot.token != token:
                project = load_project(self.root)
                graph = TraceGraph(project.items, project.config.schema)
                snapshot = Snapshot(root=self.root, token=token, project=project, graph=graph)
                self._snapshot = snapshot
            self._checked = now
            return snapshot

    def invalidate(self) -> None:
        """Look at the files again on the next :meth:`current` (after a write)."""
        with self._lock:
            self._checked = 0.0


def files_token(root: Path) -> str:
    """A digest of what a load of the project at ``root`` reads: the size and time of
    every item file, the configuration, the review stamps, the test runs and git's
    ``HEAD`` (a commit changes what history and release checks show)."""
    config_path = root / CONFIG_FILE
    config, _ = parse_config(config_path.read_bytes())
    files, _ = discover(root, config)
    digest = hashlib.sha256()
    for path in sorted(files):
        size, mtime = files[path]
        digest.update(f"{path}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
    extra = [config_path, root / REVIEWS_FILE, *_files(root / RUNS_FOLDER), *_git_heads(root)]
    for other in extra:
        digest.update(f"{other}\0{_stamp(other)}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stamp(path: Path) -> str:
    try:
        status = path.stat()
    except OSError:
        return "-"
    return f"{status.st_size}:{status.st_mtime_ns}"


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _git_heads(root: Path) -> list[Path]:
    """``HEAD`` and the ref files a commit moves, of the repository holding ``root``."""
    for folder in (root, *root.parents):
        git = folder / ".git"
        if git.is_dir():
            head = git / "HEAD"
            try:
                ref = head.read_text("utf-8").strip()
            except OSError:
                return [head]
            found = [head, git / "packed-refs"]
            if ref.startswith("ref: "):
                found.append(git / ref.removeprefix("ref: "))
            return found
        if git.is_file():  # a worktree or submodule: its HEAD lives elsewhere
            text = git.read_text("utf-8", "replace").strip()
            target = Path(text.removeprefix("gitdir: "))
            target = target if target.is_absolute() else folder / target
            return [target / "HEAD", *(_refs_of(target))]
    return []


def _refs_of(gitdir: Path) -> list[Path]:
    try:
        ref = (gitdir / "HEAD").read_text("utf-8").strip()
    except OSError:
        return []
    common = gitdir
    commondir = gitdir / "commondir"
    if commondir.is_file():
        common = Path(os.path.normpath(gitdir / commondir.read_text("utf-8").strip()))
    return [common / ref.removeprefix("ref: ")] if ref.startswith("ref: ") else []

"""What changed in a project between two revisions: items added, removed, changed, moved.

Items are matched by id (the first file by path keeps a duplicated id, as in
the trace graph). A change is what a reviewer reads: fields, title, kind, the
body as a unified diff, and links added or removed; moving a link within the
file or reflowing the front matter is not a change. Everything is sorted by id.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from medtrace.api.discover import NAME_NOT_UTF8
from medtrace.api.link_history import project_link_bases
from medtrace.api.load import load_project
from medtrace.api.revision import WORKTREE, locate, read_revisions, resolve
from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints
from medtrace.model import FieldValue, Item, Project
from medtrace.model.change import FieldChange, ItemChange, ItemMove, LinkRef, ProjectDiff
from medtrace.standard.rules.change import suspect_items

# Ids of the items a project holds suspect (e.g. links not reviewed since an upstream change).
SuspectFinder = Callable[[Project], frozenset[str]]
BODY_CONTEXT = 3  # lines of context around each change in a body diff


def diff(
    start: Path,
    rev1: str,
    rev2: str | None = WORKTREE,
    *,
    suspects: SuspectFinder | None = None,
) -> ProjectDiff:
    """The changes to the project at or above ``start`` from ``rev1`` to ``rev2``.

    Each is a git revision, a baseline name, or :data:`WORKTREE` (``rev2``'s
    default: the files on disk). Files that two revisions share are parsed once,
    and files unchanged from the working tree are not parsed from git at all.
    """
    old, new, labels = projects_at(start, rev1, rev2 or WORKTREE)
    found = diff_projects(old, new, suspects=suspects)
    return replace(found, old_label=labels[0], new_label=labels[1])


def projects_at(start: Path, rev1: str, rev2: str) -> tuple[Project, Project, tuple[str, str]]:
    """The project at two revisions (git, baseline or :data:`WORKTREE`), each file
    version parsed once, with labels naming them (``v1.0 (3f9c2ab41d0e)``)."""
    names = [rev1, rev2]
    located = locate(start)
    commits = {name: resolve(located.repository, name) for name in names if name != WORKTREE}
    worktree = load_project(located.root) if WORKTREE in names else None
    snapshots = read_revisions(located, sorted(set(commits.values())), worktree=worktree)
    by_commit = {snapshot.commit: snapshot.project for snapshot in snapshots}
    old, new = (by_commit[commits[name]] if name in commits else worktree for name in names)
    assert old is not None and new is not None
    labels = [name if name not in commits else f"{name} ({commits[name][:12]})" for name in names]
    return old, new, (labels[0], labels[1])


def diff_projects(
    old: Project, new: Project, *, suspects: SuspectFinder | None = None
) -> ProjectDiff:
    """The changes from project ``old`` to project ``new``, matched by item id."""
    before, after = _by_id(old.items), _by_id(new.items)
    changed: list[ItemChange] = []
    moved: list[ItemMove] = []
    for item_id in sorted(before.keys() & after.keys()):
        was, now = before[item_id], after[item_id]
        if was is now or was == now:  # the same file version (often parsed once for both)
            continue
        change = compare_items(was, now)
        if change.content_changed:
            changed.append(change)
        if change.old_path != change.new_path:
            moved.append(ItemMove(id=item_id, old_path=change.old_path, new_path=change.new_path))
    suspect: tuple[str, ...] | None = None
    if suspects is not None:
        suspect = tuple(sorted(suspects(new) - suspects(old)))
    return ProjectDiff(
        project=new.config.name,
        old_label="",
        new_label="",
        added=tuple(after[i] for i in sorted(after.keys() - before.keys())),
        removed=tuple(before[i] for i in sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        moved=tuple(moved),
        suspect=suspect,
        config_changed=old.config.digest != new.config.digest,
        unreadable=_not_compared(old, new),
    )


def _not_compared(old: Project, new: Project) -> tuple[str, ...]:
    """The item files of either side whose names are not UTF-8 (they hold no item)."""
    sides = [
        {f.location.path for f in project.diagnostics if f.message == NAME_NOT_UTF8}
        for project in (old, new)
    ]
    names = {"old": sides[0] - sides[1], "new": sides[1] - sides[0]}
    names["old and new"] = sides[0] & sides[1]
    return tuple(f"{side}: {path}" for side, paths in names.items() for path in sorted(paths))


def compare_items(old: Item, new: Item) -> ItemChange:
    """What changed from ``old`` to ``new`` (two versions of an item)."""
    old_links = Counter(LinkRef(role=link.role, target=link.target) for link in old.links)
    new_links = Counter(LinkRef(role=link.role, target=link.target) for link in new.links)
    return ItemChange(
        id=new.id,
        kind=new.kind,
        title=new.title,
        old_path=old.source.path,
        new_path=new.source.path,
        title_change=(old.title, new.title) if old.title != new.title else None,
        kind_change=(old.kind, new.kind) if old.kind != new.kind else None,
        fields=field_changes(dict(old.fields), dict(new.fields)),
        body_diff=body_diff(old.body, new.body, old.source.path, new.source.path),
        links_added=tuple(sorted((new_links - old_links).elements())),
        links_removed=tuple(sorted((old_links - new_links).elements())),
    )


def field_changes(
    old: Mapping[str, FieldValue], new: Mapping[str, FieldValue]
) -> tuple[FieldChange, ...]:
    """Fields set, unset or given another value, by name."""
    return tuple(
        FieldChange(name=name, old=old.get(name), new=new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    )


def body_diff(old: str, new: str, old_path: str, new_path: str) -> str:
    """A unified diff of two bodies (``""`` when equal), with paths as ``a/`` and ``b/``.

    Line ends are compared as line breaks: a body that only changed from CRLF to
    LF (or back) shows a one-line note instead of every line changed.
    """
    if old == new:
        return ""
    header = f"--- a/{old_path}\n+++ b/{new_path}\n"
    old_lines = [line.removesuffix("\r") for line in old.split("\n")]
    new_lines = [line.removesuffix("\r") for line in new.split("\n")]
    if old_lines == new_lines:
        return header + "\\ only the line ends changed (CRLF or LF)\n"
    hunks = difflib.unified_diff(old_lines, new_lines, n=BODY_CONTEXT, lineterm="")
    return header + "\n".join(list(hunks)[2:]) + "\n"


def _by_id(items: Iterable[Item]) -> dict[str, Item]:
    """Items by id; of a duplicated id, the first file by path (as the trace graph)."""
    found: dict[str, Item] = {}
    for item in sorted(items, key=lambda it: (it.source.path, it.id)):
        found.setdefault(item.id, item)
    return found


def history_suspects(start: Path) -> SuspectFinder:
    """A hook that finds the items suspect in a project at any revision: by its own review
    stamps and by the link history as of ``HEAD`` (a link that lasted from its creation to
    ``HEAD`` has the same base at every revision between)."""
    bases = project_link_bases(start)

    def find(project: Project) -> frozenset[str]:
        graph = TraceGraph(project.items, project.config.schema)
        fingerprints = Fingerprints(graph, project.config.non_normative)
        return suspect_items(graph, fingerprints, project.reviews, bases)

    return find

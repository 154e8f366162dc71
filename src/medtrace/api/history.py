"""The history of one item: every commit that touched its file, across renames.

The item's file is found in the working tree; ``git log --follow`` lists the
commits that changed it (under whatever name it had), and each version is read
from git (one ``cat-file`` process for all of them) and parsed with the
configuration of its commit. Each entry says what changed from the previous
version that held an item.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from medtrace.api.diff import compare_items
from medtrace.api.load import load_project
from medtrace.api.revision import locate
from medtrace.errors import ConfigError, ProjectError
from medtrace.ingest import parse_config, parse_item
from medtrace.model import CONFIG_FILE, Item, Schema
from medtrace.model.change import HistoryEntry
from medtrace.store.git import FileCommit

# What a commit did to the item.
CREATED, CHANGED, MOVED, UNCHANGED, UNREADABLE, DELETED = (
    "created",
    "changed",
    "moved",
    "unchanged",
    "unreadable",
    "deleted",
)
# The item is in the earliest commit a shallow clone has: where it began is not fetched.
FIRST_FETCHED = "first fetched"


def item_history(start: Path, item_id: str) -> tuple[HistoryEntry, ...]:
    """Every commit (reachable from ``HEAD``) that touched the file of ``item_id``,
    oldest first. The item is looked up in the working tree. In a shallow clone, an
    item in the earliest fetched commit is :data:`FIRST_FETCHED` there, not created."""
    project = load_project(start)
    current = next((item for item in project.items if item.id == item_id), None)
    if current is None:
        raise ProjectError(f"no item {item_id!r} in the project at {project.root}")
    return history_of(Path(project.root), current, project.config.schema)


def history_of(root: Path, current: Item, schema: Schema) -> tuple[HistoryEntry, ...]:
    """The history of the item ``current`` of the project at ``root`` (loaded already),
    oldest first; ``schema`` reads versions whose commit has no readable configuration."""
    located = locate(root)
    repository, prefix = located.repository, located.prefix
    if not repository.has_commits():
        return ()
    commits = repository.log_follow(prefix + current.source.path)
    present = [c for c in commits if c.status != "D"]
    names = [f"{c.commit}:{c.path}" for c in present]
    names += [f"{c.commit}:{prefix}{CONFIG_FILE}" for c in present]
    blobs = repository.read_blobs(names)
    files = dict(zip((c.commit for c in present), blobs[: len(present)], strict=True))
    configs = dict(zip((c.commit for c in present), blobs[len(present) :], strict=True))
    schemas = _Schemas(schema)
    boundary = repository.shallow_commits()
    entries: list[HistoryEntry] = []
    previous: Item | None = None
    for commit in reversed(commits):
        path = commit.path.removeprefix(prefix) if commit.path.startswith(prefix) else commit.path
        data = files.get(commit.commit)
        item = None
        if data is not None:
            item = parse_item(data, path, schemas.at(configs.get(commit.commit))).item
        entry = _entry(commit, path, previous, item)
        if entry.event == CREATED and commit.commit in boundary:
            entry = replace(entry, event=FIRST_FETCHED)
        entries.append(entry)
        if commit.status == "D":
            previous = None
        elif item is not None:
            previous = item
    return tuple(entries)


def _entry(commit: FileCommit, path: str, previous: Item | None, item: Item | None) -> HistoryEntry:
    if commit.status == "D":
        event, change = DELETED, None
    elif item is None:
        event, change = UNREADABLE, None
    elif previous is None:
        event, change = CREATED, None
    else:
        change = compare_items(previous, item)
        if change.content_changed:
            event = CHANGED
        elif change.old_path != change.new_path:
            event = MOVED
        else:
            event = UNCHANGED
    return HistoryEntry(
        commit=commit.commit,
        author=commit.author,
        date=commit.date,
        subject=commit.subject,
        path=path,
        event=event,
        item_id=item.id if item is not None else None,
        change=change,
    )


class _Schemas:
    """The schema of each commit's configuration, parsed once per distinct file;
    the current one where a commit has none or an unreadable one."""

    def __init__(self, fallback: Schema) -> None:
        self.fallback = fallback
        self.known: dict[bytes, Schema] = {}

    def at(self, config: bytes | None) -> Schema:
        if config is None:
            return self.fallback
        if config not in self.known:
            try:
                self.known[config] = parse_config(config)[0].schema
            except ConfigError:
                self.known[config] = self.fallback
        return self.known[config]

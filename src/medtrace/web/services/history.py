"""An item's history from git, newest first, for the item page's history section."""

from __future__ import annotations

from medtrace.api.history import history_of
from medtrace.api.workspace import Snapshot
from medtrace.errors import ProjectError
from medtrace.model.change import HistoryEntry


def history(snapshot: Snapshot, item_id: str) -> tuple[HistoryEntry, ...]:
    """Every commit that touched the item's file, newest first (once per snapshot)."""
    item = snapshot.item(item_id)
    if item is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    schema = snapshot.project.config.schema
    entries = snapshot.derived(
        f"history:{item_id}", lambda snap: history_of(snap.root, item, schema)
    )
    return tuple(reversed(entries))

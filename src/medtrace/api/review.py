"""Record reviews of items' trace links (``medtrace review``) in medtrace-reviews.yaml.

A review stamp says who looked at an item again (their git identity, or the
signed-in user of the web application), when (the clock's time, in UTC), at
which commit, and the deep fingerprint of each item the reviewed item depends
on as it was then. Reviewing every item at once needs a reason, which each
stamp records. Stamps are appended under the project lock; nothing is removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import yaml

from medtrace.api.discover import find_root
from medtrace.api.load import load_project, read_reviews_file
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import deep_fingerprints, dependencies
from medtrace.model.review import REVIEWS_FILE
from medtrace.store import write_atomic
from medtrace.store.git import GitError, GitRepository, identity

_HEADER = (
    "# Reviews of trace links, appended by `medtrace review`: who looked at an item\n"
    "# again, when, and the fingerprint of each item it depends on as it was then.\n"
    "# A later change upstream makes the item suspect until it is reviewed again.\n"
)


def record_reviews(
    start: Path,
    item_ids: Sequence[str],
    *,
    now: dt.datetime,
    by: str | None = None,
    every_item: bool = False,
    reason: str = "",
    on_wait: OnWait | None = None,
) -> tuple[tuple[str, ...], Path]:
    """Append a review of each item (or of every item with trace links) by ``by`` (default:
    the git identity) at ``now``; returns the ids recorded and the file. Refuses unknown
    ids, and reviewing every item without a reason."""
    if every_item and not reason.strip():
        raise ProjectError("reviewing every item at once needs a reason (--reason), recorded")
    root = find_root(start)
    reviewer = (by or identity(root)).strip()
    if not reviewer:
        raise ProjectError("a review needs the reviewer's name")
    with project_writer(root, on_wait=on_wait):
        project = load_project(root)
        graph = TraceGraph(project.items, project.config.schema)
        missing = [item_id for item_id in item_ids if item_id not in graph]
        if missing:
            raise ProjectError(f"no item with id {', '.join(missing)} in the project")
        chosen = [item.id for item in graph] if every_item else sorted(set(item_ids))
        deep = deep_fingerprints(graph, project.config.non_normative)
        when = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        commit = _head(root)
        entries = []
        for item_id in chosen:
            item = graph.get(item_id)
            depends = dependencies(graph, item) if item is not None else ()
            if depends:
                entry: dict[str, object] = {"item": item_id, "by": reviewer, "date": when}
                if commit:
                    entry["commit"] = commit
                if reason.strip():
                    entry["reason"] = reason.strip()
                entry["links"] = {other: deep[other] for other in depends}
                entries.append(entry)
        if not entries:
            raise ProjectError("none of these items depends on another: nothing to review")
        existing = read_reviews_file(root)
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        added = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
        write_atomic(root / REVIEWS_FILE, (existing or _HEADER.encode()) + added.encode("utf-8"))
    return tuple(str(entry["item"]) for entry in entries), root / REVIEWS_FILE


def _head(root: Path) -> str:
    try:
        return GitRepository.containing(root).rev_parse("HEAD")
    except GitError:
        return ""

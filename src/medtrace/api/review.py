"""Record reviews of items' trace links (``medtrace review``) in medtrace-reviews.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from medtrace.api.load import load_project, read_reviews_file
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import deep_fingerprints, dependencies
from medtrace.model.review import REVIEWS_FILE
from medtrace.store import write_atomic

_HEADER = (
    "# Reviews of trace links, appended by `medtrace review`: who looked at an item\n"
    "# again, when, and the fingerprint of each item it depends on as it was then.\n"
    "# A later change upstream makes the item suspect until it is reviewed again.\n"
)


def record_reviews(
    start: Path,
    item_ids: Sequence[str],
    *,
    by: str,
    date: str,
    every_item: bool = False,
    on_wait: OnWait | None = None,
) -> tuple[tuple[str, ...], Path]:
    """Append a review of each item (or of every item with trace links); returns the ids
    recorded and the file. Refuses unknown ids and an empty reviewer name."""
    if not by.strip():
        raise ProjectError("a review needs the reviewer's name (--by)")
    with project_writer(start, on_wait=on_wait):
        project = load_project(start)
        graph = TraceGraph(project.items, project.config.schema)
        missing = [item_id for item_id in item_ids if item_id not in graph]
        if missing:
            raise ProjectError(f"no item with id {', '.join(missing)} in the project")
        chosen = [item.id for item in graph] if every_item else sorted(set(item_ids))
        deep = deep_fingerprints(graph, project.config.non_normative)
        entries = []
        for item_id in chosen:
            item = graph.get(item_id)
            depends = dependencies(graph, item) if item is not None else ()
            if depends:
                links = {other: deep[other] for other in depends}
                entries.append({"item": item_id, "by": by.strip(), "date": date, "links": links})
        if not entries:
            raise ProjectError("none of these items depends on another: nothing to review")
        root = Path(project.root)
        existing = read_reviews_file(root)
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        added = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
        write_atomic(root / REVIEWS_FILE, (existing or _HEADER.encode()) + added.encode("utf-8"))
        return tuple(str(entry["item"]) for entry in entries), root / REVIEWS_FILE

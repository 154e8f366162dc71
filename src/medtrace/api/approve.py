"""Bind evidence to content: ``medtrace approve`` (a new review record) and ``medtrace bind``.

``approve`` records that the person at the keyboard (their git identity) has
reviewed or approved items as they are now: a new review record, numbered
after the last one, dated by the clock, naming the commit it was made at and
the fingerprint of each item, in the folder where the project's review records
are. ``bind`` writes the ``fingerprints`` field of existing records (review
records, attestations, test records, approved items): what they vouch for, as
it is now. Both write under the project lock; ``bind`` rewrites only that one
field of each record it names. Either makes a green that cannot be stale: a
later change to an item voids them (:mod:`medtrace.graph.evidence`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.code import project_fingerprints
from medtrace.api.discover import find_root
from medtrace.api.load import load_project
from medtrace.errors import ProjectError
from medtrace.export.front_matter import set_front_matter, yaml_list
from medtrace.graph import TraceGraph
from medtrace.graph.evidence import APPROVING_RECORD, COVERING_LINKS, covered
from medtrace.graph.fingerprint import BINDING_FIELD
from medtrace.model import Item, Project
from medtrace.store.files import write_atomic
from medtrace.store.git import GitError, GitRepository, identity
from medtrace.store.lock import project_lock

MEANINGS = ("approved", "reviewed", "authored")
REVIEWS_FOLDER = "reviews"
_PREFIX = "RVW-"
_NUMBER = re.compile(r"^RVW-(\d+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Bound:
    """A record written: its id, its file, and the ids it now vouches for."""

    id: str
    path: Path
    covers: tuple[str, ...]


def approve(
    start: Path,
    item_ids: Sequence[str],
    *,
    meaning: str = "approved",
    comment: str = "",
    now: dt.datetime,
    by: str | None = None,
) -> Bound:
    """Write a new review record of ``item_ids`` with ``meaning``, by ``by`` (default: the
    git identity), dated ``now``, bound to each item's fingerprint."""
    if meaning not in MEANINGS:
        raise ProjectError(f"meaning {meaning!r} is not one of {', '.join(MEANINGS)}")
    if not item_ids:
        raise ProjectError("name the items to approve")
    with project_lock(find_root(start)):
        project = load_project(start)
        root = Path(project.root)
        graph = TraceGraph(project.items, project.config.schema)
        missing = [item_id for item_id in item_ids if item_id not in graph]
        if missing:
            raise ProjectError(f"no item with id {', '.join(missing)} in the project")
        reviewer = by or identity(root)
        fingerprints = project_fingerprints(project, graph)
        chosen = list(dict.fromkeys(item_ids))
        record_id = _next_id(graph)
        path = root / _folder(project, graph) / f"{record_id}.md"
        text = _record_text(
            record_id=record_id,
            reviewer=reviewer,
            meaning=meaning,
            date=now.astimezone(dt.UTC).date().isoformat(),
            commit=_head(root),
            items=[graph.get(item_id) for item_id in chosen],
            pins=[f"{item_id}@{fingerprints.of(item_id)}" for item_id in chosen],
            comment=comment,
        )
        write_atomic(path, text.encode("utf-8"))
    return Bound(id=record_id, path=path, covers=tuple(chosen))


def bind(start: Path, record_ids: Sequence[str], *, every: bool = False) -> tuple[Bound, ...]:
    """Write into each record (or every record that vouches for something) the fingerprints
    of what it covers, as it is now. Records already bound to the content now are left
    alone; returns those written."""
    with project_lock(find_root(start)):
        project = load_project(start)
        root = Path(project.root)
        graph = TraceGraph(project.items, project.config.schema)
        missing = [item_id for item_id in record_ids if item_id not in graph]
        if missing:
            raise ProjectError(f"no item with id {', '.join(missing)} in the project")
        chosen = _unbound_records(graph) if every else _named(graph, record_ids)
        fingerprints = project_fingerprints(project, graph)
        written = []
        for record in chosen:
            ids = [item_id for item_id in covered(record) if item_id in graph]
            pins = [f"{item_id}@{fingerprints.of(item_id)}" for item_id in ids]
            if record.field(BINDING_FIELD) == tuple(pins):
                continue
            path = root / record.source.path
            text = path.read_text("utf-8")
            write_atomic(path, set_front_matter(text, {BINDING_FIELD: yaml_list(pins)}).encode())
            written.append(Bound(id=record.id, path=path, covers=tuple(ids)))
    return tuple(written)


def _unbound_records(graph: TraceGraph) -> list[Item]:
    """What ``bind --all`` binds: every record, and every item with ``status: approved``
    that no review record approves (its status is then its only approval)."""
    chosen = []
    for item in graph:
        if not covered(item):
            continue
        if item.kind not in COVERING_LINKS and any(
            record.kind == APPROVING_RECORD and record.field("meaning") == "approved"
            for record in graph.sources(item.id, "reviews")
        ):
            continue
        chosen.append(item)
    return chosen


def _named(graph: TraceGraph, record_ids: Sequence[str]) -> list[Item]:
    records = []
    for record_id in dict.fromkeys(record_ids):
        record = graph.get(record_id)
        assert record is not None
        if not covered(record):
            raise ProjectError(
                f"{record_id} vouches for nothing: bind takes review records, attestations, "
                "test records and items with status: approved"
            )
        records.append(record)
    return records


def _next_id(graph: TraceGraph) -> str:
    numbers = [int(m.group(1)) for item in graph if (m := _NUMBER.match(item.id))]
    width = max(
        (len(item.id) - len(_PREFIX) for item in graph if _NUMBER.match(item.id)), default=3
    )
    return f"{_PREFIX}{max(numbers, default=0) + 1:0{width}d}"


def _folder(project: Project, graph: TraceGraph) -> str:
    """Where the project keeps its review records: beside the last one, else ``reviews/``
    in the first item folder."""
    records = graph.of_kind(APPROVING_RECORD)
    if records:
        last = max(records, key=lambda r: r.source.path)
        return str(Path(last.source.path).parent)
    first = project.config.paths[0]
    return REVIEWS_FOLDER if first in (".", "") else f"{first}/{REVIEWS_FOLDER}"


def _head(root: Path) -> str:
    try:
        return GitRepository.containing(root).rev_parse("HEAD")
    except GitError:
        return ""


def _record_text(
    *,
    record_id: str,
    reviewer: str,
    meaning: str,
    date: str,
    commit: str,
    items: Sequence[Item | None],
    pins: Sequence[str],
    comment: str,
) -> str:
    ids = [item.id for item in items if item is not None]
    title = f"{meaning.capitalize()}: {', '.join(ids[:3])}" + (" ..." if len(ids) > 3 else "")
    lines = [
        "---",
        f"id: {record_id}",
        "kind: review-record",
        f"title: {_quoted(title)}",
        f"reviewer: {_quoted(reviewer)}",
        f"date: {date}",
        f"meaning: {meaning}",
    ]
    if commit:
        lines.append(f"revision: {commit}")
    lines.append(f"reviews:{yaml_list(ids)}")
    lines.append(f"{BINDING_FIELD}:{yaml_list(pins)}")
    lines += ["---", comment.strip() or f"{meaning.capitalize()} with medtrace approve.", ""]
    return "\n".join(lines)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)

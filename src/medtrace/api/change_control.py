"""Change control (8.2.1, 6.2.4): every change to a controlled item between two
revisions is covered by an approved change request.

A *controlled* item is one that was ``status: approved`` at the older revision,
of any kind but the records that document work rather than specify it (change
requests, problem reports, test and review records, releases, vulnerability
evaluations). A change counts when it touches more than the fields that do not
make links suspect (``[trace] ignore-fields``: status, tags, owner): the title,
the body, a normative field or a link. Deleting a controlled item is a change.

A change is *covered* when a change request at the newer revision lists the
item under ``changes`` and is past approval (approved, implemented, verified or
closed) with ``approved-by`` and ``approved-date`` recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from medtrace.api.diff import diff_projects, projects_at
from medtrace.api.revision import WORKTREE
from medtrace.graph import TraceGraph
from medtrace.model import Finding, Item, Severity, SourceLocation
from medtrace.model.change import ItemChange, ProjectDiff
from medtrace.standard.rules.fields import blank

UNCONTROLLED = "change/uncontrolled"
RECORD_KINDS = frozenset(
    {
        "change-request",
        "problem-report",
        "test-record",
        "review-record",
        "release",
        "vulnerability-evaluation",
    }
)
APPROVED_STATES = frozenset({"approved", "implemented", "verified", "closed"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlledChange:
    """A change to a controlled item and the change requests that cover it (none: uncovered)."""

    id: str
    kind: str
    title: str
    path: str
    what: str  # "changed" or "removed"
    requests: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeAudit:
    diff: ProjectDiff
    changes: tuple[ControlledChange, ...]

    @property
    def uncovered(self) -> tuple[ControlledChange, ...]:
        return tuple(change for change in self.changes if not change.requests)

    def findings(self) -> tuple[Finding, ...]:
        return tuple(
            Finding(
                code=UNCONTROLLED,
                severity=Severity.ERROR,
                message=(
                    f"{change.id} was approved at {self.diff.old_label} and is {change.what} "
                    f"without an approved change request (add a change-request with changes: "
                    f"[{change.id}], approved-by and approved-date)"
                ),
                location=SourceLocation(path=change.path),
                item=change.id,
                clause="8.2.1",
            )
            for change in self.uncovered
        )


def audit_changes(start: Path, rev1: str, rev2: str | None = WORKTREE) -> ChangeAudit:
    """Every change to a controlled item from ``rev1`` to ``rev2`` and what covers it."""
    old, new, labels = projects_at(start, rev1, rev2 or WORKTREE)
    found = replace(diff_projects(old, new), old_label=labels[0], new_label=labels[1])
    before = {item.id: item for item in old.items}
    graph = TraceGraph(new.items, new.config.schema)
    ignored = frozenset(new.config.non_normative)
    changes = [
        _checked(graph, change.id, change.kind, change.title, change.new_path, "changed")
        for change in found.changed
        if _controlled(before.get(change.id)) and _normative(change, ignored)
    ]
    changes += [
        _checked(graph, item.id, item.kind, item.title, item.source.path, "removed")
        for item in found.removed
        if _controlled(item)
    ]
    return ChangeAudit(diff=found, changes=tuple(sorted(changes, key=lambda c: c.id)))


def _controlled(item: Item | None) -> bool:
    return item is not None and item.kind not in RECORD_KINDS and item.field("status") == "approved"


def _normative(change: ItemChange, ignored: Iterable[str]) -> bool:
    skipped = frozenset(ignored)
    return bool(
        change.title_change
        or change.kind_change
        or change.body_diff
        or change.links_added
        or change.links_removed
        or any(field.name not in skipped for field in change.fields)
    )


def _checked(
    graph: TraceGraph, item_id: str, kind: str, title: str, path: str, what: str
) -> ControlledChange:
    requests = tuple(
        request.id
        for request in graph.sources(item_id, "changes")
        if request.kind == "change-request"
        and request.field("state") in APPROVED_STATES
        and not blank(request.field("approved-by"))
        and not blank(request.field("approved-date"))
    )
    return ControlledChange(
        id=item_id, kind=kind, title=title, path=path, what=what, requests=requests
    )

"""Check an item file as it would be, before it is written: parsed and checked as
``check`` would check the project holding it.

The would-be file replaces the file at its path (or joins the project, for a
new one); its own parse findings, the structural findings (ids, links, cycles)
and the IEC 62304 rules' findings that concern it are returned. Errors of the
file itself and structural errors *block* a save: a file that ``check`` cannot
read, or whose links point nowhere, would break the project for everyone. Rule
findings (a requirement not yet verified, say) are shown, and do not block.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medtrace.api.check import rule_findings
from medtrace.graph import TraceGraph, structural_findings
from medtrace.graph.validate import index_rows
from medtrace.ingest import parse_item
from medtrace.model import Finding, Item, Project, Severity, SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class WouldBe:
    """The item a would-be file holds (``None`` if none) and the findings on it."""

    item: Item | None
    findings: tuple[Finding, ...]  # every finding about the file or its item, sorted
    blocking: tuple[Finding, ...]  # those that stop a save


def check_would_be(project: Project, path: str, data: bytes, *, rules: bool = True) -> WouldBe:
    """Check ``data`` as the file ``path`` of ``project`` (project-relative path)."""
    parsed = parse_item(data, path, project.config.schema)
    own = tuple(parsed.findings)
    if not parsed.is_item:
        missing = Finding(
            code="file/front-matter",
            severity=Severity.ERROR,
            message="the file has no front matter: it would not be an item",
            location=SourceLocation(path=path, line=1),
        )
        own = (*own, missing)
    item = parsed.item
    items = [other for other in project.items if other.source.path != path]
    if item is not None:
        items.append(item)
    structural = structural_findings(*index_rows(items), project.config.schema)
    checked = {*own, *structural}  # what a save must not break
    found = [*own, *structural]
    if rules and item is not None:
        graph = TraceGraph(items, project.config.schema)
        found.extend(rule_findings(Path(project.root), project.config, graph, project.reviews))
    item_id = item.id if item is not None else None
    relevant = sorted(
        {f for f in found if f.location.path == path or (item_id and f.item == item_id)},
        key=Finding.sort_key,
    )
    blocking = tuple(
        f
        for f in relevant
        if f.severity is Severity.ERROR and f in checked and _here(f, path, item)
    )
    return WouldBe(item=item, findings=tuple(relevant), blocking=blocking)


def _here(finding: Finding, path: str, item: Item | None) -> bool:
    """A structural finding blocks only when it is about the would-be file itself."""
    return finding.location.path == path or (item is not None and finding.item == item.id)

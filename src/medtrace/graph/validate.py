"""Structural findings about ids and links, before any 62304 rule.

Works on a light index (rows of plain tuples) so that a re-check can run it
straight from the cache without rebuilding item objects; the full
:class:`TraceGraph` feeds it the same rows. Codes (stable):
``item/id-duplicate``, ``link/dangling``, ``link/target-kind``,
``link/self``, ``link/duplicate``, ``link/cycle``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from medtrace.graph.scc import strongly_connected
from medtrace.model import Finding, Item, ItemRow, LinkRow, Schema, Severity, SourceLocation


def index_rows(items: Iterable[Item]) -> tuple[list[ItemRow], list[LinkRow]]:
    """The index rows of ``items`` (what the parse cache stores for each file)."""
    item_rows: list[ItemRow] = []
    link_rows: list[LinkRow] = []
    for item in items:
        item_rows.append((item.source.path, item.id, item.kind, item.source.line))
        link_rows.extend((item.source.path, ln.role, ln.target, ln.line) for ln in item.links)
    return item_rows, link_rows


def structural_findings(
    items: Sequence[ItemRow], links: Sequence[LinkRow], schema: Schema
) -> list[Finding]:
    """Every structural problem of the index. The first item of an id (by path) owns it."""
    ordered = sorted(items)
    owner: dict[str, ItemRow] = {}
    findings: list[Finding] = []
    for row in ordered:
        first = owner.setdefault(row[1], row)
        if first is not row:
            findings.append(
                _finding(
                    "item/id-duplicate",
                    Severity.ERROR,
                    f"id {row[1]} is already used by {first[0]}:{first[3]}",
                    row[0],
                    row[3],
                    row[1],
                )
            )
    id_of_path = {row[0]: row[1] for row in ordered}
    findings.extend(_link_findings(links, id_of_path, owner, schema))
    findings.extend(_cycle_findings(links, id_of_path, owner, schema))
    return findings


LINK_CODES = frozenset({"link/dangling", "link/target-kind", "link/self", "link/duplicate"})


def patch_structural(
    previous: Sequence[Finding],
    changed: frozenset[str],
    before: tuple[Sequence[ItemRow], Sequence[LinkRow]],
    after: tuple[Sequence[ItemRow], Sequence[LinkRow]],
    owner_of: Callable[[Iterable[str]], Sequence[ItemRow]],
    schema: Schema,
) -> list[Finding] | None:
    """The structural findings after a local change, from those before it; ``None`` if not local.

    A change is local when the changed files keep their items (same ids, kinds
    and lines) and their links of acyclic types: then duplicates and cycles are
    as before, and only the changed files' own links need checking again,
    against the owners of the ids they name (``owner_of``, from the index).
    """
    acyclic = _acyclic(schema)
    if sorted(before[0]) != sorted(after[0]) or _of_roles(before[1], acyclic) != _of_roles(
        after[1], acyclic
    ):
        return None
    kept = [f for f in previous if f.location.path not in changed or f.code not in LINK_CODES]
    id_of_path = {row[0]: row[1] for row in after[0]}
    named = {target for _, _, target, _ in after[1]} | set(id_of_path.values())
    owner: dict[str, ItemRow] = {}
    for row in sorted(owner_of(named)):
        owner.setdefault(row[1], row)
    return kept + _link_findings(after[1], id_of_path, owner, schema)


def _acyclic(schema: Schema) -> set[str]:
    return {name for name, link_type in schema.links.items() if link_type.acyclic}


def _of_roles(links: Sequence[LinkRow], roles: set[str]) -> list[LinkRow]:
    return sorted(link for link in links if link[1] in roles)


def _finding(
    code: str, severity: Severity, message: str, path: str, line: int | None, item: str
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        location=SourceLocation(path=path, line=line),
        item=item,
    )


def _link_findings(
    links: Sequence[LinkRow],
    id_of_path: dict[str, str],
    owner: dict[str, ItemRow],
    schema: Schema,
) -> list[Finding]:
    kind_of = {item_id: row[2] for item_id, row in owner.items()}
    fine = _allowed_pairs(schema, set(kind_of.values()))
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for path, role, target, line in links:
        # The common case, a valid link seen for the first time, costs two lookups.
        key = (path, role, target)
        if (role, kind_of.get(target)) in fine and key not in seen:
            seen.add(key)
            if target != id_of_path[path]:
                continue
        source = id_of_path[path]
        problem = _link_problem(source, role, target, kind_of.get(target), schema, key in seen)
        seen.add(key)
        if problem is not None:
            code, severity, message = problem
            findings.append(_finding(code, severity, message, path, line, source))
    return findings


def _allowed_pairs(schema: Schema, kinds: set[str]) -> set[tuple[str, str | None]]:
    """(link type, target kind) pairs that need no finding."""
    return {
        (name, kind)
        for name, link_type in schema.links.items()
        for kind in kinds
        if kind not in schema.kinds or link_type.allows(kind)
    }


def _link_problem(
    source: str,
    role: str,
    target: str,
    kind: str | None,
    schema: Schema,
    repeated: bool,
) -> tuple[str, Severity, str] | None:
    if target == source:
        return "link/self", Severity.ERROR, f"{source} links to itself ({role})"
    if repeated:
        message = f"{source} lists {target} twice under {role}"
        return "link/duplicate", Severity.WARNING, message
    if kind is None:
        return "link/dangling", Severity.ERROR, f"{source} {role} {target}, which does not exist"
    link_type = schema.links.get(role)
    if link_type is None or kind not in schema.kinds or link_type.allows(kind):
        return None  # an unknown link type or kind is reported where it is read
    allowed = ", ".join(sorted(link_type.targets))
    message = f"{source} {role} {target}, a {kind}; '{role}' may point only to: {allowed}"
    return "link/target-kind", Severity.ERROR, message


def _cycle_findings(
    links: Sequence[LinkRow],
    id_of_path: dict[str, str],
    owner: dict[str, ItemRow],
    schema: Schema,
) -> list[Finding]:
    acyclic = _acyclic(schema)
    edges: dict[str, defaultdict[str, list[str]]] = {role: defaultdict(list) for role in acyclic}
    first_line: dict[tuple[str, str], int | None] = {}
    for path, role, target, line in links:
        source = id_of_path[path]
        if role in acyclic and target in owner and owner[source][0] == path:
            edges[role][source].append(target)
            first_line.setdefault((source, role), line)
    findings: list[Finding] = []
    for role in sorted(acyclic):
        for group in _cycles(edges[role]):
            start = owner[group[0]]
            findings.append(
                _finding(
                    "link/cycle",
                    Severity.ERROR,
                    f"'{role}' links form a cycle among {', '.join(group)}",
                    start[0],
                    first_line.get((group[0], role)),
                    group[0],
                )
            )
    return findings


def _cycles(edges: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Groups of ids joined in a cycle, each sorted; the groups sorted.

    Nodes that cannot be on a cycle (no way out, or no way in, after peeling)
    are removed first, so the common acyclic case costs one linear pass.
    """
    remaining = _peel(edges)
    if not remaining:
        return []
    sub = {node: [t for t in edges.get(node, []) if t in remaining] for node in remaining}
    return sorted(group for group in strongly_connected(sub) if len(group) > 1)


def _peel(edges: dict[str, list[str]]) -> set[str]:
    """Kahn's algorithm: the nodes left when sinks are removed repeatedly."""
    out_degree: dict[str, int] = defaultdict(int)
    incoming: defaultdict[str, list[str]] = defaultdict(list)
    for source, targets in edges.items():
        for target in targets:
            out_degree[source] += 1
            out_degree.setdefault(target, 0)
            incoming[target].append(source)
    sinks = [node for node, degree in out_degree.items() if degree == 0]
    while sinks:
        node = sinks.pop()
        for source in incoming.get(node, ()):
            out_degree[source] -= 1
            if out_degree[source] == 0:
                sinks.append(source)
    return {node for node, degree in out_degree.items() if degree > 0}

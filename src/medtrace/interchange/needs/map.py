"""sphinx-needs needs as medtrace items.

Each need becomes an item of the kind its type maps to (``kinds`` over
:data:`NEEDS_KINDS`; other types software-requirement), id its id, title its
title, body its content (or description), tags its tags, status when it is a
medtrace status. A link becomes the first of derived-from, verifies, implements,
part-of that the kind may hold to the target's kind; one that fits none, or
whose target is nowhere, is kept in the ``sphinx-needs`` body section with a
warning (``migrate/link-unmapped``). The other attributes go to that section.
"""

from __future__ import annotations

from collections.abc import Mapping

from medtrace.errors import MedtraceError
from medtrace.interchange.items import LINK_ROLES, STATUSES, NewItem, body_section
from medtrace.interchange.needs.records import Need
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.schema import Schema

NEEDS_KINDS = {
    "req": "software-requirement",
    "spec": "software-requirement",
    "test": "test-case",
    "impl": "software-unit",
}
NEEDS_DEFAULT_KIND = "software-requirement"


def needs_items(
    needs: tuple[Need, ...],
    schema: Schema,
    kinds: Mapping[str, str] | None,
    existing: Mapping[str, str],
    source: str,
    warnings: list[Finding],
) -> list[NewItem]:
    """The items of ``needs``; ``existing`` maps the project's ids to their kinds,
    ``warnings`` gets a finding per link kept in the body only."""
    table = {**NEEDS_KINDS, **(kinds or {})}
    kind_of = {need.id: table.get(need.type, NEEDS_DEFAULT_KIND) for need in needs}
    return [_need_item(need, schema, kind_of, existing, source, warnings) for need in needs]


def _need_item(
    need: Need,
    schema: Schema,
    kind_of: Mapping[str, str],
    existing: Mapping[str, str],
    source: str,
    warnings: list[Finding],
) -> NewItem:
    kind = kind_of[need.id]
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="name a kind of medtrace.toml")
    links: dict[str, list[str]] = {}
    unmapped_links: dict[str, list[str]] = {}
    for field, targets in need.links:
        for target in targets:
            target_kind = kind_of.get(target) or existing.get(target)
            role = next(
                (
                    r
                    for r in (*LINK_ROLES, "part-of")
                    if r in spec.links
                    and target_kind is not None
                    and target_kind in schema.links[r].targets
                ),
                None,
            )
            if role is None:
                unmapped_links.setdefault(field, []).append(target)
                why = "is no item" if target_kind is None else f"is a {target_kind}"
                warnings.append(
                    Finding(
                        code="migrate/link-unmapped",
                        severity=Severity.WARNING,
                        message=f"{need.id} {field} -> {target}: the target {why}; "
                        "kept in the body only",
                        location=SourceLocation(path=source),
                        item=need.id,
                    )
                )
            elif target not in links.setdefault(role, []):
                links[role].append(target)
    extra: dict[str, object] = {"type": need.type, **dict(need.extra)}
    fields: list[tuple[str, object]] = []
    if need.tags:
        fields.append(("tags", list(need.tags)))
    if need.status in STATUSES:
        fields.append(("status", need.status))
    elif need.status:
        extra["status"] = need.status
    if unmapped_links:
        extra["unmapped-links"] = unmapped_links
    section = body_section("sphinx-needs", extra)
    body = need.body.rstrip("\n")
    return NewItem(
        id=need.id,
        kind=kind,
        title=need.title.strip().splitlines()[0] if need.title.strip() else need.id,
        body=f"{body}\n\n{section}" if body else section,
        fields=tuple(fields),
        links=tuple((role, tuple(targets)) for role, targets in links.items() if targets),
        unmapped=tuple(extra),
        source=need.id,
    )

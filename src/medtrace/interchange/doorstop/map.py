"""Doorstop items as medtrace items: each item becomes an item of the kind its
document maps to (by default the top document's system requirements, the others'
software requirements), id its UID, its links derived-from links (the first of
derived-from, verifies, implements the kind holds); its other attributes go to a
``doorstop`` section of the body."""

from __future__ import annotations

from collections.abc import Mapping

from medtrace.errors import MedtraceError
from medtrace.interchange.doorstop.records import DoorstopTree
from medtrace.interchange.items import LINK_ROLES, NewItem, body_section
from medtrace.model.schema import Schema


def doorstop_items(
    tree: DoorstopTree, schema: Schema, kinds: Mapping[str, str] | None = None
) -> list[NewItem]:
    """The medtrace items of a Doorstop tree (see :func:`import_doorstop`)."""
    documents = {d.prefix: d for d in tree.documents}
    kind_of: dict[str, str] = {}
    for prefix, document in documents.items():
        default = "system-requirement" if document.parent is None else "software-requirement"
        kind_of[prefix] = (kinds or {}).get(prefix, default)
    new: list[NewItem] = []
    for item in tree.items:
        kind = kind_of[item.document]
        section = body_section("doorstop", {"document": item.document, **dict(item.extra)})
        body = item.text.rstrip("\n")
        new.append(
            NewItem(
                id=item.uid,
                kind=kind,
                title=item.title,
                body=f"{body}\n\n{section}" if body else section,
                links=((_link_role(schema, kind), item.links),) if item.links else (),
                unmapped=tuple(name for name, _ in item.extra),
                source=item.path,
            )
        )
    return new


def _link_role(schema: Schema, kind: str) -> str:
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="name a kind of medtrace.toml")
    for role in LINK_ROLES:
        if role in spec.links:
            return role
    raise MedtraceError(
        f"a {kind} holds none of the links {', '.join(LINK_ROLES)}; its links cannot be imported",
        hint="map the document to a requirement kind",
    )

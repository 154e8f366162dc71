"""One item as a page shows it: its body rendered as the documents render it, its
fields, its links both ways, the findings on it and its effective safety class.

Everything here comes from a :class:`~medtrace.api.workspace.Snapshot`; the
body goes through :func:`medtrace.export.documents.render_markdown_safe`, the
one sanitiser of the document set, so a ``<script>`` or ``javascript:`` link in
an item shows as inert text on every page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from medtrace.api.check import check_project
from medtrace.api.code import project_fingerprints
from medtrace.api.workspace import Snapshot
from medtrace.errors import ProjectError
from medtrace.export.documents import render_markdown_safe
from medtrace.graph.fingerprint import Fingerprints
from medtrace.model import Finding, Item
from medtrace.model.safety import SafetyClass
from medtrace.standard.classes import Classes, compute_classes


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldView:
    name: str
    value: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkView:
    """A link as a page lists it: its type as read from here, and the item at the other end."""

    role: str  # the link type (outgoing) or its reverse name (incoming)
    item_id: str
    title: str = ""
    kind: str = ""
    exists: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemView:
    item: Item
    kind_title: str
    body_html: str  # sanitised; safe to put in a page as it is
    fields: tuple[FieldView, ...]
    upstream: tuple[LinkView, ...]  # links this item holds
    downstream: tuple[LinkView, ...]  # links pointing at it (derived)
    findings: tuple[Finding, ...]
    safety_class: str
    fingerprint: str


def render_body(text: str) -> str:
    """Markdown written by people as sanitised HTML, exactly as the documents show it."""
    return render_markdown_safe(text)


def findings_by_item(snapshot: Snapshot) -> Mapping[str, tuple[Finding, ...]]:
    """Every finding of ``check`` on the snapshot's project, by item id (``""``: none)."""

    def compute(snap: Snapshot) -> Mapping[str, tuple[Finding, ...]]:
        grouped: defaultdict[str, list[Finding]] = defaultdict(list)
        by_path = {item.source.path: item.id for item in snap.graph}
        for finding in check_project(snap.root).findings:
            grouped[finding.item or by_path.get(finding.location.path, "")].append(finding)
        return {key: tuple(found) for key, found in grouped.items()}

    return snapshot.derived("findings-by-item", compute)


def classes(snapshot: Snapshot) -> Classes:
    """The effective safety classes of the snapshot's items."""
    return snapshot.derived("classes", lambda snap: compute_classes(snap.graph))


def class_of(snapshot: Snapshot, item: Item) -> SafetyClass:
    return classes(snapshot).of(snapshot.graph, item)


def item_view(snapshot: Snapshot, item_id: str) -> ItemView:
    """The view of ``item_id``; :class:`ProjectError` when no item has it."""
    graph, schema = snapshot.graph, snapshot.project.config.schema
    item = graph.get(item_id)
    if item is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    spec = schema.kinds.get(item.kind)
    fields = tuple(
        FieldView(
            name=name,
            value=", ".join(value) if isinstance(value, tuple) else _text(value),
            description=(found.description if (found := schema.field_of(item.kind, name)) else ""),
        )
        for name, value in item.fields
    )
    upstream = tuple(_link(graph.get(link.target), link.role, link.target) for link in item.links)
    downstream = tuple(
        sorted(
            (
                _link(graph.get(source), _reverse(schema.links, link.role), source)
                for link, source in graph.incoming(item.id)
            ),
            key=lambda view: (view.role, view.item_id),
        )
    )
    return ItemView(
        item=item,
        kind_title=spec.title if spec is not None else item.kind,
        body_html=render_body(item.body),
        fields=fields,
        upstream=upstream,
        downstream=downstream,
        findings=findings_by_item(snapshot).get(item.id, ()),
        safety_class=class_of(snapshot, item).value,
        fingerprint=fingerprint_of(snapshot, item),
    )


def _link(target: Item | None, role: str, item_id: str) -> LinkView:
    if target is None:
        return LinkView(role=role, item_id=item_id, exists=False)
    return LinkView(role=role, item_id=item_id, title=target.title, kind=target.kind)


def _reverse(links: Mapping[str, object], role: str) -> str:
    spec = links.get(role)
    return str(getattr(spec, "reverse", "") or f"{role} (reverse)")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fingerprints_of(snapshot: Snapshot) -> Fingerprints:
    """The items' fingerprints (units with their code), once per snapshot."""
    return snapshot.derived("fingerprints", lambda s: project_fingerprints(s.project, s.graph))


def deep_fingerprints_of(snapshot: Snapshot) -> Mapping[str, str]:
    """Every item's deep fingerprint (what link reviews record), once per snapshot."""
    return fingerprints_of(snapshot).deep()


def fingerprint_of(snapshot: Snapshot, item: Item) -> str:
    """The item's evidence fingerprint (what approvals are bound to)."""
    return fingerprints_of(snapshot).of(item.id) or ""

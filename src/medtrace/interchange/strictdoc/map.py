"""StrictDoc nodes as medtrace items (``medtrace migrate strictdoc``).

Every node with a ``UID`` that is not narrative text (``[TEXT]``, ``[FREETEXT]``)
becomes an item: id its UID, title its ``TITLE``, body its ``STATEMENT`` (else
``DESCRIPTION`` or ``CONTENT``), ``rationale`` its ``RATIONALE`` when the kind has
that field, ``status`` its ``STATUS`` when that is a medtrace status (case aside),
``tags`` its comma-separated ``TAGS``. Every other field (``MID``, ``COMMENT``,
custom grammar fields), the node's section path, its document and its ``File``
relations go to a ``strictdoc`` section of the body. ``Parent`` relations become
links of the item, ``Child`` relations links of the child, with the first role of
derived-from, verifies, implements, part-of that fits the two kinds; a relation
whose target is in no imported file nor in the project is kept in the body with
a ``migrate/link-unmapped`` warning. UIDs must be medtrace ids: one that is not
stops the import (renaming would break every reference to it in the sources).

What is not imported is reported as a ``migrate/not-imported`` warning with its
file and line: narrative nodes, nodes without a UID, includes
(``[DOCUMENT_FROM_FILE]``, never followed), sections holding no imported item,
and the document header fields other than ``TITLE`` and ``PREFIX``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.errors import MedtraceError
from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.findings import LINK_UNMAPPED, NOT_IMPORTED
from medtrace.interchange.items import (
    LINK_ROLES,
    STATUSES,
    MigrationReport,
    NewItem,
    body_section,
)
from medtrace.interchange.strictdoc.records import SdocDocument, SdocNode, SdocRelation, SdocSection
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.schema import Schema

FOLDER = "strictdoc"
NARRATIVE = frozenset({"TEXT", "FREETEXT"})  # free text between nodes: never an item
BODY_FIELDS = ("STATEMENT", "DESCRIPTION", "CONTENT")
HEADER_MAPPED = frozenset({"TITLE", "NAME", "PREFIX"})
LINK_RELATIONS = frozenset({"Parent", "Child"})


@dataclass(frozen=True, slots=True, kw_only=True)
class StrictdocReport(MigrationReport):
    """A migration report that also lists the nodes that became no item."""

    not_imported: tuple[str, ...] = ()  # "file:line TAG" of each node left out


@dataclass(frozen=True, slots=True, kw_only=True)
class _Node:
    """A node to import with its document and kind."""

    node: SdocNode
    document: SdocDocument
    kind: str

    @property
    def uid(self) -> str:
        return self.node.uid or ""

    def where(self, line: int | None = None) -> SourceLocation:
        return SourceLocation(path=self.document.path, line=line or self.node.line)


def left_out_nodes(documents: Sequence[SdocDocument]) -> tuple[str, ...]:
    """``file:line TAG`` of each node of ``documents`` that becomes no item."""
    return tuple(
        f"{document.path}:{node.line} {node.tag}"
        for document in documents
        for node in document.nodes
        if not _is_item(node)
    )


def strictdoc_items(
    documents: Sequence[SdocDocument],
    schema: Schema,
    kinds: Mapping[str, str] | None = None,
    existing: Mapping[str, str] | None = None,
    warnings: list[Finding] | None = None,
) -> list[NewItem]:
    """The medtrace items of ``documents`` (see the module docstring); ``existing``
    maps the project's item ids to kinds (link targets); what is left out or kept in
    the body only is appended to ``warnings``."""
    found = warnings if warnings is not None else []
    nodes: list[_Node] = []
    for document in documents:
        found.extend(_left_out(document))
        default = _default_kind(document)
        for node in document.nodes:
            if not _is_item(node):
                continue
            kind = _kind_of(node, document, kinds or {}, default, schema)
            nodes.append(_Node(node=node, document=document, kind=kind))
    bad = [n for n in nodes if not ID_PATTERN.match(n.uid)]
    if bad:
        shown = ", ".join(f"{n.where()}: {n.uid!r}" for n in bad[:5])
        raise MedtraceError(
            f"{len(bad)} UID(s) are not medtrace ids: {shown} (nothing was written)",
            hint="an id starts with a letter and holds letters, digits, '.', '_' or '-'; "
            "rename the UIDs in StrictDoc first",
        )
    kind_of = {**(existing or {}), **{n.uid: n.kind for n in nodes}}
    links, kept = _links(nodes, schema, kind_of, found)
    return [_item(n, schema, links.get(n.uid, {}), kept.get(n.uid, [])) for n in nodes]


def _is_item(node: SdocNode) -> bool:
    return node.tag not in NARRATIVE and node.uid is not None


def _default_kind(document: SdocDocument) -> str:
    root = (document.field("ROOT") or "").strip().lower() == "true"
    derived = any(r.type == "Parent" for node in document.nodes for r in node.relations)
    return "system-requirement" if root or not derived else "software-requirement"


def _kind_of(
    node: SdocNode,
    document: SdocDocument,
    kinds: Mapping[str, str],
    default: str,
    schema: Schema,
) -> str:
    name = Path(document.path).name
    keys = (node.tag, name, Path(name).stem, document.prefix or "")
    kind = next((kinds[key] for key in keys if key in kinds), default)
    if kind not in schema.kinds:
        raise MedtraceError(f"kind {kind!r} is not known", hint="name a kind of medtrace.toml")
    return kind


Links = dict[str, dict[str, list[str]]]  # item id -> role -> targets


def _links(
    nodes: Sequence[_Node], schema: Schema, kind_of: Mapping[str, str], warnings: list[Finding]
) -> tuple[Links, dict[str, list[SdocRelation]]]:
    """The links of each item, and the relations each keeps in its body only."""
    links: Links = {}
    kept: dict[str, list[SdocRelation]] = {}
    imported = {n.uid for n in nodes}
    for n in nodes:
        for relation in n.node.relations:
            if relation.type not in LINK_RELATIONS:
                kept.setdefault(n.uid, []).append(relation)
                continue
            child, parent = (
                (n.uid, relation.value) if relation.type == "Parent" else (relation.value, n.uid)
            )
            role = _role(schema, kind_of.get(child), kind_of.get(parent))
            if role is None or child not in imported:
                kept.setdefault(n.uid, []).append(relation)
                warnings.append(_unmapped_link(n, relation, kind_of, imported, role))
                continue
            targets = links.setdefault(child, {}).setdefault(role, [])
            if parent not in targets:
                targets.append(parent)
            if relation.role is not None:
                kept.setdefault(n.uid, []).append(relation)
    return links, kept


def _role(schema: Schema, kind: str | None, target_kind: str | None) -> str | None:
    spec = schema.kinds.get(kind) if kind is not None else None
    if spec is None or target_kind is None:
        return None
    for role in (*LINK_ROLES, "part-of"):
        if role in spec.links and target_kind in schema.links[role].targets:
            return role
    return None


def _unmapped_link(
    n: _Node,
    relation: SdocRelation,
    kind_of: Mapping[str, str],
    imported: set[str],
    role: str | None,
) -> Finding:
    target = relation.value
    if target not in kind_of:
        why = "the target is in no imported file and not in the project"
    elif role is None:
        pair = (n.kind, kind_of[target])
        if relation.type == "Child":
            pair = pair[::-1]
        why = f"a {pair[0]} can hold no link to a {pair[1]}"
    else:
        why = "the child is an item of the project already, which an import never changes"
    return Finding(
        code=LINK_UNMAPPED,
        severity=Severity.WARNING,
        message=f"{n.uid} {relation.type} -> {target}: {why}; kept in the body only",
        location=n.where(relation.line),
        item=n.uid,
    )


def _item(
    n: _Node, schema: Schema, links: Mapping[str, list[str]], kept: Sequence[SdocRelation]
) -> NewItem:
    node = n.node
    spec = schema.kinds[n.kind]
    body_field = next((name for name in BODY_FIELDS if node.field(name) is not None), None)
    body = (node.field(body_field) or "").rstrip("\n") if body_field is not None else ""
    fields: list[tuple[str, object]] = []
    used = {"UID", "TITLE"} | ({body_field} if body_field is not None else set())
    status = (node.field("STATUS") or "").strip().lower()
    if status in STATUSES and len(node.values("STATUS")) == 1:
        fields.append(("status", status))
        used.add("STATUS")
    tags = [tag.strip() for tag in (node.field("TAGS") or "").split(",") if tag.strip()]
    if tags and len(node.values("TAGS")) == 1:
        fields.append(("tags", tags))
        used.add("TAGS")
    if "rationale" in {f.name for f in spec.fields} and len(node.values("RATIONALE")) == 1:
        fields.append(("rationale", node.values("RATIONALE")[0].rstrip("\n")))
        used.add("RATIONALE")
    extra = _extra(n, used, kept)
    context: dict[str, object] = {"document": n.document.title or Path(n.document.path).name}
    if node.section:
        context["section"] = list(node.section)
    if node.tag != "REQUIREMENT":
        context["tag"] = node.tag
    section = body_section("strictdoc", {**context, **extra})
    return NewItem(
        id=n.uid,
        kind=n.kind,
        title=_title(node, body),
        body=f"{body}\n\n{section}" if body else section,
        fields=tuple(fields),
        links=tuple((role, tuple(targets)) for role, targets in links.items() if targets),
        unmapped=tuple(extra),
        source=f"{n.document.path}:{node.line}",
    )


def _extra(n: _Node, used: set[str], kept: Sequence[SdocRelation]) -> dict[str, object]:
    """The fields and relations of a node that have no medtrace field, by name: the
    grammar's declared order first, then file order; a repeated field as a list."""
    declared = n.document.declared(n.node.tag)
    order = [*(declared.fields if declared is not None else ()), *(k for k, _ in n.node.fields)]
    extra: dict[str, object] = {}
    for name in dict.fromkeys(order):
        values = n.node.values(name)
        if name not in used and values:
            extra[name] = values[0] if len(values) == 1 else list(values)
    if kept:
        extra["RELATIONS"] = [_relation_entry(relation) for relation in kept]
    return extra


def _relation_entry(relation: SdocRelation) -> dict[str, str]:
    entry = {"TYPE": relation.type, relation.key: relation.value}
    if relation.role is not None:
        entry["ROLE"] = relation.role
    return entry | dict(relation.attributes)


def _title(node: SdocNode, body: str) -> str:
    for candidate in (node.field("TITLE") or "", body):
        for line in candidate.splitlines():
            if line.strip():
                return line.strip()[:200]
    return node.uid or node.tag


def _left_out(document: SdocDocument) -> list[Finding]:
    """A warning for each part of ``document`` that becomes no item and no field."""
    found: list[Finding] = []

    def report(line: int | None, message: str) -> None:
        where = SourceLocation(path=document.path, line=line)
        found.append(
            Finding(code=NOT_IMPORTED, severity=Severity.WARNING, message=message, location=where)
        )

    header = [name for name, _ in document.fields if name not in HEADER_MAPPED]
    header += [f"[GRAMMAR] {name}" for name, _ in document.grammar_fields]
    if header:
        report(1, f"[DOCUMENT] header fields not imported: {', '.join(header)}")
    for include in document.includes:
        target = dict(include.fields).get("FILE", "?")
        report(include.line, f"[{include.tag}] {target} is not followed; import that file too")
    for node in document.nodes:
        if node.tag in NARRATIVE:
            start = next((v.strip() for _, v in node.fields if v.strip()), "")[:60]
            report(node.line, f"[{node.tag}] narrative text is not imported: {start!r}...")
        elif node.uid is None:
            report(node.line, f"[{node.tag}] has no UID and is not imported")
    for section in _empty_sections(document):
        report(section.line, f"[SECTION] {section.title!r} holds no imported item")
    return sorted(found, key=Finding.sort_key)


def _empty_sections(document: SdocDocument) -> list[SdocSection]:
    """The sections with no imported node inside, however deep."""
    sections = document.sections
    items = [n for n in document.nodes if _is_item(n)]
    empty: list[SdocSection] = []
    for index, section in enumerate(sections):
        depth = len(section.path)
        after = (s.line for s in sections[index + 1 :] if len(s.path) <= depth)
        end = next(after, None)
        inside = any(
            n.line > section.line
            and (end is None or n.line < end)
            and n.section[:depth] == section.path
            for n in items
        )
        if not inside:
            empty.append(section)
    return empty

"""ReqIF records as medtrace items (``medtrace migrate reqif``).

Each SPEC-OBJECT becomes a new item:

- kind: the spec object type's long name when it names a kind, else the type's
  entry in ``[reqif] kinds``, else ``[reqif] default-kind``
  (software-requirement);
- id, title, body: the attributes ``[reqif] fields`` maps to ``id``, ``title``
  or ``body``, else ``ReqIF.ForeignID`` (id), ``ReqIF.Name`` or
  ``ReqIF.ChapterName`` (title), ``ReqIF.Text`` (body, XHTML as Markdown). An
  object whose id value is absent, not a valid id or taken by an earlier object
  gets ``<prefix>-<n>`` (``[reqif] id-prefix``, else the kind's prefix; ``n`` the
  first number free in the project and the file, three digits, in file order) and
  its IDENTIFIER is kept. An id the project has already refuses the import.
  Without a title attribute the title is the object's LONG-NAME, else the first
  line of the body, else the id;
- fields: an attribute ``[reqif] fields`` maps to a field, or named like a field
  of the kind (case and ``-``/``_``/space aside), is decoded by the field's type
  (a list from a JSON array, else one value per line; an enum value in any case);
- everything else (other attributes, values that fit no field, the type's name
  when it is no kind, the original IDENTIFIER, the hierarchy) is kept in a
  ``## reqif`` section of the body.

A SPEC-RELATION becomes a link of its source item: of the type its long name
names when the source's kind may hold it towards the target's kind, else of the
type ``[reqif] links`` maps it to, else of the first of derived-from, verifies,
implements, part-of that fits. One that fits none is kept in the section
(``unmapped-links``) with a ``migrate/link-unmapped`` warning: every relation is
either a link or a line of the section.

The specification hierarchy is document structure (chapters, headings), not the
architecture a ``part-of`` link claims, so it never becomes a link: an object
below another one records ``parent`` (the parent's item id) and ``position``
(1-based among its siblings) in its section; the order of top-level objects is
the order of the file.

Export (``medtrace migrate reqif-export``): see :mod:`medtrace.interchange.reqif.write`;
the items come back from an import of the file unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from medtrace.ingest.item_file import ID_PATTERN
from medtrace.ingest.values import FieldValueError, coerce
from medtrace.ingest.yamlnodes import Nested, RawValue
from medtrace.interchange.findings import NOT_IMPORTED
from medtrace.interchange.items import LINK_ROLES, NewItem, body_section
from medtrace.interchange.reqif.records import ReqifDocument, ReqifNode, ReqifObject
from medtrace.interchange.reqif.write import CHAPTER_NAME, FOREIGN_ID, NAME, TEXT
from medtrace.model import FieldType, Finding, Severity, SourceLocation
from medtrace.model.config import ReqifConfig
from medtrace.model.schema import FieldSpec, Schema

SECTION = "reqif"
DEFAULT_FIELDS = ((FOREIGN_ID, "id"), (NAME, "title"), (CHAPTER_NAME, "title"), (TEXT, "body"))
TITLE_LIMIT = 120  # characters of a title taken from the body's first line
HEADING_TYPES = frozenset({"heading", "chapter", "section", "headline"})
HEADING_ATTRIBUTES = frozenset({"type", "reqif.type", "object type", "objecttype", "kind"})
_PARTS = ("id", "title", "body")
_SEPARATORS = re.compile(r"[\s_]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class MappedItems:
    """The items of a ReqIF document, and what the mapping warns about."""

    items: list[NewItem]
    warnings: list[Finding]
    links_kept: int = 0  # relations kept in a body section instead of a link


@dataclass(slots=True)
class _Draft:
    """One spec object on its way to an item."""

    obj: ReqifObject
    kind: str
    id: str = ""
    id_attribute: str = ""
    title: str = ""
    body: str = ""
    fields: list[tuple[str, object]] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # the section, top level
    attributes: dict[str, object] = field(default_factory=dict)  # unmapped attributes
    unmapped_links: dict[str, list[str]] = field(default_factory=dict)


def reqif_items(
    document: ReqifDocument,
    schema: Schema,
    config: ReqifConfig,
    taken: set[str],
    source: str = "",
) -> MappedItems:
    """Map a ReqIF document to new items (see the module's docstring); ``taken`` are
    the ids the project has already."""
    return ReqifMapper(schema, config, taken, source).map(document)


class ReqifMapper:
    def __init__(self, schema: Schema, config: ReqifConfig, taken: set[str], source: str) -> None:
        self.schema = schema
        self.config = config
        self.taken = taken
        self.source = source
        self.kinds = dict(config.kinds)
        self.configured = dict(config.fields)
        self.link_of = dict(config.links)
        self.warnings: list[Finding] = []
        self.roles: dict[str, dict[str, str]] = {}  # kind -> attribute name -> part or field
        self.destinations: dict[tuple[str, str], tuple[str | None, FieldSpec | None]] = {}
        self.decoded: dict[tuple[str, str, str], object | None] = {}
        self.links_kept = 0

    def map(self, document: ReqifDocument) -> MappedItems:
        drafts = self.prepare(document)
        return MappedItems(
            items=[self.item(draft) for draft in drafts],
            warnings=self.warnings,
            links_kept=self.links_kept,
        )

    def prepare(self, document: ReqifDocument) -> list[_Draft]:
        """Every object's draft but the headings', with its id, place and links (the
        relations that fit no link counted in ``links_kept``), ready for :meth:`item`."""
        headings = {obj.identifier: obj for obj in document.objects if self.is_heading(obj)}
        drafts = [self.draft(obj) for obj in document.objects if obj.identifier not in headings]
        self.assign_ids(drafts)
        by_identifier = {draft.obj.identifier: draft for draft in drafts}
        self.hierarchy(document.hierarchy, by_identifier, headings)
        kept = 0
        for relation in document.relations:
            draft = by_identifier.get(relation.source)
            target = by_identifier.get(relation.target)
            if draft is None:  # from a heading
                self.warn(NOT_IMPORTED, f"{relation.type} from a heading: not imported", "")
                continue
            if target is None:
                kept += self.dangling(draft, relation.type, relation.target, headings)
                continue
            role = self.role(relation.type, draft.kind, target.kind)
            if role is not None:
                draft.links.setdefault(role, []).append(target.id)
                continue
            kept += 1
            draft.unmapped_links.setdefault(relation.type, []).append(target.id)
            self.warn(
                "migrate/link-unmapped",
                f"{draft.id} {relation.type} -> {target.id}: no link type of a {draft.kind} "
                f"fits a {target.kind}; kept in the body only",
                draft.id,
            )
        self.links_kept = kept
        for heading in headings.values():
            text = " (its text is not imported)" if heading.attribute(TEXT) else ""
            self.warn(
                NOT_IMPORTED,
                f"{heading.identifier[:80]} {_heading_title(heading)!r} is a heading: document "
                f"structure, named as the section of the items below it, not an item{text}",
                "",
            )
        return drafts

    def is_heading(self, obj: ReqifObject) -> bool:
        """Whether ``obj`` is a heading (Polarion, DOORS): its type, or a type attribute,
        says heading or chapter, and the ``[reqif] kinds`` mapping does not name it."""
        if obj.type in self.schema.kinds or obj.type in self.kinds:
            return False
        if obj.type.strip().lower() in HEADING_TYPES:
            return True
        return any(
            name.strip().lower() in HEADING_ATTRIBUTES and value.strip().lower() in HEADING_TYPES
            for name, value in obj.attributes
        )

    def kind_names(self, draft: _Draft) -> tuple[str, ...]:
        """What a specification named after the object's kind is called (medtrace's own
        export writes one per kind): the kind, its title, the object's type."""
        spec = self.schema.kinds.get(draft.kind)
        return (draft.kind, draft.obj.type, spec.title if spec is not None else draft.kind)

    def dangling(
        self, draft: _Draft, type_name: str, target: str, headings: Mapping[str, ReqifObject]
    ) -> int:
        """A relation of ``draft`` to an object the file does not hold (or a heading): a
        link to its identifier, which ``check`` reports as dangling, when that is an id;
        else kept in the body (counted: 1)."""
        spec = self.schema.kinds[draft.kind]
        roles = (type_name, self.link_of.get(type_name), *LINK_ROLES, "part-of")
        role = next((r for r in roles if r is not None and r in spec.links), None)
        if target not in headings and role is not None and ID_PATTERN.match(target):
            draft.links.setdefault(role, []).append(target)
            return 0
        shown = _heading_title(headings[target]) if target in headings else target
        draft.unmapped_links.setdefault(type_name, []).append(shown)
        why = "a heading" if target in headings else "not in the file and no valid id"
        self.warn(
            "migrate/link-unmapped",
            f"{draft.id} {type_name} -> {shown[:80]}: the target is {why}; kept in the body only",
            draft.id,
        )
        return 1

    def items(self, drafts: list[_Draft], trees: list[object]) -> Iterator[NewItem]:
        """The items of ``drafts``; after the last one, the parsed XML ``trees`` are
        freed, while the last files are created (freeing the tree of a 100 MB file, and
        the allocator's tidying up after it, take about a second)."""
        for draft in drafts:
            yield self.item(draft)
        trees.clear()

    def warn(self, code: str, message: str, item: str) -> None:
        self.warnings.append(
            Finding(
                code=code,
                severity=Severity.WARNING,
                message=message,
                location=SourceLocation(path=self.source),
                item=item,
            )
        )

    def kind_of(self, type_name: str) -> str:
        if type_name in self.schema.kinds:
            return type_name
        return self.kinds.get(type_name, self.config.default_kind)

    def attribute_roles(self, kind: str) -> dict[str, str]:
        """Attribute long name -> ``id``/``title``/``body`` or a field of ``kind``."""
        known = self.roles.get(kind)
        if known is None:
            known = {**dict(DEFAULT_FIELDS), **self.configured}
            for name in self.field_names(kind):
                known.setdefault(name, name)
            self.roles[kind] = known
        return known

    def field_names(self, kind: str) -> list[str]:
        spec = self.schema.kinds[kind]
        return [*(f.name for f in self.schema.common_fields), *(f.name for f in spec.fields)]

    def target_of(self, kind: str, name: str) -> str | None:
        roles = self.attribute_roles(kind)
        target = roles.get(name)
        if target is None:
            target = roles.get(_SEPARATORS.sub("-", name.strip().lower()))
            if target in _PARTS:
                target = None  # only the exact ReqIF names are id, title, body
        return target

    def destination(self, kind: str, name: str) -> tuple[str | None, FieldSpec | None]:
        """Where the attribute ``name`` of a ``kind`` goes: a part or a field, and the
        field's spec (remembered: a large file names the same few attributes 100,000s of
        times)."""
        key = (kind, name)
        known = self.destinations.get(key)
        if known is None:
            target = self.target_of(kind, name)
            spec = self.schema.field_of(kind, target) if target else None
            known = self.destinations[key] = (target, spec)
        return known

    def decode(self, kind: str, spec: FieldSpec, text: str) -> object | None:
        """:func:`_decode`, remembered: values such as statuses and tags repeat."""
        key = (kind, spec.name, text)
        if key not in self.decoded:
            self.decoded[key] = _decode(spec, text)
        value = self.decoded[key]
        return list(value) if isinstance(value, list) else value

    def draft(self, obj: ReqifObject) -> _Draft:
        draft = _Draft(obj=obj, kind=self.kind_of(obj.type))
        if obj.type != draft.kind:
            draft.extra["type"] = obj.type
        parts: dict[str, tuple[str, str]] = {}  # id/title/body -> (attribute, value)
        for name, value in obj.attributes:
            target, spec = self.destination(draft.kind, name)
            if target in _PARTS and target not in parts and (value.strip() or target == "body"):
                parts[target] = (name, value)
                continue
            if spec is not None and spec.name not in {f for f, _ in draft.fields}:
                decoded = self.decode(draft.kind, spec, value)
                if decoded is not None:
                    draft.fields.append((spec.name, decoded))
                    continue
                if value.strip():
                    self.warn(
                        "migrate/value-invalid",
                        f"{obj.identifier} {name}: {value[:40]!r} does not fit the field "
                        f"{spec.name!r}; kept in the body only",
                        obj.identifier,
                    )
            draft.attributes[name] = value
        if "id" in parts:
            draft.id_attribute, draft.id = parts["id"][0], parts["id"][1].strip()
        draft.body = parts["body"][1] if "body" in parts else ""
        name, title = parts.get("title", ("", ""))
        title = title.strip()
        if "\n" in title:  # a title is one line: the whole value is kept in the section
            draft.attributes[name] = title
            title = " ".join(title.split())
        draft.title = title or " ".join(obj.long_name.split()) or _first_line(draft.body)
        return draft

    def assign_ids(self, drafts: list[_Draft]) -> None:
        # An id the project has already is kept: writing refuses it, as every migration
        # does. Made ids skip the project's ids and the file's.
        seen: set[str] = set()
        rejected: list[_Draft] = []
        for draft in drafts:
            if draft.id and ID_PATTERN.match(draft.id) and draft.id not in seen:
                seen.add(draft.id)
            else:
                if draft.id:
                    draft.attributes[draft.id_attribute] = draft.id
                rejected.append(draft)
        used = seen | self.taken
        counters: dict[str, int] = {}
        for draft in rejected:
            prefix = self.config.id_prefix or self.schema.kinds[draft.kind].prefix or "REQIF"
            number = counters.get(prefix, 0)
            while True:
                number += 1
                candidate = f"{prefix}-{number:03d}"
                if candidate not in used:
                    break
            counters[prefix] = number
            used.add(candidate)
            draft.id = candidate
            draft.extra = {"identifier": draft.obj.identifier, **draft.extra}
        for draft in drafts:
            draft.title = draft.title or draft.id

    def hierarchy(
        self,
        nodes: Sequence[ReqifNode],
        drafts: Mapping[str, _Draft],
        headings: Mapping[str, ReqifObject],
    ) -> None:
        """Each object's place: its parent item and position, the headings above it (its
        section), and its specification when the file holds several."""
        placed: dict[str, ReqifNode] = {}
        siblings: dict[tuple[str, str | None], int] = {}
        several = len({node.specification for node in nodes}) > 1
        for node in nodes:
            key = (node.specification, node.parent)
            siblings[key] = siblings.get(key, 0) + 1
            if node.obj in placed:
                continue
            placed[node.obj] = node
            draft = drafts.get(node.obj)
            if draft is None:  # a heading
                continue
            parent, section = _above(node, placed, headings)
            if parent is not None:
                draft.extra["parent"] = drafts[parent].id
                draft.extra["position"] = siblings[key]
            if section:
                draft.extra["section"] = section
            if several and node.specification not in self.kind_names(draft):
                draft.extra["document"] = node.specification

    def role(self, type_name: str, kind: str, target_kind: str) -> str | None:
        spec = self.schema.kinds[kind]
        for role in (type_name, self.link_of.get(type_name), *LINK_ROLES, "part-of"):
            if role is not None and role in spec.links:
                link = self.schema.links.get(role)
                if link is not None and link.allows(target_kind):
                    return role
        return None

    def item(self, draft: _Draft) -> NewItem:
        extra = dict(draft.extra)
        if draft.attributes:
            extra["attributes"] = draft.attributes
        if draft.unmapped_links:
            extra["unmapped-links"] = draft.unmapped_links
        body = draft.body
        if extra:
            section = body_section(SECTION, extra)
            body = f"{body.rstrip()}\n\n{section}" if body.strip() else section
        return NewItem(
            id=draft.id,
            kind=draft.kind,
            title=draft.title,
            body=body,
            fields=tuple(draft.fields),
            links=tuple((role, tuple(targets)) for role, targets in draft.links.items()),
            unmapped=tuple(draft.attributes),
            source=draft.obj.identifier,
        )


def _above(
    node: ReqifNode, placed: Mapping[str, ReqifNode], headings: Mapping[str, ReqifObject]
) -> tuple[str | None, list[str]]:
    """The nearest object above ``node`` that is no heading, and the titles of the
    headings above it, outermost first."""
    parent: str | None = None
    section: list[str] = []
    seen = {node.obj}
    up = node.parent
    while up is not None and up not in seen:
        seen.add(up)
        if up in headings:
            section.append(_heading_title(headings[up]))
        elif parent is None:
            parent = up
        above = placed.get(up)
        up = above.parent if above is not None else None
    return parent, section[::-1]


def _heading_title(heading: ReqifObject) -> str:
    for name in (CHAPTER_NAME, NAME):
        value = " ".join((heading.attribute(name) or "").split())
        if value:
            return value
    return " ".join(heading.long_name.split()) or heading.identifier


def _first_line(body: str) -> str:
    for line in body.splitlines():
        text = " ".join(line.strip().lstrip("#").split())
        if text:
            return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"
    return ""


def _decode(spec: FieldSpec, text: str) -> object | None:
    """The front matter value of ``text`` in the field ``spec``; ``None`` if it does not fit."""
    raw: RawValue = text
    if spec.type in (FieldType.LIST, FieldType.FINGERPRINTS):
        raw = _list(text)
    elif spec.type is FieldType.ENUM:
        folded = {value.lower(): value for value in spec.values}
        raw = text if text in spec.values else folded.get(text.strip().lower(), text)
    try:
        value = coerce(spec, raw)
    except FieldValueError:
        return None
    return list(value) if isinstance(value, tuple) else value


def _list(text: str) -> RawValue:
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list) and all(isinstance(value, str) for value in loaded):
            values: list[str | Nested | None] = list(loaded)
            return values
    return [line.strip() for line in text.splitlines() if line.strip()]

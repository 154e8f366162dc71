"""Write items as a ReqIF 1.2 exchange file (the reverse of ``medtrace migrate reqif``).

Pure: items and the schema in, bytes out; the same items and timestamp give the
same bytes. The file holds:

- one SPEC-OBJECT-TYPE per kind (LONG-NAME: the kind's name) with the string
  attributes ``ReqIF.ForeignID`` (the id) and ``ReqIF.Name`` (the title), the
  XHTML attribute ``ReqIF.Text`` (the Markdown body as the text of one
  ``<xhtml:div>``, which the reader takes back verbatim) and one string
  attribute per field of the kind, named like the field;
- one SPEC-OBJECT per item, in id order, its IDENTIFIER the item id (an id is
  a valid xsd:ID; every other identifier of the file starts with ``_``, so none
  can clash with an item's);
- one SPEC-RELATION-TYPE per link type used (LONG-NAME: its name) and one
  SPEC-RELATION per link whose target is in the file;
- one SPECIFICATION per kind (LONG-NAME: the kind's title) listing its items
  flat, in id order.

A field value is written as text (see :func:`encode_value`): a list as a JSON
array of strings, a boolean as ``true``/``false``, a number as Python writes it,
everything else (text, enum, date, URL) as it is. Every time stamp is
``timestamp``: the caller decides it, never the clock.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence

from lxml import etree

from medtrace.errors import MedtraceError
from medtrace.model import FieldValue, Item
from medtrace.model.schema import Schema

NAMESPACE = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd"
XHTML = "http://www.w3.org/1999/xhtml"
FOREIGN_ID = "ReqIF.ForeignID"
NAME = "ReqIF.Name"
CHAPTER_NAME = "ReqIF.ChapterName"
TEXT = "ReqIF.Text"
TOOL = "medtrace"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_STRING, _XHTML_TYPE, _SPEC_TYPE = "_datatype.string", "_datatype.xhtml", "_specification-type"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MIN_LENGTH = 65535  # MAX-LENGTH of the string datatype, or the longest value if longer


def encode_value(value: FieldValue) -> str:
    """The text of a field value in a string attribute (see the module's docstring)."""
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def reqif_bytes(
    items: Sequence[Item], schema: Schema, *, title: str, timestamp: dt.datetime = EPOCH
) -> bytes:
    """The ReqIF file of ``items`` (links to items not among them are left out, and so
    are items of a kind the schema does not know)."""
    known = sorted((i for i in items if i.kind in schema.kinds), key=lambda i: i.id)
    return _Writer(schema, _stamp(timestamp)).write(known, title)


def _stamp(timestamp: dt.datetime) -> str:
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=dt.UTC)
    return timestamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


class _Writer:
    def __init__(self, schema: Schema, stamp: str) -> None:
        self.schema = schema
        self.stamp = stamp

    def element(
        self, parent: etree._Element, name: str, identifier: str = "", long_name: str = ""
    ) -> etree._Element:
        element = etree.SubElement(parent, _q(name))
        if identifier:
            element.set("IDENTIFIER", identifier)
            element.set("LAST-CHANGE", self.stamp)
        if long_name:
            element.set("LONG-NAME", long_name)
        return element

    def ref(self, parent: etree._Element, holder: str, name: str, target: str) -> None:
        etree.SubElement(etree.SubElement(parent, _q(holder)), _q(name)).text = target

    def write(self, items: list[Item], title: str) -> bytes:
        namespaces = {None: NAMESPACE, "xhtml": XHTML}
        root = etree.Element(_q("REQ-IF"), nsmap=namespaces)  # type: ignore[arg-type]
        header = self.element(self.element(root, "THE-HEADER"), "REQ-IF-HEADER")
        header.set("IDENTIFIER", "_header")
        for name, text in (
            ("CREATION-TIME", self.stamp),
            ("REQ-IF-TOOL-ID", TOOL),
            ("REQ-IF-VERSION", "1.0"),
            ("SOURCE-TOOL-ID", TOOL),
            ("TITLE", title),
        ):
            self.element(header, name).text = _xml_text(text, "the title")
        content = self.element(self.element(root, "CORE-CONTENT"), "REQ-IF-CONTENT")
        kinds = sorted({item.kind for item in items})
        ids = {item.id for item in items}
        links = [
            (item, index, link.role, link.target)
            for item in items
            for index, link in enumerate(item.links)
            if link.target in ids
        ]
        self.datatypes(self.element(content, "DATATYPES"), items)
        types = self.element(content, "SPEC-TYPES")
        for kind in kinds:
            self.object_type(types, kind)
        for role in sorted({role for _, _, role, _ in links}):
            self.element(types, "SPEC-RELATION-TYPE", f"_role.{role}", role)
        self.element(types, "SPECIFICATION-TYPE", _SPEC_TYPE, "medtrace kind")
        objects = self.element(content, "SPEC-OBJECTS")
        for item in items:
            self.spec_object(objects, item)
        relations = self.element(content, "SPEC-RELATIONS")
        for item, index, role, target in links:
            relation = self.element(relations, "SPEC-RELATION", f"_link.{item.id}.{index}")
            self.ref(relation, "SOURCE", "SPEC-OBJECT-REF", item.id)
            self.ref(relation, "TARGET", "SPEC-OBJECT-REF", target)
            self.ref(relation, "TYPE", "SPEC-RELATION-TYPE-REF", f"_role.{role}")
        specifications = self.element(content, "SPECIFICATIONS")
        for kind in kinds:
            spec = self.schema.kinds.get(kind)
            name = spec.title if spec is not None else kind
            specification = self.element(specifications, "SPECIFICATION", f"_spec.{kind}", name)
            self.ref(specification, "TYPE", "SPECIFICATION-TYPE-REF", _SPEC_TYPE)
            children = self.element(specification, "CHILDREN")
            for item in items:
                if item.kind == kind:
                    node = self.element(children, "SPEC-HIERARCHY", f"_node.{item.id}")
                    self.ref(node, "OBJECT", "SPEC-OBJECT-REF", item.id)
        return bytes(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        )

    def datatypes(self, parent: etree._Element, items: list[Item]) -> None:
        longest = max(
            (len(text) for item in items for text in (item.id, item.title)),
            default=0,
        )
        longest = max([longest, *(len(encode_value(v)) for item in items for _, v in item.fields)])
        string = self.element(parent, "DATATYPE-DEFINITION-STRING", _STRING, "medtrace text")
        string.set("MAX-LENGTH", str(max(longest, _MIN_LENGTH)))
        self.element(parent, "DATATYPE-DEFINITION-XHTML", _XHTML_TYPE, "medtrace Markdown")

    def attribute_names(self, kind: str) -> list[str]:
        spec = self.schema.kinds.get(kind)
        if spec is None:
            return []
        own = [f.name for f in spec.fields]
        return [*(f.name for f in self.schema.common_fields if f.name not in own), *own]

    def object_type(self, parent: etree._Element, kind: str) -> None:
        object_type = self.element(parent, "SPEC-OBJECT-TYPE", f"_kind.{kind}", kind)
        attributes = self.element(object_type, "SPEC-ATTRIBUTES")
        for name in (FOREIGN_ID, NAME, *self.attribute_names(kind)):
            definition = self.element(
                attributes, "ATTRIBUTE-DEFINITION-STRING", f"_attribute.{kind}.{name}", name
            )
            self.ref(definition, "TYPE", "DATATYPE-DEFINITION-STRING-REF", _STRING)
        text = self.element(
            attributes, "ATTRIBUTE-DEFINITION-XHTML", f"_attribute.{kind}.{TEXT}", TEXT
        )
        self.ref(text, "TYPE", "DATATYPE-DEFINITION-XHTML-REF", _XHTML_TYPE)

    def spec_object(self, parent: etree._Element, item: Item) -> None:
        spec_object = self.element(parent, "SPEC-OBJECT", item.id)
        values = self.element(spec_object, "VALUES")
        known = set(self.attribute_names(item.kind))
        strings = [(FOREIGN_ID, item.id), (NAME, item.title)]
        strings += [(name, encode_value(v)) for name, v in item.fields if name in known]
        for name, text in strings:
            value = self.element(values, "ATTRIBUTE-VALUE-STRING")
            value.set("THE-VALUE", _xml_text(text, f"{item.id} {name}"))
            self.ref(value, "DEFINITION", "ATTRIBUTE-DEFINITION-STRING-REF", self.attr(item, name))
        if item.body:
            value = self.element(values, "ATTRIBUTE-VALUE-XHTML")
            self.ref(value, "DEFINITION", "ATTRIBUTE-DEFINITION-XHTML-REF", self.attr(item, TEXT))
            the_value = self.element(value, "THE-VALUE")
            div = etree.SubElement(the_value, f"{{{XHTML}}}div")
            div.text = _xml_text(item.body, f"{item.id} body")
        self.ref(spec_object, "TYPE", "SPEC-OBJECT-TYPE-REF", f"_kind.{item.kind}")

    def attr(self, item: Item, name: str) -> str:
        return f"_attribute.{item.kind}.{name}"


def _xml_text(text: str, what: str) -> str:
    """``text`` if XML can hold it; control characters (but tab and line ends) cannot."""
    found = _NOT_XML.search(text)
    if found is not None:
        raise MedtraceError(
            f"{what} holds the character {found.group()!r}, which XML cannot hold",
            hint="remove it from the item file",
        )
    return text

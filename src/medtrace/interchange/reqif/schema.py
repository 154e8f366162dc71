"""Validate a ReqIF file against the OMG ReqIF 1.2 XML schema, offline.

The schema is the one the ``reqif`` package bundles (``reqif/reqif_schema``:
``reqif.xsd`` with the XHTML modules it imports mirrored below it). As
shipped, libxml2 cannot load it: three schema documents import the XML
namespace with ``schemaLocation=""`` (which libxml2 reads as importing
themselves). A resolver serves every schema document from the package folder
with that location pointed at a small built-in schema of the ``xml:``
attributes; any other location is refused, so nothing is ever fetched.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from lxml import etree

_XML_NAMESPACE_SCHEMA = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang">
    <xs:simpleType>
      <xs:union memberTypes="xs:language">
        <xs:simpleType>
          <xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction>
        </xs:simpleType>
      </xs:union>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="space">
    <xs:simpleType>
      <xs:restriction base="xs:NCName">
        <xs:enumeration value="default"/>
        <xs:enumeration value="preserve"/>
      </xs:restriction>
    </xs:simpleType>
  </xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>
"""
_XML_NAMESPACE_NAME = "medtrace-xml-namespace.xsd"
_EMPTY_LOCATION = b'schemaLocation=""'


def schema_folder() -> Path:
    """The folder of the ReqIF 1.2 schema bundled with the ``reqif`` package."""
    spec = importlib.util.find_spec("reqif")
    if spec is None or spec.origin is None:
        raise RuntimeError("the reqif package (which holds the ReqIF schema) is not installed")
    return Path(spec.origin).parent / "reqif_schema"


def validate_reqif(data: bytes) -> list[str]:
    """The problems of a ReqIF file against the ReqIF 1.2 schema (none: valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not valid XML: {error.msg}"]
    schema = _schema()
    if schema.validate(document):
        return []
    errors = cast(Iterable[Any], schema.error_log)  # lxml-stubs: the log is iterable
    return [f"line {error.line}: {error.message}" for error in errors]


@functools.cache
def _schema() -> etree.XMLSchema:
    folder = schema_folder().resolve()
    xml_url = (folder / _XML_NAMESPACE_NAME).as_uri()

    class _Offline(etree.Resolver):
        # lxml passes a third argument, the context, which lxml-stubs leave out.
        def resolve(  # type: ignore[override]
            self, system_url: str | None, public_id: str | None, context: object
        ) -> object:
            if system_url == xml_url:
                return self.resolve_string(_XML_NAMESPACE_SCHEMA, context, base_url=None)
            path = Path(system_url.removeprefix("file://")) if system_url else None
            if path is None or folder not in path.resolve().parents or not path.is_file():
                raise OSError(f"the ReqIF schema refers to {system_url!r}, outside its folder")
            return self.resolve_string(_patched(path, xml_url), context, base_url=system_url)

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_Offline())
    main = folder / "reqif.xsd"
    root = etree.fromstring(_patched(main, xml_url), parser, base_url=main.as_uri())
    return etree.XMLSchema(etree.ElementTree(root))


def _patched(path: Path, xml_url: str) -> bytes:
    return path.read_bytes().replace(_EMPTY_LOCATION, f'schemaLocation="{xml_url}"'.encode())

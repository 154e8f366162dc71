"""CycloneDX 1.0 to 1.7, JSON and XML, read from the document's tree directly; in a
document up to :data:`LIBRARY_CHECK_LIMIT` bytes cyclonedx-python-lib also checks each
component (see :func:`_library_check_json`).

The document's subject, ``metadata.component``, is not a component; the components
nested in it are, and so are nested components anywhere. ``line`` is the
``<component>`` line in XML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast
from xml.etree import ElementTree as StdElementTree

from lxml import etree

from medtrace.ingest.sbom.common import (
    _INVALID,
    _UNKNOWN,
    Element,
    Json,
    _described,
    _ecosystem,
    _first,
    _hardened_xml,
    _hash,
    _json_list,
    _purl_source,
    _purl_type,
    _quiet,
    _UnusableError,
)
from medtrace.model.components import Component, ComponentList

CYCLONEDX_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
CYCLONEDX_NAMESPACE = "http://cyclonedx.org/schema/bom/"
# Documents up to this size also have each component checked by cyclonedx-python-lib
# (about 0.25 ms a component: 0.6 s for a 2 MB SBOM, too slow for the budget of 1 s).
LIBRARY_CHECK_LIMIT = 512 * 1024
_OPTIONAL_SCOPES = frozenset({"optional", "excluded"})


# JSON ---------------------------------------------------------------------------


def _cyclonedx_json(document: Json, size: int, path: str) -> ComponentList:
    version = document.get("specVersion")
    if version not in CYCLONEDX_VERSIONS:
        raise _UnusableError(_UNKNOWN, f"CycloneDX specVersion {version!r} is not 1.0 to 1.7")
    tops = _json_tops(document)
    components = tuple(_json_components(tops))
    if size <= LIBRARY_CHECK_LIMIT:
        _library_check_json(tops)
    return ComponentList(path=path, format=f"cyclonedx-json {version}", components=components)


def _json_tops(document: Json) -> list[tuple[str, object]]:
    """The outermost components with a label for messages: the document's, then those
    nested in its subject (``metadata.component``), which is not one."""
    tops = [(f"components[{n}]", c) for n, c in enumerate(_json_list(document, "components"))]
    metadata = document.get("metadata")
    subject = metadata.get("component") if isinstance(metadata, dict) else None
    if isinstance(subject, dict):
        nested = _json_list(subject, "components", "metadata.component")
        tops += [(f"metadata.component.components[{n}]", c) for n, c in enumerate(nested)]
    return tops


def _json_components(tops: Sequence[tuple[str, object]]) -> Iterator[Component]:
    """Every component, nested ones after their parent, in document order."""
    stack = list(reversed(tops))
    while stack:
        label, entry = stack.pop()
        if not isinstance(entry, dict):
            raise _UnusableError(_INVALID, f"{label} is not an object")
        yield _json_component(label, entry)
        nested = enumerate(_json_list(entry, "components", label))
        stack.extend(reversed([(f"{label}.components[{n}]", c) for n, c in nested]))


def _json_component(label: str, entry: Json) -> Component:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _UnusableError(_INVALID, f"{label} has no name")
    version, purl = _json_string(entry, "version", label), _json_string(entry, "purl", label)
    licenses = entry.get("licenses")
    return Component(
        name=_full_name(_string(entry.get("group")).strip(), name.strip(), purl),
        version=version,
        ecosystem=_ecosystem(purl),
        purl=purl,
        license=_json_licenses(licenses if isinstance(licenses, list) else []),
        supplier=_first(_json_suppliers(entry)),
        description=_string(entry.get("description")),
        scope=_scope(_string(entry.get("scope"))),
        hashes=_json_hashes(entry.get("hashes")),
        source=_purl_source(purl),
    )


def _json_string(entry: Json, key: str, label: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _UnusableError(
            _INVALID, f"{label} ({entry.get('name')!r}) has a {key} that is no string"
        )
    return value.strip()


def _json_licenses(choices: list[object]) -> str:
    found: list[str] = []
    for choice in choices:
        if not isinstance(choice, dict):
            continue
        licence = choice.get("license")
        if isinstance(licence, dict):
            found.append(_string(licence.get("id")) or _string(licence.get("name")))
        found.append(_string(choice.get("expression")))
    return _joined(found)


def _json_suppliers(entry: Json) -> Iterator[str]:
    for key in ("supplier", "manufacturer"):
        organisation = entry.get(key)
        if isinstance(organisation, dict):
            yield _string(organisation.get("name"))
    yield _string(entry.get("publisher"))
    yield _string(entry.get("author"))
    authors = entry.get("authors")
    for author in authors if isinstance(authors, list) else []:
        if isinstance(author, dict):
            yield _string(author.get("name"))


def _json_hashes(hashes: object) -> tuple[str, ...]:
    pairs = (
        (_string(h.get("alg")), _string(h.get("content")))
        for h in (hashes if isinstance(hashes, list) else [])
        if isinstance(h, dict)
    )
    return tuple(_hash(alg, value) for alg, value in pairs if alg and value)


def _library_check_json(tops: Sequence[tuple[str, object]]) -> None:
    """Have cyclonedx-python-lib read each outermost component (and so the ones in it).

    The library reads no spec version in particular (1.0 to 1.7 all deserialise),
    but it is slow: about 0.25 ms a component, so a 2 MB SBOM would take 0.6 s of
    the 1 s it may. The component list therefore comes from the direct reading
    above, at every size, and the library checks what it is quick enough for.
    Only components are given to it: a rejection elsewhere in the document
    (a timestamp, a tool, a vulnerability) is irrelevant to the component list.
    """
    from cyclonedx.model.component import Component as LibraryComponent

    read = cast(Any, LibraryComponent).from_json  # added by a decorator mypy cannot follow
    for label, entry in tops:
        named = f"{label} ({entry['name']!r})" if isinstance(entry, dict) else label
        _library_check(partial(read, entry), named, None)


def _library_check(read: Callable[[], object], label: str, line: int | None) -> None:
    try:
        with _quiet():
            read()
    except Exception as error:  # the library raises many kinds on what a file holds
        raise _UnusableError(_INVALID, f"{label}: {_described(error)}", line) from None


# XML ----------------------------------------------------------------------------


def _read_xml(data: bytes, path: str) -> ComponentList:
    root = _hardened_xml(data)
    qualified = etree.QName(root)
    namespace, local = qualified.namespace or "", qualified.localname
    version = namespace.removeprefix(CYCLONEDX_NAMESPACE)
    if local != "bom" or not namespace.startswith(CYCLONEDX_NAMESPACE):
        message = f"an XML document whose root <{local[:40]}> is not a CycloneDX <bom>"
        raise _UnusableError(_UNKNOWN, message, _line(root))
    if version not in CYCLONEDX_VERSIONS:
        raise _UnusableError(_UNKNOWN, f"CycloneDX XML namespace {namespace!r} is not 1.0 to 1.7")
    reader = _XmlReader(namespace)
    tops = reader.tops(root)
    components = tuple(reader.components(tops))
    if len(data) <= LIBRARY_CHECK_LIMIT:
        reader.library_check(tops)
    return ComponentList(path=path, format=f"cyclonedx-xml {version}", components=components)


@dataclass(frozen=True, slots=True)
class _XmlReader:
    """Reads the components of a CycloneDX XML document in ``namespace``."""

    namespace: str

    def tag(self, *names: str) -> str:
        return "/".join(f"{{{self.namespace}}}{name}" for name in names)

    def text(self, element: Element, *names: str) -> str:
        return (element.findtext(self.tag(*names)) or "").strip()

    def children(self, element: Element, *names: str) -> list[Element]:
        return element.findall(self.tag(*names))

    def tops(self, root: Element) -> list[Element]:
        """The outermost components: the document's, then those nested in its subject."""
        subject = self.tag("metadata", "component", "components", "component")
        return [*self.children(root, "components", "component"), *root.findall(subject)]

    def components(self, tops: Sequence[Element]) -> Iterator[Component]:
        stack = list(reversed(tops))
        while stack:
            element = stack.pop()
            yield self.component(element)
            stack.extend(reversed(self.children(element, "components", "component")))

    def component(self, element: Element) -> Component:
        name = self.text(element, "name")
        if not name:
            raise _UnusableError(_INVALID, "a <component> has no <name>", _line(element))
        purl = self.text(element, "purl")
        licences = [
            self.text(licence, "id") or self.text(licence, "name")
            for licence in self.children(element, "licenses", "license")
        ]
        licences += [self.text(element, "licenses", "expression")]
        return Component(
            name=_full_name(self.text(element, "group"), name, purl),
            version=self.text(element, "version"),
            ecosystem=_ecosystem(purl),
            purl=purl,
            license=_joined(licences),
            supplier=_first(self.suppliers(element)),
            description=self.text(element, "description"),
            scope=_scope(self.text(element, "scope")),
            hashes=tuple(
                _hash(str(h.get("alg") or ""), (h.text or "").strip())
                for h in self.children(element, "hashes", "hash")
                if h.get("alg") and (h.text or "").strip()
            ),
            source=_purl_source(purl),
            line=_line(element),
        )

    def suppliers(self, element: Element) -> Iterator[str]:
        yield self.text(element, "supplier", "name")
        yield self.text(element, "manufacturer", "name")
        yield self.text(element, "publisher")
        yield self.text(element, "author")
        for author in self.children(element, "authors", "author"):
            yield self.text(author, "name")

    def library_check(self, tops: Sequence[Element]) -> None:
        """cyclonedx-python-lib's check of each outermost component (see
        :func:`_library_check_json`). The library reads ``xml.etree`` elements: each
        is re-parsed from lxml's serialisation of an element of a document already
        read with the hardened parser and refused if it had a DOCTYPE, so it holds no
        entity declaration that expat could expand."""
        from cyclonedx.model.component import Component as LibraryComponent

        from_xml = cast(Any, LibraryComponent).from_xml  # added by a decorator, as from_json

        def read(serialised: bytes) -> object:
            plain = StdElementTree.fromstring(serialised)
            return from_xml(plain, default_namespace=self.namespace)

        for element in tops:
            serialised = etree.tostring(element, with_tail=False)
            _library_check(partial(read, serialised), "a <component>", _line(element))


# JSON and XML -------------------------------------------------------------------


def _full_name(group: str, name: str, purl: str) -> str:
    """A CycloneDX name with its group, as the package's ecosystem writes the two."""
    if not group:
        return name
    separator = ":" if _purl_type(purl) == "maven" else "/"
    prefix = f"{group}{separator}"
    return name if name.startswith(prefix) else f"{prefix}{name}"


def _scope(scope: str) -> str:
    return "optional" if scope.strip().lower() in _OPTIONAL_SCOPES else "required"


def _joined(licences: Iterable[str]) -> str:
    return " AND ".join(dict.fromkeys(lic.strip() for lic in licences if lic.strip()))


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _line(element: Element) -> int | None:
    line = getattr(element, "sourceline", None)  # the stubs type it as a bare "..."
    return line if isinstance(line, int) else None

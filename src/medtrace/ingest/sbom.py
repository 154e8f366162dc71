"""Read an SBOM (CycloneDX 1.0 to 1.7, JSON or XML; SPDX 2.2 and 2.3, JSON or
tag-value; SPDX 3.0 JSON-LD, with the 3.0.1 context) into a :class:`ComponentList`.

Pure: bytes in, a list and findings out; it never raises on what a file holds.
A file that cannot be used yields no list and one ERROR finding:
``components/unreadable`` (not well-formed JSON, XML or UTF-8 text, XML with
a DOCTYPE, a tag-value line that is no ``Tag: value``),
``components/unknown-format`` (well-formed, but neither CycloneDX nor SPDX,
or a version medtrace does not read) or ``components/invalid`` (a component
without a name, a wrong structure, or what the format's library rejects in a
component).

Which format: the content says, never the file name. JSON with ``bomFormat:
CycloneDX`` is CycloneDX, with ``spdxVersion`` SPDX 2, with an SPDX 3
``@context`` SPDX 3; XML whose root is ``bom`` in a CycloneDX namespace is
CycloneDX; text with an ``SPDXVersion:`` line is SPDX tag-value.

The document's subject is not one of its components. In CycloneDX that is
``metadata.component`` (the components nested in it, parts of the product,
are components). In SPDX it is what the document DESCRIBES (SPDX 2: the
DESCRIBES relationships, ``documentDescribes``; SPDX 3: ``rootElement`` of
the document or SBOM and its ``describes`` relationships) when that is the
product itself: the one package described, or, when several are, each that is
related to packages the document does not describe. A document that only
describes a flat set of packages (spdx-examples' third-party modules) lists
them all. SPDX files and snippets are never components; nested CycloneDX
components are.

CycloneDX is read from the JSON or XML tree directly, for every spec version
and size alike, and cyclonedx-python-lib checks each component of documents up
to :data:`LIBRARY_CHECK_LIMIT` bytes (see :func:`_library_check_json` for
why not all). SPDX 2 is read by spdx-tools (given only the parts that make the
list, see :func:`_spdx2_json`), SPDX 3 by spdx-python-model. XML
is parsed with lxml with entity expansion, DTD loading and network access off;
a document with a DOCTYPE is refused before any library sees it.

Field mapping: ``name`` is CycloneDX's ``group`` and ``name`` joined as the
package's ecosystem names it (``@scope/pkg``, ``org.group:artifact``) or the
SPDX package name; ``ecosystem`` comes from the purl type
(:data:`PURL_ECOSYSTEMS`); ``license`` is the expression, or the ids and names
joined with `` AND ``; SPDX prefers the concluded licence to the declared one,
NOASSERTION and NONE count as none; ``supplier`` is the first of supplier,
manufacturer, publisher, author (SPDX: supplier, originator);
``hashes`` are ``alg:value`` with the algorithm lowercased, dashes and
underscores dropped (``sha256:...``, ``sha3256:...``); ``source`` is the purl's
``vcs_url``, ``download_url`` or ``repository_url`` qualifier (SPDX without a
purl: its download location); ``scope`` is ``optional`` for CycloneDX's
optional and excluded, else ``required``; ``line`` is the ``<component>`` line
in XML and the ``PackageName`` line in tag-value.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, cast
from urllib.parse import unquote
from xml.etree import ElementTree as StdElementTree

from lxml import etree

from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.components import PURL_ECOSYSTEMS, Component, ComponentList

CYCLONEDX_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
CYCLONEDX_NAMESPACE = "http://cyclonedx.org/schema/bom/"
SPDX2_VERSIONS = ("2.2", "2.3")
SPDX3_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"  # what spdx-python-model reads
# Documents up to this size also have each component checked by cyclonedx-python-lib
# (about 0.25 ms a component: 0.6 s for a 2 MB SBOM, too slow for the budget of 1 s).
LIBRARY_CHECK_LIMIT = 512 * 1024
MESSAGE_LIMIT = 200

_UNREADABLE = "components/unreadable"
_UNKNOWN = "components/unknown-format"
_INVALID = "components/invalid"
_SOURCE_QUALIFIERS = ("vcs_url", "download_url", "repository_url")
_OPTIONAL_SCOPES = frozenset({"optional", "excluded"})
_NO_VALUE = frozenset({"", "NOASSERTION", "NONE"})
_TAG_LINE = re.compile(r"[ \t]*([A-Za-z]+)[ \t]*:(.*)")
_TAG_VALUE = re.compile(r"^[ \t]*SPDXVersion[ \t]*:", re.MULTILINE)
_LINE_IN_MESSAGE = re.compile(r"([Ll]ine:? )(\d+)")
_POSITION = re.compile(r", line \d+, column \d+$")
# the prolog up to a DOCTYPE; atomic groups keep it linear (a comment or processing
# instruction never stretches over the next)
_DOCTYPE = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?>(?>\s*)(?><\?.*?\?>|<!--.*?-->))*\s*<!DOCTYPE", re.DOTALL
)
_REFUSED = "a DOCTYPE: refused, CycloneDX XML has none and its entities could be hostile"

Json = dict[str, Any]
Element = etree._Element


def parse_sbom(data: bytes, path: str) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    """The components of the SBOM read from ``path`` (relative to the project root)."""
    try:
        return _read(data, path), ()
    except _UnusableError as problem:
        location = SourceLocation(path=path, line=problem.line)
        message = _one_line(problem.message)
        finding = Finding(
            code=problem.code, severity=Severity.ERROR, message=message, location=location
        )
        return None, (finding,)


class _UnusableError(Exception):
    """Why a file yields no component list; turned into a finding by :func:`parse_sbom`."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


def _read(data: bytes, path: str) -> ComponentList:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start:
        raise _UnusableError(_UNREADABLE, "the file is empty", 1)
    if start in (b"{", b"["):
        return _read_json(data, path)
    if start == b"<":
        return _read_xml(data, path)
    return _read_tag_value(data, path)


# JSON ---------------------------------------------------------------------------


def _read_json(data: bytes, path: str) -> ComponentList:
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise _UnusableError(_UNREADABLE, f"not valid JSON: {error.msg}", error.lineno) from None
    except UnicodeDecodeError as error:
        raise _UnusableError(_UNREADABLE, "not UTF-8 text", _line_at(data, error.start)) from None
    except RecursionError:
        raise _UnusableError(_UNREADABLE, "JSON nested too deeply to read", None) from None
    if isinstance(document, dict):
        if document.get("bomFormat") == "CycloneDX":
            return _cyclonedx_json(document, len(data), path)
        if "spdxVersion" in document:
            return _spdx2_json(document, path)
        if "@context" in document:
            return _spdx3_json(document, path)
    raise _UnusableError(
        _UNKNOWN, "a JSON document that is neither CycloneDX (bomFormat) nor SPDX", None
    )


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


def _json_list(holder: Json, key: str, label: str = "the document") -> list[object]:
    value = holder.get(key, [])
    if not isinstance(value, list):
        raise _UnusableError(_INVALID, f"{key!r} of {label} is not an array")
    return value


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


@contextmanager
def _quiet() -> Iterator[None]:
    """Around a library's reading: what it warns about (fields that later spec versions
    deprecate, and the like) is no problem of the file and nothing for medtrace's user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# XML ----------------------------------------------------------------------------


def _read_xml(data: bytes, path: str) -> ComponentList:
    # CycloneDX uses no DTD; one here can only declare entities, which may be hostile.
    # It is refused before parsing when the prolog shows it, and after parsing when it
    # is hidden from the pattern (UTF-16): the parser expands no entity either way.
    doctype = _DOCTYPE.match(data)
    if doctype is not None:
        raise _UnusableError(_UNREADABLE, _REFUSED, _line_at(data, doctype.end() - 9))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        message = f"not well-formed XML: {_POSITION.sub('', str(error.msg))}"
        raise _UnusableError(_UNREADABLE, message, error.lineno or None) from None
    docinfo = root.getroottree().docinfo  # the stubs know neither attribute
    if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
        raise _UnusableError(_UNREADABLE, _REFUSED, None)
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


# SPDX 2 -------------------------------------------------------------------------


def _spdx2_version(value: object, line: int | None = None) -> str:
    version = value.removeprefix("SPDX-") if isinstance(value, str) else ""
    if version not in SPDX2_VERSIONS:
        message = f"SPDX version {value!r} is not one medtrace reads (2.2, 2.3, 3.0)"
        raise _UnusableError(_UNKNOWN, message, line)
    return version


def _spdx2_json(document: Json, path: str) -> ComponentList:
    """SPDX 2 JSON, read by spdx-tools. It is given the parts that make the component
    list: the packages, the relationships and ``documentDescribes``, with a
    placeholder creation info. Files, snippets, licences, annotations and the
    creation info are irrelevant to the list, and spdx-tools rejects a whole
    document for any detail it finds wrong in them."""
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    version = _spdx2_version(document.get("spdxVersion"))
    packages = _json_list(document, "packages")
    for number, package in enumerate(packages):
        if not isinstance(package, dict):
            raise _UnusableError(_INVALID, f"packages[{number}] is not an object")
        name = package.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _UnusableError(_INVALID, f"packages[{number}] has no name")
    document_id = document.get("SPDXID")
    scoped = {
        "spdxVersion": f"SPDX-{version}",
        "SPDXID": document_id if isinstance(document_id, str) else "SPDXRef-DOCUMENT",
        "name": "packages",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://medtrace.invalid/spdx",
        "creationInfo": {"created": "1970-01-01T00:00:00Z", "creators": ["Tool: medtrace"]},
        "packages": packages,
        "relationships": document.get("relationships", []),
        "documentDescribes": document.get("documentDescribes", []),
    }
    parsed = _spdx_tools(lambda: cast(Any, JsonLikeDictParser)().parse(scoped), 0)
    return _spdx2_list(parsed, {}, path, f"spdx-json {version}")


@dataclass(frozen=True, slots=True)
class _Tag:
    """One ``Tag: value`` of a tag-value document and the lines it spans."""

    tag: str
    value: str
    first: int
    last: int


# tags that start an element in tag-value, and whether its lines matter to the list
_ELEMENT_STARTS = {
    "PackageName": True,
    "Relationship": True,
    "FileName": False,
    "SnippetSPDXID": False,
    "LicenseID": False,
    "Annotator": False,
}
_OTHER_PACKAGE_TAGS = frozenset(
    {
        "FilesAnalyzed",
        "ExternalRef",
        "ExternalRefComment",
        "PrimaryPackagePurpose",
        "BuiltDate",
        "ReleaseDate",
        "ValidUntilDate",
    }
)
_DOCUMENT_TAGS = frozenset(
    {
        "SPDXVersion",
        "DataLicense",
        "DocumentName",
        "DocumentNamespace",
        "ExternalDocumentRef",
        "LicenseListVersion",
        "Creator",
        "Created",
        "CreatorComment",
        "DocumentComment",
    }
)


def _read_tag_value(data: bytes, path: str) -> ComponentList:
    """SPDX 2 tag-value, read by spdx-tools. As for JSON, it is given only what makes
    the component list (package sections, relationships) under a placeholder
    header; the lines left out are blanked, so that its line numbers still count
    the file's lines (less the header's)."""
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _UnusableError(_UNREADABLE, "not UTF-8 text", _line_at(data, error.start)) from None
    not_spdx = _UnusableError(_UNKNOWN, "neither JSON, XML nor SPDX tag-value (no SPDXVersion)")
    if not _TAG_VALUE.search(text):
        raise not_spdx
    lines = text.split("\n")
    tags = _tags(lines)
    version_tag = next((t for t in tags if t.tag == "SPDXVersion"), None)
    if version_tag is None:  # the line was inside a <text> block
        raise not_spdx
    version = _spdx2_version(version_tag.value.strip(), version_tag.first)
    document_id, kept, package_lines = _scoped_lines(tags, lines)
    header = [
        f"SPDXVersion: SPDX-{version}",
        "DataLicense: CC0-1.0",
        f"SPDXID: {document_id}",
        "DocumentName: packages",
        "DocumentNamespace: https://medtrace.invalid/spdx",
        "Creator: Tool: medtrace",
        "Created: 1970-01-01T00:00:00Z",
    ]
    scoped = "\n".join([*header, *kept])

    def parse() -> object:
        from ply import yacc  # type: ignore[import-untyped]  # spdx-tools' parser generator

        quiet = yacc.NullLogger()
        # write_tables=False: ply would otherwise write its tables into site-packages
        return cast(Any, Parser)(write_tables=False, debug=False, errorlog=quiet).parse(scoped)

    parsed = _spdx_tools(parse, len(header))
    return _spdx2_list(parsed, package_lines, path, f"spdx-tag {version}")


def _tags(lines: Sequence[str]) -> list[_Tag]:
    """The ``Tag: value`` pairs; a line that is none (and no comment) is unreadable."""
    tags: list[_Tag] = []
    number = 0
    while number < len(lines):
        line = lines[number].rstrip("\r")
        number += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _TAG_LINE.fullmatch(line)
        if match is None:
            message = f"line {number} is not 'Tag: value': {line.strip()[:60]!r}"
            raise _UnusableError(_UNREADABLE, message, number)
        first, value = number, match[2].strip()
        if value.startswith("<text>"):
            while "</text>" not in value:
                if number == len(lines):
                    message = f"the <text> opened on line {first} is never closed"
                    raise _UnusableError(_UNREADABLE, message, first)
                value += "\n" + lines[number].rstrip("\r")
                number += 1
            value = value[len("<text>") : value.index("</text>")].strip()
        tags.append(_Tag(match[1], value, first, number))
    return tags


def _scoped_lines(
    tags: Sequence[_Tag], lines: Sequence[str]
) -> tuple[str, list[str], dict[str, int]]:
    """The document's SPDXID, the file's lines with those irrelevant to the component
    list blanked, and the PackageName line of each package's SPDXID."""
    document_id: str | None = None
    element, package_line = "", 0  # the tag that started the current element
    kept = [""] * len(lines)
    package_lines: dict[str, int] = {}
    for tag in tags:
        if tag.tag in _ELEMENT_STARTS:
            element = tag.tag
            package_line = tag.first if element == "PackageName" else 0
        elif tag.tag in _DOCUMENT_TAGS or (tag.tag == "SPDXID" and not element):
            document_id = document_id or (tag.value if tag.tag == "SPDXID" else None)
            continue
        elif _is_package_tag(tag.tag) and not package_line:
            message = f"{tag.tag} on line {tag.first} belongs to a package without a PackageName"
            raise _UnusableError(_INVALID, message, tag.first)
        elif tag.tag == "SPDXID" and package_line:
            package_lines.setdefault(tag.value, package_line)
        if _ELEMENT_STARTS.get(element, False):
            kept[tag.first - 1 : tag.last] = lines[tag.first - 1 : tag.last]
    return document_id or "SPDXRef-DOCUMENT", kept, package_lines


def _is_package_tag(tag: str) -> bool:
    return tag.startswith("Package") or tag in _OTHER_PACKAGE_TAGS


def _spdx_tools(parse: Any, offset: int) -> Any:
    """What spdx-tools made of a document; its first complaint as ``components/invalid``
    (at the line it names, less ``offset`` header lines it was given in front)."""
    from spdx_tools.spdx.parser.error import SPDXParsingError

    try:
        with _quiet():
            return parse()
    except SPDXParsingError as error:
        messages = [str(m) for m in cast(Any, error).get_messages()] or ["no reason given"]
    except Exception as error:  # spdx-tools raises other kinds on odd input, too
        messages = [_described(error)]
    first = _LINE_IN_MESSAGE.sub(lambda m: f"{m[1]}{int(m[2]) - offset}", messages[0])
    line = _LINE_IN_MESSAGE.search(first)
    more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
    at = int(line[2]) if line is not None and int(line[2]) > 0 else None
    raise _UnusableError(_INVALID, f"spdx-tools: {_shortened(first)}{more}", at)


def _spdx2_list(document: Any, lines: dict[str, int], path: str, kind: str) -> ComponentList:
    document_id = str(document.creation_info.spdx_id)
    package_ids = [str(p.spdx_id) for p in document.packages]
    described: list[str] = []
    links: list[tuple[str, str]] = []
    for relationship in document.relationships:
        source = str(relationship.spdx_element_id)
        target = relationship.related_spdx_element_id
        if not isinstance(target, str):  # NOASSERTION or NONE
            continue
        kind_name = relationship.relationship_type.name
        if kind_name == "DESCRIBES" and source == document_id:
            described.append(target)
        elif kind_name == "DESCRIBED_BY" and target == document_id:
            described.append(source)
        else:
            links.append((source, target))
    subject = _subject(described, links, package_ids)
    scopes = _spdx2_scopes(document.relationships)
    components = tuple(
        replace(
            _spdx2_component(p, lines.get(str(p.spdx_id))),
            scope=scopes.get(str(p.spdx_id), "required"),
        )
        for p in document.packages
        if str(p.spdx_id) not in subject
    )
    return ComponentList(path=path, format=kind, components=components)


# SPDX 2 relationships that make their source element something the product is only
# built or tested with, or may do without.
_DEV_RELATIONSHIPS = frozenset(
    {
        "DEV_DEPENDENCY_OF",
        "TEST_DEPENDENCY_OF",
        "BUILD_DEPENDENCY_OF",
        "DEV_TOOL_OF",
        "TEST_TOOL_OF",
        "BUILD_TOOL_OF",
        "TEST_OF",
    }
)
_RUNTIME_RELATIONSHIPS = frozenset({"DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "CONTAINED_BY"})


def _spdx2_scopes(relationships: Any) -> dict[str, str]:
    """``dev`` for packages only ever a dev, test or build dependency, ``optional`` for
    optional dependencies; a package that is also a runtime dependency stays required."""
    kinds: dict[str, set[str]] = {}
    for relationship in relationships:
        name = relationship.relationship_type.name
        kinds.setdefault(str(relationship.spdx_element_id), set()).add(name)
    scopes = {}
    for element, names in kinds.items():
        if names & _RUNTIME_RELATIONSHIPS:
            continue
        if names & _DEV_RELATIONSHIPS:
            scopes[element] = "dev"
        elif "OPTIONAL_DEPENDENCY_OF" in names:
            scopes[element] = "optional"
    return scopes


def _spdx2_component(package: Any, line: int | None) -> Component:
    purl = next(
        (str(r.locator) for r in package.external_references if r.reference_type == "purl"), ""
    )
    download = str(package.download_location)
    return Component(
        name=str(package.name),
        version=str(package.version or ""),
        ecosystem=_ecosystem(purl),
        purl=purl,
        license=_spdx_value(package.license_concluded) or _spdx_value(package.license_declared),
        supplier=_first(_actor_name(a) for a in (package.supplier, package.originator)),
        description=str(package.description or package.summary or ""),
        hashes=tuple(_hash(c.algorithm.name, str(c.value)) for c in package.checksums),
        source=_purl_source(purl) if purl else _spdx_value(download),
        line=line,
    )


def _actor_name(actor: object) -> str:
    """An spdx-tools Actor's name; NOASSERTION and None have none."""
    name = getattr(actor, "name", None)
    return name if isinstance(name, str) else ""


def _spdx_value(value: object) -> str:
    """A licence expression or location as text; NOASSERTION and NONE say nothing."""
    text = "" if value is None else str(value).strip()
    return "" if text in _NO_VALUE else text


# SPDX 3 -------------------------------------------------------------------------


def _spdx3_json(document: Json, path: str) -> ComponentList:
    """SPDX 3 JSON-LD, read by spdx-python-model (which knows the 3.0.1 context: it
    fetches nothing)."""
    from spdx_python_model.bindings import v3_0_1 as spdx3

    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if SPDX3_CONTEXT not in contexts:
        message = f"a JSON-LD @context {str(context)[:80]!r} that is not SPDX 3.0.1's"
        raise _UnusableError(_UNKNOWN, message)
    objects = spdx3.SHACLObjectSet()
    try:
        with _quiet():
            spdx3.JSONLDDeserializer().deserialize_data(document, objects)
    except Exception as error:  # the model raises many kinds on what a file holds
        raise _UnusableError(_INVALID, f"spdx-python-model: {_described(error)}") from None
    graph = document.get("@graph")
    order = {
        node.get("spdxId"): n
        for n, node in enumerate(graph if isinstance(graph, list) else [])
        if isinstance(node, dict)
    }
    packages = sorted(
        objects.foreach_type(spdx3.software_Package), key=lambda p: order.get(p.spdxId, -1)
    )
    for package in packages:
        if not (package.name or "").strip():
            raise _UnusableError(_INVALID, f"the package {package.spdxId!r} has no name")
    return ComponentList(
        path=path, format="spdx-jsonld 3.0", components=_Spdx3(spdx3, objects).components(packages)
    )


class _Spdx3:
    """The relationships of an SPDX 3 document, and its packages as components."""

    def __init__(self, spdx3: Any, objects: Any) -> None:
        self.spdx3 = spdx3
        self.described: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.licences: dict[tuple[str, str], str] = {}  # (package, relationship type)
        types = spdx3.RelationshipType
        collections = (spdx3.SpdxDocument, spdx3.software_Sbom)
        roots = {_id(c) for kind in collections for c in objects.foreach_type(kind)}
        for collection in (c for kind in collections for c in objects.foreach_type(kind)):
            self.described += [_id(e) for e in collection.rootElement]
        for relationship in objects.foreach_type(spdx3.Relationship):
            source, kind = _id(relationship.from_), relationship.relationshipType
            for target in relationship.to:
                if kind == types.describes and source in roots:
                    self.described.append(_id(target))
                elif kind in (types.hasConcludedLicense, types.hasDeclaredLicense):
                    self.licences.setdefault((source, kind), self.licence(target))
                else:
                    self.links.append((source, _id(target)))

    def licence(self, target: object) -> str:
        expression = getattr(target, "simplelicensing_licenseExpression", None)
        if isinstance(expression, str):
            return _spdx_value(expression)
        name = _id(target)  # a listed licence: https://spdx.org/licenses/MIT
        return name.rpartition("/")[2] if name.startswith("https://spdx.org/licenses/") else ""

    def components(self, packages: Sequence[Any]) -> tuple[Component, ...]:
        ids = [str(p.spdxId) for p in packages]
        subject = _subject(self.described, self.links, ids)
        return tuple(self.component(p) for p in packages if p.spdxId not in subject)

    def component(self, package: Any) -> Component:
        types = self.spdx3.RelationshipType
        purl = str(package.software_packageUrl or "") or next(
            (
                str(e.identifier)
                for e in package.externalIdentifier
                if not isinstance(e, str)
                and e.externalIdentifierType == self.spdx3.ExternalIdentifierType.packageUrl
            ),
            "",
        )
        agents = [package.suppliedBy, *package.originatedBy]
        spdx_id = str(package.spdxId)
        return Component(
            name=str(package.name),
            version=str(package.software_packageVersion or ""),
            ecosystem=_ecosystem(purl),
            purl=purl,
            license=self.licences.get((spdx_id, types.hasConcludedLicense))
            or self.licences.get((spdx_id, types.hasDeclaredLicense), ""),
            supplier=_first(_actor_name(a) for a in agents),
            description=str(package.description or package.summary or ""),
            hashes=tuple(
                _hash(str(h.algorithm).rpartition("/")[2], str(h.hashValue))
                for h in package.verifiedUsing
                if isinstance(h, self.spdx3.Hash) and h.algorithm and h.hashValue
            ),
            source=_purl_source(purl) if purl else _spdx_value(package.software_downloadLocation),
        )


def _id(element: object) -> str:
    """An SPDX 3 element's IRI, whether the model resolved the reference or not."""
    return element if isinstance(element, str) else str(getattr(element, "spdxId", "") or "")


# Shared -------------------------------------------------------------------------


def _subject(
    described: Iterable[str], links: Iterable[tuple[str, str]], packages: Sequence[str]
) -> frozenset[str]:
    """The packages that are the document's subject (see the module's docstring)."""
    known = set(packages)
    chosen = [d for d in dict.fromkeys(described) if d in known]
    if len(chosen) <= 1:
        return frozenset(chosen)
    others = known - set(chosen)
    related = {a for a, b in links if b in others} | {b for a, b in links if a in others}
    return frozenset(d for d in chosen if d in related)


def _full_name(group: str, name: str, purl: str) -> str:
    """A CycloneDX name with its group, as the package's ecosystem writes the two."""
    if not group:
        return name
    separator = ":" if _purl_type(purl) == "maven" else "/"
    prefix = f"{group}{separator}"
    return name if name.startswith(prefix) else f"{prefix}{name}"


def _purl_type(purl: str) -> str:
    if not purl.lower().startswith("pkg:"):
        return ""
    return purl[4:].lstrip("/").partition("/")[0].lower()


def _ecosystem(purl: str) -> str:
    return PURL_ECOSYSTEMS.get(_purl_type(purl), "")


def _purl_source(purl: str) -> str:
    """Where a package came from when not from its registry: a purl qualifier."""
    query = purl.partition("?")[2].partition("#")[0]
    pairs = dict(pair.partition("=")[::2] for pair in query.split("&") if pair)
    return next((unquote(pairs[k]) for k in _SOURCE_QUALIFIERS if pairs.get(k)), "")


def _scope(scope: str) -> str:
    return "optional" if scope.strip().lower() in _OPTIONAL_SCOPES else "required"


def _hash(algorithm: str, value: str) -> str:
    return f"{re.sub(r'[-_]', '', algorithm.lower())}:{value.strip()}"


def _joined(licences: Iterable[str]) -> str:
    return " AND ".join(dict.fromkeys(lic.strip() for lic in licences if lic.strip()))


def _first(values: Iterable[str]) -> str:
    return next((v.strip() for v in values if v.strip()), "")


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _line(element: Element) -> int | None:
    line = getattr(element, "sourceline", None)  # the stubs type it as a bare "..."
    return line if isinstance(line, int) else None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _described(error: BaseException) -> str:
    return _shortened(str(error)) or type(error).__name__


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else f"{text[: MESSAGE_LIMIT - 3]}..."


def _one_line(message: str) -> str:
    return " ".join(message.split())

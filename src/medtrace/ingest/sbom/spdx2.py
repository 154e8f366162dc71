"""SPDX 2.2 and 2.3, JSON or tag-value, read by spdx-tools.

spdx-tools is given only the parts that make the component list (the packages and
the relationships, under a placeholder header): it rejects a whole document for any
detail it finds wrong elsewhere. ``line`` is the ``PackageName`` line in tag-value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from medtrace.ingest.sbom.common import (
    _INVALID,
    _UNKNOWN,
    _UNREADABLE,
    Json,
    _actor_name,
    _described,
    _ecosystem,
    _first,
    _hash,
    _json_list,
    _line_at,
    _purl_source,
    _quiet,
    _shortened,
    _spdx_value,
    _subject,
    _UnusableError,
)
from medtrace.model.components import Component, ComponentList
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

SPDX2_VERSIONS = ("2.2", "2.3")
_TAG_LINE = re.compile(r"[ \t]*([A-Za-z]+)[ \t]*:(.*)")
_TAG_VALUE = re.compile(r"^[ \t]*SPDXVersion[ \t]*:", re.MULTILINE)
_LINE_IN_MESSAGE = re.compile(r"([Ll]ine:? )(\d+)")


# JSON ---------------------------------------------------------------------------


def _spdx2_version(value: object, line: int | None = None) -> str:
    version = value.removeprefix("SPDX-") if isinstance(value, str) else ""
    if version not in SPDX2_VERSIONS:
        message = f"SPDX version {value!r} is not one medtrace reads (2.2, 2.3, 3.0)"
        raise _UnusableError(_UNKNOWN, message, line)
    return version


def _spdx2_json(document: Json, path: str, warnings: list[Finding]) -> ComponentList:
    """SPDX 2 JSON, read by spdx-tools. It is given the parts that make the component
    list: the packages, the relationships and ``documentDescribes``, with a
    placeholder creation info. Files, snippets, licences, annotations and the
    creation info are irrelevant to the list, and spdx-tools rejects a whole
    document for any detail it finds wrong in them. A package without a field
    spdx-tools requires but the list does not need (``SPDXID``, ``downloadLocation``:
    common scanners leave them out) is read with a warning."""
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    version = _spdx2_version(document.get("spdxVersion"))
    packages = _json_list(document, "packages")
    for number, package in enumerate(packages):
        if not isinstance(package, dict):
            raise _UnusableError(_INVALID, f"packages[{number}] is not an object")
        name = package.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _UnusableError(_INVALID, f"packages[{number}] has no name")
    packages = [
        _completed(number, cast(Json, package), path, warnings)
        for number, package in enumerate(packages)
    ]
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


# What SPDX requires of a package that the component list does not need: a value put in
# its place (NOASSERTION is SPDX's "not known"; an id of medtrace's, which no
# relationship names).
_REQUIRED_FILLED = (("downloadLocation", "NOASSERTION"), ("SPDXID", "SPDXRef-medtrace-{n}"))


def _completed(number: int, package: Json, path: str, warnings: list[Finding]) -> Json:
    missing = [key for key, _ in _REQUIRED_FILLED if not isinstance(package.get(key), str)]
    if not missing:
        return package
    filled = dict(package)
    for key, value in _REQUIRED_FILLED:
        if key in missing:
            filled[key] = value.format(n=number)
    message = (
        f"packages[{number}] ({str(package.get('name'))[:60]}) has no "
        f"{' or '.join(missing)}, which SPDX requires; read without it"
    )
    location = SourceLocation(path=path)
    warnings.append(
        Finding(code=_INVALID, severity=Severity.WARNING, message=message, location=location)
    )
    return filled


# Tag-value ----------------------------------------------------------------------


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


# The component list -------------------------------------------------------------


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

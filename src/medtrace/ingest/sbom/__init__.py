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
to :data:`LIBRARY_CHECK_LIMIT` bytes (see :func:`.cyclonedx._library_check_json` for
why not all). SPDX 2 is read by spdx-tools (given only the parts that make the
list, see :func:`.spdx2._spdx2_json`), SPDX 3 by spdx-python-model. XML
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

Each format has its module: :mod:`.cyclonedx`, :mod:`.spdx2` (JSON and tag-value)
and :mod:`.spdx3`; :mod:`.common` holds what they share.
"""

from __future__ import annotations

import json

from medtrace.ingest.sbom.common import (
    _UNKNOWN,
    _UNREADABLE,
    MESSAGE_LIMIT,
    _line_at,
    _one_line,
    _UnusableError,
)
from medtrace.ingest.sbom.cyclonedx import (
    CYCLONEDX_NAMESPACE,
    CYCLONEDX_VERSIONS,
    LIBRARY_CHECK_LIMIT,
    _cyclonedx_json,
    _read_xml,
)
from medtrace.ingest.sbom.spdx2 import SPDX2_VERSIONS, _read_tag_value, _spdx2_json
from medtrace.ingest.sbom.spdx3 import SPDX3_CONTEXT, _spdx3_json
from medtrace.ingest.sniff import document_kind
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.components import ComponentList

_FORMATS = "CycloneDX (JSON, XML) and SPDX (JSON, tag-value, JSON-LD)"
__all__ = [
    "CYCLONEDX_NAMESPACE",
    "CYCLONEDX_VERSIONS",
    "LIBRARY_CHECK_LIMIT",
    "MESSAGE_LIMIT",
    "SPDX2_VERSIONS",
    "SPDX3_CONTEXT",
    "parse_sbom",
]


def parse_sbom(data: bytes, path: str) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    """The components of the SBOM read from ``path`` (relative to the project root)."""
    warnings: list[Finding] = []
    try:
        return _read(data, path, warnings), tuple(warnings)
    except _UnusableError as problem:
        location = SourceLocation(path=path, line=problem.line)
        message = _one_line(problem.message)
        kind = document_kind(data, path) if problem.code in (_UNREADABLE, _UNKNOWN) else None
        if kind is not None:
            problem.code, location = _UNKNOWN, SourceLocation(path=path, line=None)
            message = f"{kind}, not an SBOM: medtrace reads {_FORMATS}"
        finding = Finding(
            code=problem.code, severity=Severity.ERROR, message=message, location=location
        )
        return None, (finding,)


def _read(data: bytes, path: str, warnings: list[Finding]) -> ComponentList:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start:
        raise _UnusableError(_UNREADABLE, "the file is empty", 1)
    if start in (b"{", b"["):
        return _read_json(data, path, warnings)
    if start == b"<":
        return _read_xml(data, path)
    return _read_tag_value(data, path)


def _read_json(data: bytes, path: str, warnings: list[Finding]) -> ComponentList:
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
            return _spdx2_json(document, path, warnings)
        if "@context" in document:
            return _spdx3_json(document, path)
    raise _UnusableError(
        _UNKNOWN, "a JSON document that is neither CycloneDX (bomFormat) nor SPDX", None
    )

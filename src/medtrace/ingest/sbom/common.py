"""What the SBOM readers share: the error that becomes a file's finding, XML parsed
with entity expansion, DTD loading and network access off, the fields read alike in
every format (purl, ecosystem, source, hashes, supplier, licence), the document's
subject, and the shaping of messages.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from lxml import etree

from medtrace.model.components import PURL_ECOSYSTEMS

MESSAGE_LIMIT = 200
_UNREADABLE = "components/unreadable"
_UNKNOWN = "components/unknown-format"
_INVALID = "components/invalid"
_SOURCE_QUALIFIERS = ("vcs_url", "download_url", "repository_url")
_NO_VALUE = frozenset({"", "NOASSERTION", "NONE"})
_POSITION = re.compile(r", line \d+, column \d+$")
# the prolog up to a DOCTYPE; atomic groups keep it linear (a comment or processing
# instruction never stretches over the next)
_DOCTYPE = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?>(?>\s*)(?><\?.*?\?>|<!--.*?-->))*\s*<!DOCTYPE", re.DOTALL
)
_REFUSED = "a DOCTYPE: refused, CycloneDX XML has none and its entities could be hostile"
Json = dict[str, Any]
Element = etree._Element


class _UnusableError(Exception):
    """Why a file yields no component list; turned into a finding by :func:`parse_sbom`."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


# XML ----------------------------------------------------------------------------


def _hardened_xml(data: bytes) -> Element:
    """The root of an XML document parsed with entity expansion, DTD loading and network
    access off; a document with a DOCTYPE is refused."""
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
    return root


# Shared -------------------------------------------------------------------------


def _json_list(holder: Json, key: str, label: str = "the document") -> list[object]:
    value = holder.get(key, [])
    if not isinstance(value, list):
        raise _UnusableError(_INVALID, f"{key!r} of {label} is not an array")
    return value


def _subject(
    described: Iterable[str], links: Iterable[tuple[str, str]], packages: Sequence[str]
) -> frozenset[str]:
    """The packages that are the document's subject (see the package's docstring)."""
    known = set(packages)
    chosen = [d for d in dict.fromkeys(described) if d in known]
    if len(chosen) <= 1:
        return frozenset(chosen)
    others = known - set(chosen)
    related = {a for a, b in links if b in others} | {b for a, b in links if a in others}
    return frozenset(d for d in chosen if d in related)


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


def _hash(algorithm: str, value: str) -> str:
    return f"{re.sub(r'[-_]', '', algorithm.lower())}:{value.strip()}"


def _first(values: Iterable[str]) -> str:
    return next((v.strip() for v in values if v.strip()), "")


def _actor_name(actor: object) -> str:
    """An spdx-tools Actor's name; NOASSERTION and None have none."""
    name = getattr(actor, "name", None)
    return name if isinstance(name, str) else ""


def _spdx_value(value: object) -> str:
    """A licence expression or location as text; NOASSERTION and NONE say nothing."""
    text = "" if value is None else str(value).strip()
    return "" if text in _NO_VALUE else text


# Libraries and messages ---------------------------------------------------------


@contextmanager
def _quiet() -> Iterator[None]:
    """Around a library's reading: what it warns about (fields that later spec versions
    deprecate, and the like) is no problem of the file and nothing for medtrace's user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _described(error: BaseException) -> str:
    return _shortened(str(error)) or type(error).__name__


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else f"{text[: MESSAGE_LIMIT - 3]}..."


def _one_line(message: str) -> str:
    return " ".join(message.split())

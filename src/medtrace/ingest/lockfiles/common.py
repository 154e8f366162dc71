"""What the lockfile readers share: loading JSON and TOML, decoding text, findings,
purls and hashes, the collector that makes a file's components, and the line numbers
of JSON objects and TOML ``[[package]]`` tables.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from packageurl import PackageURL

from medtrace.model.components import Component, ComponentList
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

ReadInclude = Callable[[str], bytes | None]
Result = tuple[ComponentList | None, tuple[Finding, ...]]
JsonPath = tuple[str | int, ...]
MESSAGE_LIMIT = 200
_SCOPE_RANK = {"required": 2, "optional": 1, "dev": 0}
_HASH_HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
_HEX = re.compile(r"[0-9a-fA-F]+")
# A package's name: PEP 508 for Python; npm's, with an optional @scope/ (a name never
# holds a path: "/", "../x", "a/b" and blanks are refused).
_PYTHON_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_NPM_PACKAGE_NAME = re.compile(r"(?:@[^/@\s]+/)?[^/@\s.][^/\s]*")
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
_PYPI_INDEXES = frozenset({"https://pypi.org/simple", "https://pypi.python.org/simple"})
_TOML_LINE = re.compile(r"at line (\d+)")
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)
_TOML_PACKAGE_HEADER = re.compile(r"\s*\[\[\s*package\s*\]\]\s*(?:#.*)?")
_TOML_HEADER = re.compile(r"\s*\[")
_TOML_NAME = re.compile(r"""\s*name\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?""")


# --- decoding and loading -------------------------------------------------------------


def _load_json(data: bytes, path: str) -> tuple[object, str, Finding | None]:
    text, finding = _utf8(data, path)
    if finding is not None:
        return None, "", finding
    try:
        return json.loads(text), text, None
    except json.JSONDecodeError as error:
        return None, text, _unreadable(path, error.lineno, f"not JSON: {error.msg}")
    except RecursionError:
        return None, text, _unreadable(path, 1, "not readable JSON: nested too deeply")


def _load_toml(data: bytes, path: str) -> tuple[object, str, Finding | None]:
    text, finding = _utf8(data, path)
    if finding is not None:
        return None, "", finding
    try:
        return tomllib.loads(text), text, None
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        line = int(match.group(1)) if match else text.count("\n") + 1
        return None, text, _unreadable(path, line, f"not TOML: {error}")
    except RecursionError:
        return None, text, _unreadable(path, 1, "not readable TOML: nested too deeply")


def _utf8(data: bytes, path: str) -> tuple[str, Finding | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return "", _unreadable(path, line, f"not UTF-8 text (byte {error.start})")


def _decode_text(data: bytes) -> str:
    """A requirements file's text, as pip would read it.

    A BOM or a PEP 263 ``coding`` line in the first two lines says the encoding.
    Otherwise UTF-8 is tried first; a file that is not UTF-8 was most likely saved by
    a Windows editor, so cp1252 is next (regression-issue448.cp1252.txt.bin is such a
    file), and latin-1, which decodes any byte, is the last resort.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    candidates = ["utf-8", "cp1252", "latin-1"]
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.match(line)
        if match:
            candidates.insert(0, match.group(1).decode("ascii"))
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")  # pragma: no cover - latin-1 above never fails


# --- findings and components ----------------------------------------------------------


def _finding(code: str, severity: Severity, path: str, line: int | None, message: str) -> Finding:
    message = " ".join(message.split())  # one line, whatever names from the file it quotes
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    location = SourceLocation(path=path, line=line)
    return Finding(code=code, severity=severity, message=_scrub(message), location=location)


def _unreadable(path: str, line: int | None, message: str) -> Finding:
    return _finding("components/unreadable", Severity.ERROR, path, line, message)


def _invalid(path: str, line: int | None, message: str) -> Finding:
    return _finding("components/invalid", Severity.ERROR, path, line, message)


def _unpinned(path: str, line: int | None, what: str) -> Finding:
    message = f"{what} names no exact version; its SOUP version is unknown"
    return _finding("components/unpinned", Severity.WARNING, path, line, message)


def _scrub(text: str) -> str:
    """``text`` without the ``user:password@`` of any URL in it."""
    return _USERINFO.sub("", text)


def _purl(ecosystem: str, name: str, version: str) -> str:
    kind, namespace = {"npm": "npm", "NuGet": "nuget"}.get(ecosystem, "pypi"), None
    if ecosystem == "npm":
        kind = "npm"
        if name.startswith("@") and "/" in name:
            namespace, name = name.split("/", 1)
    try:
        purl = PackageURL(type=kind, namespace=namespace, name=name, version=version or None)
        return str(purl.to_string())
    except (ValueError, TypeError):  # (packageurl raises either on odd names)
        return ""


def _hashes(values: Iterable[str]) -> tuple[str, ...]:
    """``algorithm:hex`` strings of known algorithms, lower-cased; others are dropped."""
    found: list[str] = []
    for value in values:
        algorithm, _, digest = value.strip().partition(":")
        algorithm = algorithm.lower()
        length = _HASH_HEX_LENGTHS.get(algorithm)
        if length == len(digest) and _HEX.fullmatch(digest):
            item = f"{algorithm}:{digest.lower()}"
            if item not in found:
                found.append(item)
    return tuple(found)


class _Collector:
    """Components in file order, one per (key, version, source), and findings."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.components: dict[tuple[str, str, str], Component] = {}
        self.findings: list[Finding] = []

    def add(
        self,
        ecosystem: str,
        name: str,
        version: str,
        *,
        line: int | None,
        scope: str = "required",
        hashes: tuple[str, ...] = (),
        source: str = "",
        license: str = "",
    ) -> None:
        """Add a component; one whose name is no package name is a finding instead."""
        valid = _NPM_PACKAGE_NAME if ecosystem == "npm" else _PYTHON_NAME
        if not valid.fullmatch(name):
            shown = repr(name[:80])
            self.findings.append(_invalid(self.path, line, f"{shown} is not a package name"))
            return
        component = Component(
            name=name,
            version=version,
            ecosystem=ecosystem,
            purl=_purl(ecosystem, name, version),
            license=license,
            scope=scope,
            hashes=hashes,
            source=_scrub(source),
            line=line,
        )
        key = (component.key, version, component.source)
        known = self.components.get(key)
        if known is None:
            self.components[key] = component
            return
        scope = max(known.scope, component.scope, key=lambda s: _SCOPE_RANK.get(s, 2))
        hashes = known.hashes + tuple(h for h in component.hashes if h not in known.hashes)
        self.components[key] = replace(
            known, scope=scope, hashes=hashes, license=known.license or component.license
        )

    def result(self, file_format: str, unpinned: bool = True) -> Result:
        components = tuple(self.components.values())
        if unpinned:
            for component in components:
                if not component.version:
                    what = (
                        f"{component.name} ({component.source})"
                        if component.source
                        else component.name
                    )
                    self.findings.append(_unpinned(self.path, component.line, what))
        listing = ComponentList(path=self.path, format=file_format, components=components)
        return listing, tuple(self.findings)


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _array(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# --- line numbers in JSON and TOML ----------------------------------------------------


def _json_object_lines(text: str) -> dict[JsonPath, int]:
    """The line where each object in a valid JSON text starts, by its path of keys."""
    lines: dict[JsonPath, int] = {}
    stack: list[list[Any]] = []  # [is_object, key or index, a string that may be a key]
    line, offset = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token[0] == '"':
            if stack and stack[-1][0]:
                stack[-1][2] = token
            continue
        if token == ":":
            raw = stack[-1][2]
            stack[-1][1] = json.loads(raw) if "\\" in raw else raw[1:-1]
        elif token == ",":
            if not stack[-1][0]:
                stack[-1][1] += 1
        elif token in "{[":
            if token == "{":
                line += text.count("\n", offset, match.start())
                offset = match.start()
                lines[tuple(frame[1] for frame in stack)] = line
            stack.append([token == "{", 0 if token == "[" else "", ""])
        else:
            stack.pop()
    return lines


def _toml_package_lines(text: str, packages: list[Any]) -> list[int | None]:
    """The ``name =`` line (else the header line) of each ``[[package]]``, in order.

    None for all when the headers found are not as many as the packages (one inside a
    multi-line string), and for a package whose ``name =`` line names another.
    """
    headers: list[int] = []
    names: dict[int, tuple[int, str]] = {}  # header index -> (line, name)
    in_block = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _TOML_PACKAGE_HEADER.fullmatch(line):
            headers.append(number)
            in_block = True
        elif _TOML_HEADER.match(line):
            in_block = False
        elif in_block and len(headers) - 1 not in names:
            match = _TOML_NAME.fullmatch(line)
            if match:
                quoted = match.group(1) if match.group(1) is not None else match.group(2)
                names[len(headers) - 1] = (number, quoted)
    if len(headers) != len(packages):
        return [None] * len(packages)
    found: list[int | None] = []
    for i, package in enumerate(packages):
        if i not in names:
            found.append(headers[i])
        else:
            name_line, name = names[i]
            found.append(name_line if name == _table(package).get("name") else None)
    return found

"""Read a lockfile or requirements file into a :class:`ComponentList`: the project's SOUP.

Pure: bytes in, components and findings out (pip-requirements-parser reads files
only, so requirements text passes through a temporary file); it never raises on
what a file holds. A file that cannot be read at all yields no ComponentList and one
``components/...`` finding at ``path:line``; a bad entry yields a finding and
the rest of the file is still read.

Which format
    :func:`lockfile_kind` decides by file name. ``requirements`` is any ``*.txt``
    whose name contains ``requirements`` or ``constraints`` (``requirements-dev.txt``,
    ``constraints.txt``), or any ``*.txt`` directly in a folder named ``requirements``.
    Any other file the caller passes explicitly is sniffed, predictably: text that
    starts with ``{`` must be a JSON lockfile (``lockfileVersion`` -> package-lock.json,
    ``_meta`` with ``default``/``develop`` -> Pipfile.lock); TOML with ``[[package]]``
    is poetry.lock (``metadata.lock-version``), pdm.lock (``metadata.lock_version``) or
    uv.lock (a top-level ``version``); otherwise the text is a requirements file only
    when every line of it is valid pip syntax and it names at least one requirement
    or include (so ``requirements.in`` or ``deps/prod.pip`` work). Anything else is
    ``components/unknown-format``; manifests (package.json, pyproject.toml, Pipfile)
    are not lockfiles and land there too.

What is a component
    Every third-party package the lockfile installs, once per (name, version,
    source): a package installed at several places in node_modules, or listed in
    several Pipfile categories, is one component whose scope is the widest of its
    copies (``required`` > ``optional`` > ``dev``) and whose hashes are the union.
    The project itself and its workspace members are not components. ``version`` is
    ``""`` when the file pins none; every such component also gets a WARNING
    ``components/unpinned``. Source URLs lose any ``user:password@`` part.

    ``scope``: ``required`` for what the product ships; ``optional`` for what only
    an extra or an npm optional dependency ships (it may end up in the product);
    ``dev`` for development groups and categories (Pipfile ``develop`` and custom
    categories, poetry groups other than ``main`` and 1.x ``category = "dev"``, pdm
    groups other than ``default``, uv ``dev-dependencies``, npm ``dev``).

requirements.txt (pip-requirements-parser)
    Pins ``==``/``===`` give the version (``==1.*`` and ranges do not); hashes come
    from ``--hash`` options (across ``\\`` continuations) and ``#sha256=`` URL
    fragments; extras and environment markers are read but not kept (a component
    under a marker is still listed). ``name @ url``, ``#egg=`` VCS links and local
    archives carry ``source``; a wheel or sdist file name gives the name and version
    when the line does not; a bare ``.`` (``-e .``) is the project itself; any other
    requirement whose package cannot be named is ``components/invalid``. ``-i``
    (a non-PyPI index) becomes the source of the file's registry packages.
    ``-r``/``-c`` files are read through ``read_include``, which gets the included
    path relative to the directory of ``path`` (in ``reqs/dev.txt``, ``-r base.txt``
    asks for ``base.txt``; inside that, ``-r ../common.txt`` asks for
    ``../common.txt``). A missing one (or a URL, never fetched) is
    ``components/include-missing`` at the ``-r`` line; an include cycle is
    ``components/invalid``; a file included twice is read once. Components from an
    included file carry the line of the top file's ``-r``; findings name the included
    file and its own line. A ``-c`` file adds no components: its ``==`` pins give the
    version of an otherwise unpinned requirement. The text is decoded as UTF-8 (or
    as its BOM or PEP 263 ``coding`` line says), else cp1252, else latin-1.

Pipfile.lock, poetry.lock, pdm.lock, uv.lock
    Every package entry in every category or ``[[package]]``. uv.lock's project,
    its workspace members (``[manifest] members``) and virtual packages are not
    components; uv scopes come from walking the dependency graph from those roots
    (``dependencies`` -> required, ``optional-dependencies`` -> optional,
    ``dev-dependencies`` -> dev; a package no walk reaches stays required). Hashes
    are those of the distribution files. ``line`` is the entry's ``name =`` line
    (its header when none is found), or None when the file's ``[[package]]`` headers
    cannot be matched to its packages (a header inside a multi-line string).

package-lock.json / npm-shrinkwrap.json
    v2 and v3: every ``packages`` entry under ``node_modules/`` (the ``""`` root and
    workspace folders are the project; ``link`` entries point at another entry,
    which is read instead). The name is the entry's ``name`` (an ``npm:`` alias
    installs the real package under another folder) else the folder after the last
    ``node_modules/``; bundled (``inBundle``) entries are components. v1: the nested
    ``dependencies`` tree, ``npm:`` aliases resolved, ``file:`` folders skipped.
    ``integrity`` becomes ``sha512:<hex>``; a ``resolved`` URL outside
    registry.npmjs.org becomes the source; ``license`` is kept.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import posixpath
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pip_requirements_parser as pipreq
from packageurl import PackageURL
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from medtrace.model.components import Component, ComponentList, normal_name
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

ReadInclude = Callable[[str], bytes | None]
Result = tuple[ComponentList | None, tuple[Finding, ...]]

REQUIREMENTS = "requirements"
_FILE_KINDS = {
    "pipfile.lock": "Pipfile.lock",
    "poetry.lock": "poetry.lock",
    "pdm.lock": "pdm.lock",
    "uv.lock": "uv.lock",
    "package-lock.json": "package-lock.json",
    "npm-shrinkwrap.json": "npm-shrinkwrap.json",
}
_JSON_KINDS = frozenset({"Pipfile.lock", "package-lock.json", "npm-shrinkwrap.json"})
INCLUDE_DEPTH_LIMIT = 20
MESSAGE_LIMIT = 200

_SCOPE_RANK = {"required": 2, "optional": 1, "dev": 0}
_HASH_HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
_HEX = re.compile(r"[0-9a-fA-F]+")
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
_PYPI_INDEXES = frozenset({"https://pypi.org/simple", "https://pypi.python.org/simple"})
_NPM_REGISTRIES = ("https://registry.npmjs.org/", "https://registry.yarnpkg.com/")
_TOML_LINE = re.compile(r"at line (\d+)")
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
# Characters str.splitlines() breaks at that an editor does not: blanked so that
# pip-requirements-parser's line numbers are the file's.
_ODD_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)
_TOML_PACKAGE_HEADER = re.compile(r"\s*\[\[\s*package\s*\]\]\s*(?:#.*)?")
_TOML_HEADER = re.compile(r"\s*\[")
_TOML_NAME = re.compile(r"""\s*name\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?""")
_NOT_PIP = frozenset({"components/invalid", "components/unreadable"})
_NPM_NAME = re.compile(r"(?:@[^/@\s]+/)?[^/@\s][^/\s]*")

JsonPath = tuple[str | int, ...]
_Stack = tuple[tuple[str, str], ...]


# --- public ---------------------------------------------------------------------------


def lockfile_kind(path: str) -> str | None:
    """Which lockfile format a file name is, or None (the caller may still sniff it).

    ``"requirements"`` is any ``*.txt`` whose name contains ``requirements`` or
    ``constraints``, or any ``*.txt`` directly in a folder named ``requirements``;
    the lockfiles go by their exact (case-insensitive) names.
    """
    parts = path.replace("\\", "/").rsplit("/", 2)
    name = parts[-1].lower()
    folder = parts[-2].lower() if len(parts) > 1 else ""
    if name in _FILE_KINDS:
        return _FILE_KINDS[name]
    if name.endswith(".txt") and (
        "requirements" in name or "constraints" in name or folder == "requirements"
    ):
        return REQUIREMENTS
    return None


def parse_lockfile(data: bytes, path: str, read_include: ReadInclude | None = None) -> Result:
    """Parse the lockfile at ``path`` (relative to the project root) from its bytes.

    ``read_include`` reads a requirements file's ``-r``/``-c`` includes: it gets the
    included path relative to the directory of ``path`` and returns its bytes, or
    None when there is no such file. Without it every include is reported missing.
    """
    kind = lockfile_kind(path)
    if kind is None:
        return _sniffed(data, path, read_include)
    if kind == REQUIREMENTS:
        return _requirements(data, path, read_include)
    if kind in _JSON_KINDS:
        document, text, finding = _load_json(data, path)
    else:
        document, text, finding = _load_toml(data, path)
    if finding is not None:
        return None, (finding,)
    return _READERS[kind](document, text, path, kind)


# --- decoding and sniffing ------------------------------------------------------------


def _sniffed(data: bytes, path: str, read_include: ReadInclude | None) -> Result:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        document, text, finding = _load_json(data, path)
        if finding is not None:
            return None, (finding,)
        kind = _json_kind(document)
        if kind is not None:
            return _READERS[kind](document, text, path, kind)
        return None, (_unknown(path),)
    document, text, finding = _load_toml(data, path)
    if finding is None:
        kind = _toml_kind(document)
        if kind is not None:
            return _READERS[kind](document, text, path, kind)
    result, findings = _requirements(data, path, read_include)
    strict = not any(f.code in _NOT_PIP for f in findings)
    if result is not None and strict and _names_anything(data):
        return result, findings
    return None, (_unknown(path),)


def _json_kind(document: object) -> str | None:
    if not isinstance(document, dict):
        return None
    if "lockfileVersion" in document:
        return "package-lock.json"
    if isinstance(document.get("_meta"), dict) and ("default" in document or "develop" in document):
        return "Pipfile.lock"
    return None


def _toml_kind(document: object) -> str | None:
    if not isinstance(document, dict) or not isinstance(document.get("package"), list):
        return None
    metadata = document.get("metadata")
    if isinstance(metadata, dict) and "lock-version" in metadata:
        return "poetry.lock"
    if isinstance(metadata, dict) and "lock_version" in metadata:
        return "pdm.lock"
    if isinstance(document.get("version"), int):
        return "uv.lock"
    return None


def _names_anything(data: bytes) -> bool:
    """Whether sniffed text holds a requirement or an include, not just comments."""
    for raw in _decode_text(data).splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and not line.startswith(("-i", "--index", "--extra")):
            return True
    return False


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
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    location = SourceLocation(path=path, line=line)
    return Finding(code=code, severity=severity, message=_scrub(message), location=location)


def _unreadable(path: str, line: int | None, message: str) -> Finding:
    return _finding("components/unreadable", Severity.ERROR, path, line, message)


def _invalid(path: str, line: int | None, message: str) -> Finding:
    return _finding("components/invalid", Severity.ERROR, path, line, message)


def _unknown(path: str) -> Finding:
    message = "not a lockfile or requirements file medtrace can read"
    return _finding("components/unknown-format", Severity.ERROR, path, 1, message)


def _unpinned(path: str, line: int | None, what: str) -> Finding:
    message = f"{what} names no exact version; its SOUP version is unknown"
    return _finding("components/unpinned", Severity.WARNING, path, line, message)


def _scrub(text: str) -> str:
    """``text`` without the ``user:password@`` of any URL in it."""
    return _USERINFO.sub("", text)


def _purl(ecosystem: str, name: str, version: str) -> str:
    kind, namespace = "pypi", None
    if ecosystem == "npm":
        kind = "npm"
        if name.startswith("@") and "/" in name:
            namespace, name = name.split("/", 1)
    try:
        purl = PackageURL(type=kind, namespace=namespace, name=name, version=version or None)
    except ValueError:
        return ""
    return purl.to_string()


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


def _sri_hashes(integrity: str) -> tuple[str, ...]:
    """npm's ``sha512-<base64>`` (Subresource Integrity) as ``sha512:<hex>``."""
    values = []
    for item in integrity.split():
        algorithm, _, encoded = item.partition("-")
        try:
            values.append(f"{algorithm}:{base64.b64decode(encoded, validate=True).hex()}")
        except (binascii.Error, ValueError):
            continue
    return _hashes(values)


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


# --- requirements.txt -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Requirement:
    """One requirement line, as read: what becomes a component once constraints apply."""

    name: str
    version: str
    spec: str
    hashes: tuple[str, ...]
    source: str
    registry: bool  # from the index (the file's -i applies), not a URL or path
    line: int  # in the top file: its own line or that of the -r leading to it
    file: str  # where the line is, for findings
    file_line: int


class _RequirementsReader:
    """Reads a requirements file and its includes, depth first, in line order."""

    def __init__(self, path: str, read_include: ReadInclude | None) -> None:
        self.path = path
        self.read_include = read_include
        self.requirements: list[_Requirement] = []
        self.pins: dict[str, str] = {}  # from -c files: normalised name -> version
        self.index_url = ""
        self.findings: list[Finding] = []
        self.seen: set[str] = set()

    def read(self, data: bytes, rel: str, top_line: int | None, stack: _Stack) -> bool:
        """Read one file; False when the library could not read it at all.

        ``stack`` is the chain of (flag, path) includes that led here, the file last.
        """
        file = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), rel))
        constraint = stack[-1][0] == "-c"
        items = _parse_requirements_text(_decode_text(data))
        if items is None:
            self.findings.append(_unreadable(file, None, "pip-requirements-parser cannot read it"))
            return False
        for item in items:
            line = item.line_number or 1
            if isinstance(item, pipreq.InvalidRequirementLine):
                message = str(item.error_message).splitlines()[0] if item.error_message else ""
                self.findings.append(_invalid(file, line, f"not a requirement: {message}"))
            elif isinstance(item, pipreq.OptionLine):
                self._option(item.options, rel, file, line, top_line, stack)
            elif isinstance(item, pipreq.InstallRequirement):
                self._requirement(item, file, line, top_line, constraint)
        return True

    def _option(
        self,
        options: Mapping[str, Any],
        rel: str,
        file: str,
        line: int,
        top_line: int | None,
        stack: _Stack,
    ) -> None:
        if options.get("index_url"):
            self.index_url = str(options["index_url"]).rstrip("/")
        for option, flag in (("requirements", "-r"), ("constraints", "-c")):
            for target in options.get(option) or ():
                self._include(flag, str(target), rel, file, line, top_line, stack)

    def _include(
        self,
        flag: str,
        target: str,
        rel: str,
        file: str,
        line: int,
        top_line: int | None,
        stack: _Stack,
    ) -> None:
        if "://" in target:
            message = (
                f"{flag} {target} is a URL; medtrace does not fetch it, its packages are not listed"
            )
            self.findings.append(
                _finding("components/include-missing", Severity.ERROR, file, line, message)
            )
            return
        included = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
        if included in {included_path for _, included_path in stack}:
            self.findings.append(
                _invalid(file, line, f"{flag} {target} includes a file that includes it")
            )
            return
        if len(stack) > INCLUDE_DEPTH_LIMIT:
            self.findings.append(_invalid(file, line, f"{flag} {target}: includes nest too deeply"))
            return
        if included in self.seen:
            return  # already read through another include
        try:
            data = self.read_include(included) if self.read_include is not None else None
        except OSError as error:  # the caller's reader: a file that vanished or is locked
            data, reason = None, error.strerror or type(error).__name__
        else:
            reason = "the file is not there"
        if data is None:
            message = f"{flag} {target}: {reason}; its packages are not listed"
            self.findings.append(
                _finding("components/include-missing", Severity.ERROR, file, line, message)
            )
            return
        self.seen.add(included)
        if stack[-1][0] == "-c":
            flag = "-c"  # what a constraints file includes constrains too
        self.read(
            data, included, line if top_line is None else top_line, (*stack, (flag, included))
        )

    def _requirement(
        self, item: Any, file: str, line: int, top_line: int | None, constraint: bool
    ) -> None:
        link = item.link
        url = str(link.url) if link is not None else ""
        if url and _is_project_itself(url):
            return
        name = str(item.name or "")
        version = _pinned_version(item.specifier)
        hashes = list(item.hash_options or ())
        if link is not None and link.hash_name and link.hash:
            hashes.append(f"{link.hash_name}:{link.hash}")
        if url:
            file_name, file_version = _distribution_file(str(link.filename))
            if not name:
                name = file_name
            if not version and normal_name("PyPI", file_name) == normal_name("PyPI", name):
                version = file_version
        if not name:
            self.findings.append(
                _invalid(file, line, f"cannot tell which package {url or 'this line'} installs")
            )
            return
        if constraint:
            if version:
                self.pins.setdefault(normal_name("PyPI", name), version)
            return
        spec = str(item.specifier or "") if item.specifier is not None else ""
        self.requirements.append(
            _Requirement(
                name=name,
                version=version,
                spec=spec,
                hashes=_hashes(hashes),
                source=url,
                registry=not url,
                line=line if top_line is None else top_line,
                file=file,
                file_line=line,
            )
        )


def _parse_requirements_text(text: str) -> list[Any] | None:
    """pip-requirements-parser's items for ``text``, in line order, or None.

    The library reads files only, so the text goes through a temporary file, written
    with a UTF-8 BOM so that the library reads it as UTF-8 whatever the locale.
    """
    with tempfile.TemporaryDirectory(prefix="medtrace-") as folder:
        file = Path(folder) / "requirements.txt"
        file.write_bytes(codecs.BOM_UTF8 + text.translate(_ODD_BREAKS).encode("utf-8"))
        try:
            return list(pipreq.RequirementsFile.parse(str(file), include_nested=False))
        except Exception:  # an untyped library: whatever it raises is a finding, never a crash
            return None


def _is_project_itself(url: str) -> bool:
    return url.split("[", 1)[0].rstrip("/") in {".", "file:."}


def _pinned_version(specifier: Any) -> str:
    """The version an ``==`` (not ``==1.*``) or ``===`` specifier pins, else ``""``."""
    for spec in specifier or ():
        version = str(spec.version)
        if spec.operator == "===" or (spec.operator == "==" and not version.endswith("*")):
            return version
    return ""


def _distribution_file(file_name: str) -> tuple[str, str]:
    """(name, version) as written in a wheel or sdist file name, or ("", "")."""
    try:
        if file_name.endswith(".whl"):
            parse_wheel_filename(file_name)
            name, version = file_name.split("-")[:2]
            return name, version
        parse_sdist_filename(file_name)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return "", ""
    stem = file_name.removesuffix(".tar.gz").removesuffix(".zip")
    name, _, version = stem.rpartition("-")
    return name, version


def _requirements(data: bytes, path: str, read_include: ReadInclude | None) -> Result:
    reader = _RequirementsReader(path, read_include)
    rel = posixpath.basename(path) or path
    reader.seen.add(rel)
    if not reader.read(data, rel, None, (("-r", rel),)):
        return None, tuple(reader.findings)
    collector = _Collector(path)
    collector.findings.extend(reader.findings)
    index = "" if reader.index_url in _PYPI_INDEXES else reader.index_url
    for requirement in reader.requirements:
        version = requirement.version or reader.pins.get(normal_name("PyPI", requirement.name), "")
        if not version:
            what = f"{requirement.name}{requirement.spec}"
            if requirement.source:
                what += f" ({requirement.source})"
            collector.findings.append(_unpinned(requirement.file, requirement.file_line, what))
        collector.add(
            "PyPI",
            requirement.name,
            version,
            hashes=requirement.hashes,
            source=index if requirement.registry else requirement.source,
            line=requirement.line,
        )
    return collector.result(REQUIREMENTS, unpinned=False)


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
                names[len(headers) - 1] = (number, match.group(1) or match.group(2))
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


# --- Pipfile.lock ---------------------------------------------------------------------


def _pipfile_lock(document: object, text: str, path: str, kind: str) -> Result:
    if not isinstance(document, dict):
        return None, (_invalid(path, 1, "a Pipfile.lock is a JSON object"),)
    meta = _table(document.get("_meta"))
    sources = {
        _text(source.get("name")): _text(source.get("url")).rstrip("/")
        for source in map(_table, _array(meta.get("sources")))
    }
    lines = _json_object_lines(text)
    collector = _Collector(path)
    for section, packages in document.items():
        if section == "_meta" or not isinstance(packages, dict):
            continue
        scope = {"default": "required"}.get(section, "dev")
        for name, entry in packages.items():
            line = lines.get((section, name))
            if not name or not isinstance(entry, dict):
                collector.findings.append(
                    _invalid(path, line, f"{section}: an entry without a name")
                )
                continue
            collector.add(
                "PyPI",
                name,
                _text(entry.get("version")).removeprefix("==").removeprefix("="),
                scope=scope,
                hashes=_hashes(map(str, _array(entry.get("hashes")))),
                source=_pipfile_source(entry, sources),
                line=line,
            )
    spec = meta.get("pipfile-spec")
    return collector.result(f"Pipfile.lock {spec}" if spec is not None else "Pipfile.lock")


def _pipfile_source(entry: dict[str, Any], sources: dict[str, str]) -> str:
    if "git" in entry:
        ref = _text(entry.get("ref"))
        return f"git+{_text(entry['git'])}" + (f"@{ref}" if ref else "")
    for key in ("file", "path"):
        if key in entry:
            return _text(entry[key])
    index = sources.get(_text(entry.get("index")), "")
    return "" if index in _PYPI_INDEXES else index


# --- poetry.lock, pdm.lock ------------------------------------------------------------


def _python_packages(
    document: object, text: str, path: str
) -> tuple[list[tuple[dict[str, Any], int | None]], _Collector] | Finding:
    """The ``[[package]]`` tables with their lines, or a finding when there are none."""
    packages = document.get("package", []) if isinstance(document, dict) else None
    if not isinstance(packages, list):
        return _invalid(path, 1, "[[package]] is not an array of tables")
    collector = _Collector(path)
    found = []
    for package, line in zip(packages, _toml_package_lines(text, packages), strict=True):
        name, version = _table(package).get("name"), _table(package).get("version", "")
        if not isinstance(name, str) or not name or not isinstance(version, str):
            collector.findings.append(
                _invalid(path, line, "a [[package]] without a name or version")
            )
            continue
        found.append((_table(package), line))
    return found, collector


def _poetry_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    metadata = _table(_table(document).get("metadata"))
    files_1x = _table(metadata.get("files"))  # lock-version 1.x keeps hashes apart
    for package, line in packages:
        name = package["name"]
        groups = _array(package.get("groups")) or [_text(package.get("category")) or "main"]
        if "main" not in groups:
            scope = "dev"
        else:
            scope = "optional" if package.get("optional") is True else "required"
        files = _array(package.get("files")) or _array(files_1x.get(name))
        source = _table(package.get("source"))
        collector.add(
            "PyPI",
            name,
            package.get("version", ""),
            scope=scope,
            hashes=_hashes(_text(_table(f).get("hash")) for f in files),
            source=_poetry_source(source),
            line=line,
        )
    version = metadata.get("lock-version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _poetry_source(source: dict[str, Any]) -> str:
    url = _text(source.get("url"))
    if source.get("type") == "git":
        reference = _text(source.get("resolved_reference")) or _text(source.get("reference"))
        return f"git+{url}" + (f"@{reference}" if reference else "")
    return "" if url.rstrip("/") in _PYPI_INDEXES else url


def _pdm_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    for package, line in packages:
        groups = _array(package.get("groups")) or ["default"]
        git, revision = _text(package.get("git")), _text(package.get("revision"))
        source = f"git+{git}@{revision}" if git else ""
        collector.add(
            "PyPI",
            package["name"],
            package.get("version", ""),
            scope="required" if "default" in groups else "dev",
            hashes=_hashes(_text(_table(f).get("hash")) for f in _array(package.get("files"))),
            source=source or _text(package.get("url")) or _text(package.get("path")),
            line=line,
        )
    version = _table(_table(document).get("metadata")).get("lock_version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


# --- uv.lock --------------------------------------------------------------------------


def _uv_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    members = {
        normal_name("PyPI", _text(m))
        for m in _array(_table(_table(document).get("manifest")).get("members"))
    }
    tables = [package for package, _ in packages]
    roots = {i for i, package in enumerate(tables) if _uv_is_project(package, members)}
    scopes = _uv_scopes(tables, roots)
    for i, (package, line) in enumerate(packages):
        if i in roots:
            continue
        distributions = [_table(package.get("sdist")), *map(_table, _array(package.get("wheels")))]
        collector.add(
            "PyPI",
            package["name"],
            package.get("version", ""),
            scope=scopes.get(i, "required"),
            hashes=_hashes(_text(d.get("hash")) for d in distributions),
            source=_uv_source(_table(package.get("source"))),
            line=line,
        )
    version = _table(document).get("version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _uv_is_project(package: dict[str, Any], members: set[str]) -> bool:
    source = _table(package.get("source"))
    return (
        "virtual" in source
        or source.get("editable") == "."
        or normal_name("PyPI", package["name"]) in members
    )


def _uv_source(source: dict[str, Any]) -> str:
    if "registry" in source:
        registry = _text(source["registry"]).rstrip("/")
        return "" if registry in _PYPI_INDEXES else registry
    if "git" in source:
        return f"git+{_text(source['git'])}"
    for key in ("url", "path", "directory", "editable"):
        if key in source:
            return _text(source[key])
    return ""


def _uv_scopes(packages: list[dict[str, Any]], roots: set[int]) -> dict[int, str]:
    """Each package's scope, by walking the graph from the project's packages."""
    by_name: dict[str, list[int]] = {}
    for i, package in enumerate(packages):
        by_name.setdefault(normal_name("PyPI", package["name"]), []).append(i)

    def targets(dependency: object) -> Iterator[tuple[int, list[Any]]]:
        wanted = _table(dependency)
        for i in by_name.get(normal_name("PyPI", _text(wanted.get("name"))), []):
            if "version" in wanted and packages[i].get("version") != wanted["version"]:
                continue
            if "source" in wanted and packages[i].get("source") != wanted["source"]:
                continue
            yield i, _array(wanted.get("extra"))

    scopes: dict[int, str] = {}
    for scope, field in (
        ("required", "dependencies"),
        ("optional", "optional-dependencies"),
        ("dev", "dev-dependencies"),
    ):
        starts: list[object] = []
        for root in sorted(roots):
            value = packages[root].get(field)
            groups = [value] if field == "dependencies" else list(_table(value).values())
            starts.extend(dependency for group in groups for dependency in _array(group))
        for reached in _uv_walk(packages, starts, targets):
            scopes.setdefault(reached, scope)
    return {i: scope for i, scope in scopes.items() if i not in roots}


def _uv_walk(
    packages: list[dict[str, Any]],
    starts: list[object],
    targets: Callable[[object], Iterator[tuple[int, list[Any]]]],
) -> set[int]:
    """Every package reachable from ``starts``, following dependencies and requested extras."""
    reached: set[int] = set()
    done: set[tuple[int, str]] = set()
    queue = [pair for dependency in starts for pair in targets(dependency)]
    while queue:
        i, extras = queue.pop()
        groups = []
        if i not in reached:
            reached.add(i)
            groups.append(_array(packages[i].get("dependencies")))
        optional = _table(packages[i].get("optional-dependencies"))
        for extra in map(str, extras):
            if (i, extra) not in done:
                done.add((i, extra))
                groups.append(_array(optional.get(extra)))
        queue.extend(
            pair for group in groups for dependency in group for pair in targets(dependency)
        )
    return reached


# --- package-lock.json / npm-shrinkwrap.json ------------------------------------------


def _npm_lock(document: object, text: str, path: str, kind: str) -> Result:
    if not isinstance(document, dict):
        return None, (_invalid(path, 1, f"a {kind} is a JSON object"),)
    version = document.get("lockfileVersion")
    lines = _json_object_lines(text)
    collector = _Collector(path)
    if isinstance(document.get("packages"), dict):
        _npm_packages(document["packages"], lines, collector)
    elif isinstance(document.get("dependencies"), dict):
        _npm_dependencies(document["dependencies"], lines, collector)
    elif "packages" in document or "dependencies" in document or version is None:
        return None, (_invalid(path, 1, "neither a packages nor a dependencies object"),)
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _npm_scope(entry: dict[str, Any]) -> str:
    if entry.get("dev") is True:
        return "dev"
    if entry.get("optional") is True or entry.get("devOptional") is True:
        return "optional"
    return "required"


def _npm_source(resolved: str) -> str:
    return "" if resolved.startswith(_NPM_REGISTRIES) else resolved


def _npm_packages(packages: dict[str, Any], lines: dict[JsonPath, int], out: _Collector) -> None:
    """lockfileVersion 2 and 3: ``packages`` keyed by their folder."""
    for folder, entry in packages.items():
        line = lines.get(("packages", folder))
        if "node_modules/" not in f"/{folder}":
            continue  # the project itself, a workspace or a linked local folder
        if not isinstance(entry, dict):
            out.findings.append(_invalid(out.path, line, f"packages: {folder!r} is not an object"))
            continue
        if entry.get("link") is True:
            continue
        name = _text(entry.get("name")) or f"/{folder}".rsplit("/node_modules/", 1)[1]
        if not _NPM_NAME.fullmatch(name):
            out.findings.append(
                _invalid(out.path, line, f"packages: {folder!r} has no package name")
            )
            continue
        out.add(
            "npm",
            name,
            _text(entry.get("version")),
            scope=_npm_scope(entry),
            license=_text(entry.get("license")),
            hashes=_sri_hashes(_text(entry.get("integrity"))),
            source=_npm_source(_text(entry.get("resolved"))),
            line=line,
        )


def _npm_dependencies(
    dependencies: dict[str, Any], lines: dict[JsonPath, int], out: _Collector
) -> None:
    """lockfileVersion 1: the nested ``dependencies`` tree, walked without recursion."""
    pending: list[tuple[JsonPath, dict[str, Any]]] = [(("dependencies",), dependencies)]
    while pending:
        at, level = pending.pop(0)
        for key, entry in level.items():
            line = lines.get((*at, key))
            if not isinstance(entry, dict) or not _NPM_NAME.fullmatch(key):
                out.findings.append(
                    _invalid(out.path, line, f"dependencies: {key!r} is not a package")
                )
                continue
            if isinstance(entry.get("dependencies"), dict):
                pending.append(((*at, key, "dependencies"), entry["dependencies"]))
            raw = _text(entry.get("version"))
            if raw.startswith("file:") and not raw.endswith((".tgz", ".tar.gz")):
                continue  # a linked local folder: the project's own code
            name, version, source = _npm_v1_version(key, raw)
            out.add(
                "npm",
                name,
                version,
                scope=_npm_scope(entry),
                hashes=_sri_hashes(_text(entry.get("integrity"))),
                source=source or _npm_source(_text(entry.get("resolved"))),
                line=line,
            )


def _npm_v1_version(key: str, version: str) -> tuple[str, str, str]:
    """(name, version, source) from a v1 entry: ``npm:`` aliases and URLs resolved."""
    if version.startswith("npm:"):
        name, _, real_version = version[4:].rpartition("@")
        return (name or key), real_version, ""
    if not version or version[:1].isdigit():
        return key, version, ""
    return key, "", version  # a git, URL or tarball reference


_Reader = Callable[[object, str, str, str], Result]
_READERS: dict[str, _Reader] = {
    "Pipfile.lock": _pipfile_lock,
    "poetry.lock": _poetry_lock,
    "pdm.lock": _pdm_lock,
    "uv.lock": _uv_lock,
    "package-lock.json": _npm_lock,
    "npm-shrinkwrap.json": _npm_lock,
}

"""requirements.txt, read by pip-requirements-parser, with its ``-r``/``-c`` includes.

The library reads files only, so requirements text passes through a temporary file.

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
"""

from __future__ import annotations

import codecs
import posixpath
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pip_requirements_parser as pipreq
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from medtrace.errors import MedtraceError
from medtrace.ingest.lockfiles.common import (
    _PYPI_INDEXES,
    ReadInclude,
    Result,
    _Collector,
    _decode_text,
    _finding,
    _hashes,
    _invalid,
    _unpinned,
    _unreadable,
)
from medtrace.model.components import normal_name
from medtrace.model.finding import Finding, Severity

REQUIREMENTS = "requirements"
INCLUDE_DEPTH_LIMIT = 20
# Characters str.splitlines() breaks at that an editor does not: blanked so that
# pip-requirements-parser's line numbers are the file's.
_ODD_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))
_Stack = tuple[tuple[str, str], ...]


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
    with a UTF-8 BOM so that the library reads it as UTF-8 whatever the locale. A
    temporary file that cannot be written (a full disk) stops the command: it says
    nothing about the requirements.
    """
    with tempfile.TemporaryDirectory(prefix="medtrace-") as folder:
        file = Path(folder) / "requirements.txt"
        try:
            file.write_bytes(codecs.BOM_UTF8 + text.translate(_ODD_BREAKS).encode("utf-8"))
        except OSError as error:
            raise MedtraceError(
                f"cannot write the temporary file {file} to read a requirements file: "
                f"{error.strerror or error}; nothing was changed"
            ) from error
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

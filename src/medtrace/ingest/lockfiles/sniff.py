"""A file's lockfile format told by its content, when its name does not say (see
"Which format" in the package's docstring), and the reader of each format.
"""

from __future__ import annotations

from collections.abc import Callable

from medtrace.ingest.lockfiles.common import (
    ReadInclude,
    Result,
    _decode_text,
    _finding,
    _load_json,
    _load_toml,
)
from medtrace.ingest.lockfiles.npm import _npm_lock
from medtrace.ingest.lockfiles.nuget import _nuget_lock
from medtrace.ingest.lockfiles.python_locks import _pdm_lock, _pipfile_lock, _poetry_lock, _uv_lock
from medtrace.ingest.lockfiles.requirements import _requirements
from medtrace.model.finding import Finding, Severity

_NOT_PIP = frozenset({"components/invalid", "components/unreadable"})
_Reader = Callable[[object, str, str, str], Result]
_READERS: dict[str, _Reader] = {
    "Pipfile.lock": _pipfile_lock,
    "poetry.lock": _poetry_lock,
    "pdm.lock": _pdm_lock,
    "uv.lock": _uv_lock,
    "package-lock.json": _npm_lock,
    "npm-shrinkwrap.json": _npm_lock,
    "packages.lock.json": _nuget_lock,
}


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


def _unknown(path: str) -> Finding:
    message = "not a lockfile or requirements file medtrace can read"
    return _finding("components/unknown-format", Severity.ERROR, path, 1, message)

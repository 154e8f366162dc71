"""package-lock.json and npm-shrinkwrap.json.

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
import re
from typing import Any

from medtrace.ingest.lockfiles.common import (
    JsonPath,
    Result,
    _Collector,
    _hashes,
    _invalid,
    _json_object_lines,
    _text,
)

_NPM_REGISTRIES = ("https://registry.npmjs.org/", "https://registry.yarnpkg.com/")
_NPM_NAME = re.compile(r"(?:@[^/@\s]+/)?[^/@\s][^/\s]*")


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
        if "/node_modules/" not in f"/{folder}":
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

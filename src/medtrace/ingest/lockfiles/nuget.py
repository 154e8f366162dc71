"""NuGet's ``packages.lock.json``: the packages a .NET project restores, per target
framework.

``dependencies`` maps each target framework (``net8.0``) to the packages restored
for it, by package id: ``type`` is ``Direct``, ``Transitive``, ``CentralTransitive``
or ``Project`` (another project of the solution: not a component), ``resolved`` the
version, ``contentHash`` the package's SHA-512 in base64. A package restored for
several frameworks is one component; ``line`` is the line of its first entry.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from medtrace.ingest.lockfiles.common import (
    Result,
    _Collector,
    _hashes,
    _invalid,
    _json_object_lines,
    _table,
    _text,
)

_NOT_COMPONENTS = frozenset({"Project"})


def _nuget_lock(document: object, text: str, path: str, kind: str) -> Result:
    if not isinstance(document, dict) or not isinstance(document.get("dependencies"), dict):
        return None, (_invalid(path, 1, f"a {kind} is an object with dependencies"),)
    lines = _json_object_lines(text)
    collector = _Collector(path)
    frameworks: dict[str, Any] = document["dependencies"]
    for framework, packages in frameworks.items():
        if not isinstance(packages, dict):
            line = lines.get(("dependencies", framework))
            message = f"dependencies: {framework!r} is not an object of packages"
            collector.findings.append(_invalid(path, line, message))
            continue
        for name, entry in packages.items():
            line = lines.get(("dependencies", framework, name))
            package = _table(entry)
            if _text(package.get("type")) in _NOT_COMPONENTS:
                continue
            collector.add(
                "NuGet",
                name,
                _text(package.get("resolved")),
                hashes=_content_hash(_text(package.get("contentHash"))),
                line=line,
            )
    version = document.get("version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _content_hash(value: str) -> tuple[str, ...]:
    """NuGet's base64 SHA-512 as ``sha512:<hex>``."""
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return ()
    return _hashes([f"sha512:{digest.hex()}"]) if len(digest) == 64 else ()

"""Requirement markers in source code of any language: ``# implements: SRS-012``.

A marker is a comment (``#``, ``//``, ``/*``, ``*``, ``--``, ``;``, ``%`` or
``<!--``) whose text starts with ``implements:`` or ``verifies:`` followed by
item ids separated by commas or spaces. Pure: text in, markers out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKER = re.compile(
    r"(?:#|//|/\*|\*|--|;|%|<!--)\s*(implements|verifies)\s*:\s*"
    r"([A-Za-z][\w.\-]*(?:[\s,]+[A-Za-z][\w.\-]*)*)"
)
_ID_END = re.compile(r"[.\-]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Marker:
    path: str
    line: int
    role: str  # implements | verifies
    ids: tuple[str, ...]


def find_markers(text: str, path: str) -> tuple[Marker, ...]:
    """Every marker in ``text`` (the file at ``path``), in order."""
    found: list[Marker] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _MARKER.finditer(line):
            ids = tuple(
                _ID_END.sub("", part)
                for part in re.split(r"[\s,]+", match.group(2))
                if part and not part.endswith("*/")
            )
            ids = tuple(i for i in ids if i and i != "-->")
            if ids:
                found.append(Marker(path=path, line=number, role=match.group(1), ids=ids))
    return tuple(found)

"""A ReqIF exchange file read into neutral records (OMG ReqIF 1.2).

Only what medtrace uses is kept: spec objects with their type's long name and
their attribute values by attribute long name (XHTML already converted to
Markdown), spec relations by type, and the specification hierarchy in
document order. Identifiers are the file's own ``IDENTIFIER`` values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifObject:
    """A SPEC-OBJECT: ``attributes`` are (attribute long name, value) in file order."""

    identifier: str
    type: str
    long_name: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    def attribute(self, name: str) -> str | None:
        """The value of attribute ``name``, or ``None`` when the object has none."""
        for key, value in self.attributes:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifRelation:
    """A SPEC-RELATION from the object ``source`` to the object ``target``."""

    identifier: str
    type: str
    source: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifNode:
    """A SPEC-HIERARCHY entry: ``obj`` under ``parent`` (an object id, ``None`` at the
    top of ``specification``); ``order`` counts entries in document order."""

    specification: str
    obj: str
    parent: str | None
    order: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifDocument:
    """Everything read from one .reqif file (or every .reqif member of a .reqifz)."""

    title: str = ""
    objects: tuple[ReqifObject, ...] = ()
    relations: tuple[ReqifRelation, ...] = ()
    hierarchy: tuple[ReqifNode, ...] = ()

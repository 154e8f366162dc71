"""The project schema: which kinds of item exist, their fields, and the typed links.

The built-in catalogue lives in :mod:`medtrace.model.kinds`; a project extends
it in ``medtrace.toml`` (see docs/format.md). The schema is data: parsers use
it to type front matter, the graph uses it to check link targets and cycles.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

ANY_KIND = "*"
# One entry of a fingerprints field: an item id, "@", 16 hexadecimal digits of a SHA-256.
PIN = re.compile(r"^(?P<id>[^@\s]+)@(?P<fingerprint>[0-9a-f]{16})$")


class FieldType(enum.Enum):
    """The value types a field can declare."""

    STRING = "string"  # one line of text
    TEXT = "text"  # free text, may span lines
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"  # ISO 8601 date (YYYY-MM-DD) or date-time
    ENUM = "enum"  # one of ``values``
    LIST = "list"  # a list of strings
    URL = "url"
    FINGERPRINTS = "fingerprints"  # a list of ID@FINGERPRINT: what a record vouches for


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    name: str
    type: FieldType
    description: str = ""
    required: bool = False
    values: tuple[str, ...] = ()  # the allowed values of an ENUM field


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkType:
    """A typed link: stored in the pointing item, allowed only towards ``targets``.

    ``reverse`` names the derived direction for reports (``derived-from`` is
    read backwards as ``derives``). ``acyclic`` link types must not form a cycle.
    """

    name: str
    targets: frozenset[str]
    reverse: str
    description: str = ""
    acyclic: bool = False

    def allows(self, kind: str) -> bool:
        return ANY_KIND in self.targets or kind in self.targets


@dataclass(frozen=True, slots=True, kw_only=True)
class KindSpec:
    """A kind of item: its id prefix, its own fields and the links it may hold."""

    name: str
    title: str
    prefix: str
    description: str = ""
    fields: tuple[FieldSpec, ...] = ()
    links: tuple[str, ...] = ()
    builtin: bool = True

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """All kinds and link types of a project, plus the fields every kind has."""

    kinds: Mapping[str, KindSpec]
    links: Mapping[str, LinkType]
    common_fields: tuple[FieldSpec, ...]

    @classmethod
    def build(
        cls,
        kinds: tuple[KindSpec, ...],
        links: tuple[LinkType, ...],
        common_fields: tuple[FieldSpec, ...],
    ) -> Schema:
        return cls(
            kinds=MappingProxyType({kind.name: kind for kind in kinds}),
            links=MappingProxyType({link.name: link for link in links}),
            common_fields=common_fields,
        )

    def field_of(self, kind: str, name: str) -> FieldSpec | None:
        """The spec of field ``name`` on ``kind`` (own fields first, then common ones)."""
        spec = self.kinds.get(kind)
        own = spec.field(name) if spec is not None else None
        if own is not None:
            return own
        for common in self.common_fields:
            if common.name == name:
                return common
        return None

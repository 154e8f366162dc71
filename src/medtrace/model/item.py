"""Items and links: the lifecycle records a project is made of.

An item is one Markdown file: front matter (id, kind, title, typed fields and
typed links) and a CommonMark body. Links are stored once, in the item that
points upward (a software requirement names the system requirement it is
derived from); the reverse direction is derived by :mod:`medtrace.graph`.
Items never hold backlinks or coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.location import SourceLocation

# A field value after normalisation: scalars, dates as ISO text, lists as tuples of text.
FieldValue = str | int | float | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A typed link from the item holding it to ``target`` (an item id)."""

    role: str
    target: str
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One lifecycle record. ``fields`` is sorted by name; ``links`` keep file order."""

    id: str
    kind: str
    title: str
    source: SourceLocation
    body: str = ""
    body_line: int | None = None
    fields: tuple[tuple[str, FieldValue], ...] = ()
    links: tuple[Link, ...] = ()

    def field(self, name: str) -> FieldValue | None:
        """The value of field ``name``, or ``None`` when the item does not set it."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def targets(self, role: str) -> tuple[str, ...]:
        """Ids this item links to with link type ``role``, in file order."""
        return tuple(link.target for link in self.links if link.role == role)

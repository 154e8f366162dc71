"""Small helpers the rule modules share: is a field filled in?"""

from __future__ import annotations

from medtrace.model import FieldValue, Item


def blank(value: FieldValue | None) -> bool:
    """A field left out, empty, only whitespace, or a list of nothing but blanks."""
    if value is None:
        return True
    if isinstance(value, tuple):
        return not any(part.strip() for part in value)
    return isinstance(value, str) and not value.strip()


def blank_fields(item: Item, names: tuple[str, ...]) -> list[str]:
    """The fields of ``names`` that ``item`` leaves blank, in order."""
    return [name for name in names if blank(item.field(name))]

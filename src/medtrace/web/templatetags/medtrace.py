"""Template filters: formatting only (no rules, no decisions).

``sanitised`` is the one place HTML from the library is marked safe: the item
bodies that :func:`medtrace.api.item_view.render_body` has cleaned with nh3, and
the SVG that :mod:`medtrace.export.neighbourhood` escaped.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def sanitised(html: str) -> SafeString:
    """HTML already cleaned by medtrace's sanitiser (never user text as it was typed)."""
    return mark_safe(html)


@register.filter
def short(commit: str) -> str:
    return commit[:12]


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


@register.filter
def severity(finding: object) -> str:
    value = getattr(getattr(finding, "severity", None), "value", "")
    return str(value)


@register.filter
def lines(text: str) -> list[str]:
    return text.splitlines()


@register.filter
def diffclass(line: str) -> str:
    if line.startswith("+") and not line.startswith("+++"):
        return "add"
    if line.startswith("-") and not line.startswith("---"):
        return "del"
    return "ctx"


@register.filter
def fieldtext(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def field(item: object, name: str) -> str:
    """The text of an item's field ``name`` (``—`` when unset)."""
    getter = getattr(item, "field", None)
    return fieldtext(getter(name) if callable(getter) else None)


@register.filter
def getfield(form: object, name: str) -> object:
    """The bound field ``name`` of a form (for forms generated from the schema)."""
    return form[name]  # type: ignore[index]

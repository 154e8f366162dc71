"""A sphinx-needs ``needs.json`` read into neutral records (a migration source)."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.interchange.findings import Extra


@dataclass(frozen=True, slots=True, kw_only=True)
class Need:
    id: str
    type: str
    title: str
    body: str
    tags: tuple[str, ...]
    status: str | None
    links: tuple[tuple[str, tuple[str, ...]], ...]  # (link field, targets), fields sorted
    extra: Extra  # other non-empty attributes, sorted by name

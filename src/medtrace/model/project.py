"""A loaded project: configuration, items and the findings of loading them."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.config import ProjectConfig
from medtrace.model.finding import Finding
from medtrace.model.item import Item
from medtrace.model.review import Review

# The light index of a project: (path, id, kind, line of the id) of every item,
# and (path, link type, target id, line) of every link, as plain tuples.
ItemRow = tuple[str, str, str, int | None]
LinkRow = tuple[str, str, str, int | None]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one file yielded: at most one item, and the findings of reading it.

    ``is_item`` is false for Markdown files without front matter (a README in
    the requirements folder): they are neither items nor errors.
    """

    item: Item | None
    findings: tuple[Finding, ...]
    is_item: bool = True
    fingerprint: str = ""  # the item's own fingerprint, when the loader computed it


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """Everything read from a project's files, sorted by path. No derived data."""

    root: str
    config: ProjectConfig
    items: tuple[Item, ...]
    diagnostics: tuple[Finding, ...]
    files: int = 0
    reviews: tuple[Review, ...] = ()  # from medtrace-reviews.yaml

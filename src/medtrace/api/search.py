"""Find items: full text over ids, titles, bodies and fields, filters, sorting, pages.

The text of every item is lower-cased once per snapshot (into
:meth:`Snapshot.derived`); a query keeps the items holding every one of its
words, then filters, sorts (ids in natural order: ``SRS-2`` before ``SRS-10``)
and cuts one page. Facets count the matches by kind, status and class.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from medtrace.api.item_view import class_of, findings_by_item
from medtrace.api.workspace import Snapshot
from medtrace.model import Item

SORTS = ("id", "title", "kind", "status", "class", "findings")
WITH_FINDINGS = "any"  # the finding filter that keeps items with any finding
MAX_PER_PAGE = 200
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchQuery:
    text: str = ""
    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()  # effective safety classes: A, B, C
    statuses: tuple[str, ...] = ()
    finding: str = ""  # "": no filter; "any": with findings; else a code or its start
    sort: str = "id"
    descending: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchRow:
    id: str
    kind: str
    title: str
    status: str
    safety_class: str
    path: str
    findings: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPage:
    query: SearchQuery
    rows: tuple[SearchRow, ...]
    total: int
    page: int
    pages: int
    kinds: tuple[tuple[str, int], ...]  # facets of the matches, by name
    statuses: tuple[tuple[str, int], ...]
    classes: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    row: SearchRow
    text: str
    codes: tuple[str, ...]
    key: tuple[object, ...]


def search(snapshot: Snapshot, query: SearchQuery) -> SearchPage:
    """One page of the items matching ``query``."""
    words = query.text.lower().split()
    matches = [
        entry
        for entry in _index(snapshot)
        if all(word in entry.text for word in words) and _finding_ok(entry, query.finding)
    ]
    kinds = Counter(e.row.kind for e in matches)
    statuses = Counter(e.row.status for e in matches)
    classes = Counter(e.row.safety_class for e in matches)
    kept = [
        e
        for e in matches
        if (not query.kinds or e.row.kind in query.kinds)
        and (not query.statuses or e.row.status in query.statuses)
        and (not query.classes or e.row.safety_class in query.classes)
    ]
    kept.sort(key=lambda e: _sort_key(e, query.sort), reverse=query.descending)
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    pages = max(1, -(-len(kept) // per_page))
    page = max(1, min(query.page, pages))
    rows = tuple(e.row for e in kept[(page - 1) * per_page : page * per_page])
    return SearchPage(
        query=query,
        rows=rows,
        total=len(kept),
        page=page,
        pages=pages,
        kinds=tuple(sorted(kinds.items())),
        statuses=tuple(sorted(statuses.items())),
        classes=tuple(sorted(classes.items())),
    )


def natural_key(text: str) -> tuple[object, ...]:
    """``SRS-2`` before ``SRS-10``: digits compare as numbers."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(text))


def _index(snapshot: Snapshot) -> list[_Entry]:
    def compute(snap: Snapshot) -> list[_Entry]:
        findings = findings_by_item(snap)
        entries = []
        for item in snap.graph:
            found = findings.get(item.id, ())
            row = SearchRow(
                id=item.id,
                kind=item.kind,
                title=item.title,
                status=str(item.field("status") or ""),
                safety_class=class_of(snap, item).value,
                path=item.source.path,
                findings=len(found),
            )
            codes = tuple(sorted({f.code for f in found}))
            entries.append(_Entry(row, _text(item), codes, natural_key(item.id)))
        return entries

    return snapshot.derived("search-index", compute)


def _text(item: Item) -> str:
    parts = [item.id, item.title, item.kind, item.body]
    for name, value in item.fields:
        parts.append(f"{name} {' '.join(value) if isinstance(value, tuple) else value}")
    parts.extend(link.target for link in item.links)
    return "\n".join(parts).lower()


def _finding_ok(entry: _Entry, wanted: str) -> bool:
    if not wanted:
        return True
    if wanted == WITH_FINDINGS:
        return bool(entry.codes)
    return any(code.startswith(wanted) for code in entry.codes)


def _sort_key(entry: _Entry, sort: str) -> tuple[object, ...]:
    row = entry.row
    if sort == "title":
        return (row.title.lower(), entry.key)
    if sort == "kind":
        return (row.kind, entry.key)
    if sort == "status":
        return (row.status, entry.key)
    if sort == "class":
        return (row.safety_class, entry.key)
    if sort == "findings":
        return (row.findings, entry.key)
    return entry.key

"""Parse one OSV vulnerability record (JSON) into an :class:`Advisory`.

Pure: bytes in, an Advisory and findings out; it never raises on what a record
holds. A record that is not JSON, or is JSON but not an OSV record, yields no
Advisory and one ``osv/unreadable`` finding (at the line of the JSON syntax
error, when there is one).

What counts as an OSV record: a JSON object with a string ``id`` and
``modified``, whose fields that decide matching have the types the schema gives
them: ``affected`` a list of objects, each ``package`` an object with a string
``ecosystem`` and ``name``, ``versions`` a list of strings, each range an object
with a string ``type`` and a list of ``events``, each event an object with exactly
one of ``introduced``, ``fixed``, ``last_affected`` or ``limit`` (a string).
Optional lists may be ``null``. Descriptive fields (``summary``, ``details``,
``aliases``, ``severity``, ``references``) of another type are left out rather
than lose the record. Whether the versions of a range can be ordered is not
checked here: that depends on the ecosystem, and is
:mod:`medtrace.graph.advisory_match`'s business.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TypeVar, cast

from medtrace.model.advisories import DETAILS_LIMIT, Advisory, Affected, Event, EventKind, Range
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

_EVENT_KINDS: dict[str, EventKind] = {
    "introduced": "introduced",
    "fixed": "fixed",
    "last_affected": "last_affected",
    "limit": "limit",
}
T = TypeVar("T")


class _NotOsvError(Exception):
    """The JSON is not an OSV record: ``where`` (a field path) ``problem``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}" if where else problem)
        self.where = where
        self.problem = problem

    def within(self, outer: str) -> _NotOsvError:
        """The same error, its path prefixed with the field that holds it."""
        return _NotOsvError(f"{outer}.{self.where}" if self.where else outer, self.problem)


def parse_advisory(data: bytes, path: str) -> tuple[Advisory | None, tuple[Finding, ...]]:
    """Parse the OSV record at ``path`` from its bytes."""
    try:
        record = json.loads(data)
    except json.JSONDecodeError as error:
        return None, (_unreadable(path, f"not JSON: {error.msg}", error.lineno),)
    except UnicodeDecodeError:
        return None, (_unreadable(path, "not JSON: the bytes are not UTF-8 text", None),)
    except (ValueError, RecursionError) as error:
        return None, (_unreadable(path, f"not JSON: {error}", None),)
    try:
        return _advisory(record, path), ()
    except _NotOsvError as error:
        return None, (_unreadable(path, f"not an OSV record: {error}", None),)


def _unreadable(path: str, message: str, line: int | None) -> Finding:
    return Finding(
        code="osv/unreadable",
        severity=Severity.ERROR,
        message=" ".join(message.split()),
        location=SourceLocation(path=path, line=line),
    )


def _advisory(record: object, path: str) -> Advisory:
    if not isinstance(record, dict):
        raise _NotOsvError("", "the JSON is not an object")
    get = cast("dict[str, object]", record).get
    record_id = get("id")
    if not isinstance(record_id, str) or not record_id:
        raise _NotOsvError("", "it has no id")
    modified = get("modified")
    if not isinstance(modified, str):
        raise _NotOsvError("", "it has no modified timestamp")
    details = _text(get("details"))
    return Advisory(
        id=record_id,
        modified=modified,
        published=_text(get("published")),
        withdrawn=_text(get("withdrawn")),
        aliases=_texts(get("aliases")),
        summary=_text(get("summary")),
        details=details if len(details) <= DETAILS_LIMIT else details[:DETAILS_LIMIT] + "…",
        severity=_severity(get("severity")),
        affected=_items(get("affected"), "affected", _affected),
        references=_urls(get("references")),
        path=path,
    )


# Descriptive fields (texts, aliases, severity, references) are read leniently: a value
# of the wrong type is left out. What decides matching is checked strictly.


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _severity(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        (_text(item.get("type")), _text(item.get("score")))
        for item in value
        if isinstance(item, dict)
    )


def _urls(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    urls = (item.get("url") for item in value if isinstance(item, dict))
    return tuple(url for url in urls if isinstance(url, str) and url)


def _items(value: object, name: str, build: Callable[[dict[str, object]], T]) -> tuple[T, ...]:
    """An optional list of objects (empty when absent or null), each built by ``build``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _NotOsvError(name, "is not a list")
    built: list[T] = []
    for item in value:
        if not isinstance(item, dict):
            raise _NotOsvError(f"{name}[{len(built)}]", "is not an object")
        try:
            built.append(build(item))
        except _NotOsvError as error:
            raise error.within(f"{name}[{len(built)}]") from None
    return tuple(built)


def _affected(entry: dict[str, object]) -> Affected:
    ecosystem, name, purl = _package(entry.get("package"))
    versions = entry.get("versions")
    if versions is None:
        versions = []
    elif not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        raise _NotOsvError("versions", "is not a list of strings")
    return Affected(
        ecosystem=ecosystem,
        name=name,
        purl=purl,
        ranges=_items(entry.get("ranges"), "ranges", _range),
        versions=tuple(versions),
    )


def _package(value: object) -> tuple[str, str, str]:
    """``(ecosystem, name, purl)`` of an affected entry's package; all ``""`` without one."""
    if value is None:
        return "", "", ""
    if isinstance(value, dict):
        ecosystem, name = value.get("ecosystem"), value.get("name")
        if isinstance(ecosystem, str) and isinstance(name, str):
            return ecosystem, name, _text(value.get("purl"))
    raise _NotOsvError("package", "is not an object with an ecosystem and a name")


def _range(entry: dict[str, object]) -> Range:
    range_type = entry.get("type")
    if not isinstance(range_type, str):
        raise _NotOsvError("type", "is not a string")
    values = entry.get("events")
    if not isinstance(values, list):
        raise _NotOsvError("events", "is not a list")
    events: list[Event] = []
    for value in values:
        event = None
        if isinstance(value, dict) and len(value) == 1:
            (item,) = value.items()
            if isinstance(item[1], str):  # (an object or list as the value cannot be cached)
                event = _shared_event(item)
        if event is None:
            where = f"events[{len(events)}]"
            raise _NotOsvError(where, "is not one introduced, fixed, last_affected or limit string")
        events.append(event)
    return Range(type=range_type, events=tuple(events), repo=_text(entry.get("repo")))


@functools.lru_cache(maxsize=1 << 16)
def _shared_event(item: tuple[object, object]) -> Event | None:
    """The event of a ``(kind, version)`` pair, or ``None`` if it is not one. Cached: many
    records share events (``introduced: "0"``), and one object serves them all."""
    kind, value = item
    if isinstance(kind, str) and isinstance(value, str) and kind in _EVENT_KINDS:
        return Event(kind=_EVENT_KINDS[kind], value=value)
    return None

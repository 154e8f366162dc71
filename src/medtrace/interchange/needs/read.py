"""Read a sphinx-needs ``needs.json`` into neutral items (a migration source).

Pure: bytes in, needs and findings out; it never raises on what the file holds.
The needs are those of ``versions[current_version]`` (the only version when
``current_version`` names none). A link field is ``links`` and every field
``X`` for which the need also has ``X_back`` (sphinx-needs writes both for each
link type); the ``_back`` fields are derived and not read. The other non-empty
attributes are kept in :attr:`Need.extra`; empty ones (``null``, ``""``,
``[]``, ``{}``, which sphinx-needs writes for every option) carry nothing.

Findings: ``migrate/unreadable`` (empty, not UTF-8 or not JSON) and
``migrate/invalid`` (not the needs.json shape: no ``current_version`` or
``project``, no such version, no needs, a need without a valid id).
"""

from __future__ import annotations

import json

from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.findings import INVALID, UNREADABLE, migrate_finding
from medtrace.interchange.needs.records import Need
from medtrace.model.finding import Finding

BODY_FIELDS = ("content", "description")
_READ = frozenset({"id", "type", "title", "tags", "status", *BODY_FIELDS})


def parse_needs(data: bytes, path: str) -> tuple[tuple[Need, ...], tuple[Finding, ...]]:
    """The needs of the current version of the needs.json at ``path``."""
    needs = _current_needs(data, path)
    if isinstance(needs, Finding):
        return (), (needs,)
    found: list[Need] = []
    findings: list[Finding] = []
    for key, need in needs.items():
        parsed = _need(key, need)
        if isinstance(parsed, str):
            findings.append(migrate_finding(INVALID, path, f"need {key!r}: {parsed}"))
        else:
            found.append(parsed)
    return tuple(found), tuple(findings)


def _current_needs(data: bytes, path: str) -> dict[str, object] | Finding:
    """The ``needs`` object of the current version, or the finding why there is none."""
    if not data.strip():
        return migrate_finding(UNREADABLE, path, "the file is empty")
    try:
        loaded = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return migrate_finding(UNREADABLE, path, "not UTF-8 text")
    except json.JSONDecodeError as error:
        return migrate_finding(UNREADABLE, path, f"not JSON: {error}", error.lineno)
    except RecursionError:
        return migrate_finding(UNREADABLE, path, "not JSON: nested too deeply")
    if not isinstance(loaded, dict):
        return migrate_finding(INVALID, path, "not a needs.json: not a JSON object")
    for key in ("current_version", "project", "versions"):
        if key not in loaded:
            reason = f"not a valid needs.json: it has no {key!r}"
            return migrate_finding(INVALID, path, f"{reason} (the needs.json schema requires it)")
    versions = loaded["versions"]
    current = loaded["current_version"]
    if not isinstance(current, str):
        message = f"current_version is {type(current).__name__}, not the name of a version"
        return migrate_finding(INVALID, path, message, _line_of(data, b'"current_version"'))
    if isinstance(versions, dict) and current not in versions and len(versions) == 1:
        current = next(iter(versions))
    version = versions.get(current) if isinstance(versions, dict) else None
    needs = version.get("needs") if isinstance(version, dict) else None
    if not isinstance(needs, dict):
        return migrate_finding(INVALID, path, f"versions has no version {current!r} with needs")
    if not needs:
        return migrate_finding(INVALID, path, f"version {current!r} holds no needs")
    return needs


def _need(key: str, need: object) -> Need | str:
    if not isinstance(need, dict):
        return "not a JSON object"
    need_id = need.get("id", key)
    if not isinstance(need_id, str) or not ID_PATTERN.match(need_id):
        return f"{need_id!r} is not a valid item id"
    fields = {name for name in need if isinstance(name, str) and f"{name}_back" in need}
    links: list[tuple[str, tuple[str, ...]]] = []
    for name in sorted(fields | ({"links"} if "links" in need else set())):
        targets = need[name] or []
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            return f"{name} is not a list of ids"
        if targets:
            links.append((name, tuple(targets)))
    back = {f"{name}_back" for name in fields}
    bodies = [str(need[name]) for name in BODY_FIELDS if _present(need.get(name))]
    extra = {
        name: value
        for name, value in need.items()
        if name not in _READ and name not in fields and name not in back and name != "links"
        if _present(value)
    }
    if len(bodies) == 2 and bodies[0] != bodies[1]:
        extra["description"] = bodies[1]
    tags = need.get("tags") or []
    status = need.get("status")
    return Need(
        id=need_id,
        type=str(need.get("type") or ""),
        title=str(need.get("title") or need_id),
        body=bodies[0] if bodies else "",
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (str(tags),),
        status=str(status) if status else None,
        links=tuple(links),
        extra=tuple(sorted(extra.items())),
    )


def _line_of(data: bytes, key: bytes) -> int | None:
    """The line of the first ``key`` in ``data``."""
    at = data.find(key)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


def _present(value: object) -> bool:
    return value is not None and value != "" and value != [] and value != {}

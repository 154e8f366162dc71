"""Read the data files of an Innolitics RDM project (a migration source).

Pure: a mapping of file name (relative to RDM's ``data/`` folder) -> bytes in,
:class:`~medtrace.interchange.rdm.records.RdmData` and findings out; it never raises on what
the files hold. The files read are those of RDM's example project:
``requirements.yml``, ``risk.yml``, ``soup.yml``, ``unit_test_record.yml``,
``integration_test_record.yml``, ``manual_tests.yml``, ``versions.yml``,
``history.yml`` and ``device.yml``; each may be absent. YAML is loaded safely;
an empty file holds no entries. A text is taken as written (``version: 3.10``
stays ``3.10``, not the number 3.1). Keys of an entry the records have no
attribute for are kept in the record's ``extra``.

Findings, each with the file and, where YAML tells it, the line:

- ``migrate/unreadable`` (error): a file is not UTF-8 or not YAML;
- ``migrate/invalid`` (error): a file is YAML but not RDM's shape (a list
  where a mapping belongs, an entry that is not a mapping, a requirement or
  change request without an id, an id medtrace cannot use, a text that is a
  list). One finding per broken file; with any error no data is returned;
- ``migrate/not-imported`` (warning): a file in ``data/`` that is none of the
  above, or a top-level key of ``history.yml`` other than ``change_requests``
  and ``changes``; nothing of it is read.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import TypeVar, cast

import yaml

from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.findings import (
    INVALID,
    NOT_IMPORTED,
    UNREADABLE,
    migrate_finding,
    migrate_warning,
)
from medtrace.interchange.rdm.records import (
    Extra,
    RdmChange,
    RdmChangeRequest,
    RdmData,
    RdmManualStep,
    RdmManualTest,
    RdmRequirement,
    RdmRisk,
    RdmSettings,
    RdmSoup,
    RdmTestResult,
    RdmVersion,
)
from medtrace.interchange.yaml_source import SourceLoader, error_line, error_problem
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

KNOWN_FILES = (
    "requirements.yml",
    "risk.yml",
    "soup.yml",
    "unit_test_record.yml",
    "integration_test_record.yml",
    "manual_tests.yml",
    "versions.yml",
    "history.yml",
    "device.yml",
)
# An RDM-internal id (change requests, changes) becomes the tail of a medtrace id.
LOCAL_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.\-]{0,40}[A-Za-z0-9])?$")
_T = TypeVar("_T")


class _ShapeError(Exception):
    """A file breaks RDM's shape: ``message`` at ``line`` (1-based, or ``None``)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_rdm(files: Mapping[str, bytes]) -> tuple[RdmData, tuple[Finding, ...]]:
    """The records of the RDM data files ``files`` (file name -> bytes)."""
    findings: list[Finding] = []
    parts: dict[str, object] = {}
    for name in sorted(files):
        if name not in KNOWN_FILES:
            message = "not an RDM data file medtrace reads; nothing of it is imported"
            findings.append(_warning(name, message))
            continue
        loaded = _load(name, files[name], findings)
        if loaded is None:
            continue
        value, lines = loaded
        try:
            parts.update(_READERS[name](name, value, lines, findings))
        except _ShapeError as error:
            findings.append(migrate_finding(INVALID, name, error.message, error.line))
    read = tuple(name for name in KNOWN_FILES if name in files)
    if any(f.severity is Severity.ERROR for f in findings):
        return RdmData(files=read), tuple(findings)
    unit = cast(tuple[RdmTestResult, ...], parts.pop("_unit", ()))
    integration = cast(tuple[RdmTestResult, ...], parts.pop("_integration", ()))
    parts["test_results"] = (*unit, *integration)
    return RdmData(files=read, **parts), tuple(findings)  # type: ignore[arg-type]


# --- loading -----------------------------------------------------------------


class _Lines:
    """The 1-based lines of a composed node and of its entries (list items, keys)."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node
        self.line = node.start_mark.line + 1 if node is not None else None

    def item(self, index: int) -> _Lines:
        if isinstance(self.node, yaml.SequenceNode) and index < len(self.node.value):
            return _Lines(self.node.value[index])
        return _Lines(None) if self.node is None else self

    def key(self, name: str) -> _Lines:
        if isinstance(self.node, yaml.MappingNode):
            for key, value in reversed(self.node.value):
                if isinstance(key, yaml.ScalarNode) and key.value == name:
                    lines = _Lines(value)
                    lines.line = key.start_mark.line + 1
                    return lines
        return _Lines(None) if self.node is None else self


def _load(name: str, data: bytes, findings: list[Finding]) -> tuple[object, _Lines] | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        at = data[: error.start].count(b"\n") + 1
        findings.append(migrate_finding(UNREADABLE, name, "not UTF-8 text", at))
        return None
    loader = SourceLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, RecursionError) as error:
        line = error_line(error) if isinstance(error, yaml.YAMLError) else None
        problem = error_problem(error)
        findings.append(migrate_finding(UNREADABLE, name, f"not valid YAML: {problem}", line))
        return None
    finally:
        loader.dispose()
    return value, _Lines(node)


def _warning(name: str, message: str, line: int | None = None) -> Finding:
    return Finding(
        code=NOT_IMPORTED,
        severity=Severity.WARNING,
        message=message,
        location=SourceLocation(path=name, line=line),
    )


# --- shapes --------------------------------------------------------------------


def _sequence(value: object, lines: _Lines, what: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _ShapeError(f"{what} is not a list", lines.line)
    return value


def _mapping(value: object, lines: _Lines, what: str) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _ShapeError(f"{what} is not a mapping", lines.line)
    return {str(key): item for key, item in value.items()}


def _entries(
    value: object, lines: _Lines, what: str, read: Callable[[int, dict[str, object], _Lines], _T]
) -> tuple[_T, ...]:
    """Each entry of the list ``value`` (a mapping each) read by ``read``."""
    found: list[_T] = []
    for index, entry in enumerate(_sequence(value, lines, what), start=1):
        where = lines.item(index - 1)
        found.append(read(index, _mapping(entry, where, f"{what} entry {index}"), where))
    return tuple(found)


def _text(entry: Mapping[str, object], key: str, lines: _Lines) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise _ShapeError(f"{key} is not a text", lines.key(key).line)
    node = lines.key(key).node
    if isinstance(node, yaml.ScalarNode):  # as written: 3.10 stays 3.10, yes stays yes
        return str(node.value).strip()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _texts(entry: Mapping[str, object], key: str, lines: _Lines) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    raise _ShapeError(f"{key} is not a list of texts", lines.key(key).line)


def _ids(entry: Mapping[str, object], key: str, lines: _Lines) -> tuple[str, ...]:
    ids = _texts(entry, key, lines)
    for target in ids:
        if not ID_PATTERN.match(target):
            raise _ShapeError(f"{key}: {target!r} is not a valid item id", lines.key(key).line)
    return tuple(dict.fromkeys(ids))


def _extra(entry: Mapping[str, object], read: frozenset[str]) -> Extra:
    return tuple(sorted((key, value) for key, value in entry.items() if key not in read))


def _location(name: str, lines: _Lines) -> SourceLocation:
    return SourceLocation(path=name, line=lines.line)


# --- files ---------------------------------------------------------------------

_Part = dict[str, object]
_REQUIREMENT_KEYS = frozenset(
    {"id", "title", "type", "description", "specifications", "system_requirements"}
)


def _unwrapped(
    name: str, value: object, lines: _Lines, findings: list[Finding]
) -> tuple[object, _Lines]:
    """The list of a data file that holds a list, when it is wrapped in a mapping (as
    RDM-derived templates have it: ``requirements:`` above the entries): a deviation,
    read with a warning (an error when the import is strict)."""
    if not isinstance(value, dict):
        return value, lines
    lists = [key for key, item in value.items() if isinstance(item, list)]
    if len(lists) != 1:
        return value, lines
    (key,) = lists
    message = f"the list is wrapped in a mapping (key {str(key)[:40]!r}); its entries are read"
    others = [str(other) for other in value if other != key]
    if others:
        message += f", its other keys ({', '.join(others)[:80]}) are not"
    findings.append(migrate_warning(INVALID, name, message, lines.line))
    return value[key], lines.key(str(key))


def _requirements(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    seen: set[str] = set()
    value, lines = _unwrapped(name, value, lines, findings)

    def read(index: int, entry: dict[str, object], where: _Lines) -> RdmRequirement:
        raw = entry.get("id")
        if raw is None or isinstance(raw, list | dict) or not str(raw).strip():
            raise _ShapeError(f"requirement {index} has no id", where.line)
        req_id = str(raw).strip()
        if not ID_PATTERN.match(req_id):
            raise _ShapeError(f"requirement id {req_id!r} is not a valid item id", where.line)
        if req_id in seen:
            raise _ShapeError(f"requirement id {req_id!r} appears twice", where.line)
        seen.add(req_id)
        return RdmRequirement(
            id=req_id,
            title=_text(entry, "title", where),
            type=_text(entry, "type", where),
            description=_text(entry, "description", where),
            specifications=_text(entry, "specifications", where),
            system_requirements=_ids(entry, "system_requirements", where),
            extra=_extra(entry, _REQUIREMENT_KEYS),
            location=_location(name, where),
        )

    return {"requirements": _entries(value, lines, "requirements.yml", read)}


_RISK_KEYS = frozenset(
    {
        "hazard",
        "hazardous_situation",
        "harm",
        "software_item",
        "events",
        "severity",
        "probability",
        "control_measures",
        "residual_severity",
        "residual_probability",
        "notes",
    }
)


def _risk(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    top = _mapping(value, lines, "risk.yml")

    def read(index: int, entry: dict[str, object], where: _Lines) -> RdmRisk:
        texts = {key: _text(entry, key, where) for key in _RISK_KEYS - {"control_measures"}}
        if not (texts["hazard"] or texts["hazardous_situation"] or texts["harm"]):
            message = f"risk {index} names no hazard, hazardous situation or harm"
            raise _ShapeError(message, where.line)
        return RdmRisk(
            index=index,
            control_measures=_texts(entry, "control_measures", where),
            extra=_extra(entry, _RISK_KEYS),
            location=_location(name, where),
            **texts,
        )

    risks = _entries(top.get("risks"), lines.key("risks"), "risks", read)
    scales = {key: item for key, item in top.items() if key != "risks"}
    settings = RdmSettings(values=tuple(scales.items()), location=_location(name, lines))
    return {"risks": risks, "risk_scales": settings if scales else None}


_SOUP_KEYS = frozenset(
    {"title", "manufacturer", "version", "purpose", "requirements", "anomaly_reference"}
)


def _soup(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    def read(index: int, entry: dict[str, object], where: _Lines) -> RdmSoup:
        title = _text(entry, "title", where)
        if not title:
            raise _ShapeError(f"SOUP {index} has no title", where.line)
        return RdmSoup(
            index=index,
            title=title,
            manufacturer=_text(entry, "manufacturer", where),
            version=_text(entry, "version", where),
            purpose=_text(entry, "purpose", where),
            requirements=_text(entry, "requirements", where),
            anomaly_reference=_text(entry, "anomaly_reference", where),
            extra=_extra(entry, _SOUP_KEYS),
            location=_location(name, where),
        )

    return {"soup": _entries(value, lines, "soup.yml", read)}


_RESULT_KEYS = frozenset({"name", "result", "message", "note", "req_ids"})


def _test_results(level: str) -> _Reader:
    def reader(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
        found: list[RdmTestResult] = []
        for key, entry in _mapping(value, lines, name).items():
            where = lines.key(key)
            fields = _mapping(entry, where, f"test {key!r}")
            found.append(
                RdmTestResult(
                    level=level,
                    key=key,
                    name=_text(fields, "name", where),
                    result=_text(fields, "result", where),
                    message=_text(fields, "message", where),
                    note=_text(fields, "note", where),
                    req_ids=_ids(fields, "req_ids", where),
                    extra=_extra(fields, _RESULT_KEYS),
                    location=_location(name, where),
                )
            )
        return {f"_{level}": tuple(found)}

    return reader


_STEP_KEYS = frozenset({"step", "result", "req_ids", "note"})


def _manual_tests(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    def read(index: int, entry: dict[str, object], where: _Lines) -> RdmManualTest:
        test_name = _text(entry, "name", where)
        if not test_name:
            raise _ShapeError(f"manual test {index} has no name", where.line)

        def step(number: int, fields: dict[str, object], at: _Lines) -> RdmManualStep:
            return RdmManualStep(
                step=_text(fields, "step", at) or str(number),
                result=_text(fields, "result", at),
                req_ids=_ids(fields, "req_ids", at),
                note=_text(fields, "note", at),
                extra=_extra(fields, _STEP_KEYS),
                line=at.line,
            )

        steps = _entries(entry.get("steps"), where.key("steps"), f"{test_name} steps", step)
        return RdmManualTest(
            index=index,
            name=test_name,
            steps=steps,
            extra=_extra(entry, frozenset({"name", "steps"})),
            location=_location(name, where),
        )

    return {"manual_tests": _entries(value, lines, "manual_tests.yml", read)}


def _versions(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    def read(index: int, entry: dict[str, object], where: _Lines) -> RdmVersion:
        release = _text(entry, "release_id", where)
        if not release:
            raise _ShapeError(f"version {index} has no release_id", where.line)
        return RdmVersion(
            index=index,
            release_id=release,
            date=_text(entry, "date", where),
            changes=_texts(entry, "changes", where),
            extra=_extra(entry, frozenset({"release_id", "date", "changes"})),
            location=_location(name, where),
        )

    return {"versions": _entries(value, lines, "versions.yml", read)}


def _local_id(entry: Mapping[str, object], what: str, where: _Lines) -> str:
    raw = entry.get("id")
    if raw is None or isinstance(raw, list | dict) or not str(raw).strip():
        raise _ShapeError(f"{what} has no id", where.line)
    local = str(raw).strip()
    if not LOCAL_ID.match(local):
        raise _ShapeError(
            f"{what}: id {local!r} is not letters, digits, '-', '_' or '.'", where.line
        )
    return local


_REQUEST_KEYS = frozenset({"id", "title", "content", "is_problem_report", "change_ids"})


def _history(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    top = _mapping(value, lines, "history.yml")
    for key in top:
        if key not in {"change_requests", "changes"}:
            message = f"{key!r} is not an RDM history key medtrace reads; it is not imported"
            findings.append(_warning(name, message, lines.key(key).line))

    def request(index: int, entry: dict[str, object], where: _Lines) -> RdmChangeRequest:
        flag = entry.get("is_problem_report", False)
        if not isinstance(flag, bool):
            message = f"change request {index}: is_problem_report is not true or false"
            raise _ShapeError(message, where.key("is_problem_report").line)
        return RdmChangeRequest(
            id=_local_id(entry, f"change request {index}", where),
            title=_text(entry, "title", where),
            content=_text(entry, "content", where),
            is_problem_report=flag,
            change_ids=_texts(entry, "change_ids", where),
            extra=_extra(entry, _REQUEST_KEYS),
            location=_location(name, where),
        )

    def change(index: int, entry: dict[str, object], where: _Lines) -> RdmChange:
        return RdmChange(
            id=_local_id(entry, f"change {index}", where),
            content=_text(entry, "content", where),
            extra=_extra(entry, frozenset({"id", "content"})),
            location=_location(name, where),
        )

    requests = _entries(
        top.get("change_requests"), lines.key("change_requests"), "change_requests", request
    )
    changes = _entries(top.get("changes"), lines.key("changes"), "changes", change)
    return {"change_requests": requests, "changes": changes}


def _device(name: str, value: object, lines: _Lines, findings: list[Finding]) -> _Part:
    values = _mapping(value, lines, "device.yml")
    return {"device": RdmSettings(values=tuple(values.items()), location=_location(name, lines))}


_Reader = Callable[[str, object, _Lines, list[Finding]], _Part]
_READERS: dict[str, _Reader] = {
    "requirements.yml": _requirements,
    "risk.yml": _risk,
    "soup.yml": _soup,
    "unit_test_record.yml": _test_results("unit"),
    "integration_test_record.yml": _test_results("integration"),
    "manual_tests.yml": _manual_tests,
    "versions.yml": _versions,
    "history.yml": _history,
    "device.yml": _device,
}

"""Innolitics RDM records as medtrace items (``medtrace migrate rdm``).

RDM keeps one YAML file per record type and renders its documents from Jinja
templates (``documents/*.md``); only the data is imported. The mapping, file by
file (``NNN`` counts entries from 001 in file order; ids are never reused, so
an RDM id stays readable in the medtrace id):

- ``requirements.yml``: each entry a software-requirement with the RDM id
  kept as it is (``r-1``, ``r-3-1`` are valid medtrace ids; an id that is not
  is refused by the reader). ``description`` is the body, ``specifications``
  a ``## Specifications`` section of it; ``type`` is kept in the ``rdm``
  section and also sets ``category`` when it names one (``Functional``).
  ``system_requirements`` become ``derived-from`` links. RDM keeps system
  requirements outside its data, so these links point to ids the import does
  not create: they are written as they are, so the links equal the source's,
  and ``medtrace check`` reports each missing target (``link/dangling``)
  until the system requirements are imported or written. Dropping them to the
  body would hide the trace an auditor needs to see broken.
- ``risk.yml``: each row of ``risks`` a hazardous-situation ``HS-RDM-NNN``
  (``events`` -> ``sequence-of-events``, ``probability``,
  ``residual_probability``, ``residual_severity``; ``notes`` the body) that
  ``arises-from`` a hazard ``HAZ-RDM-NNN`` and ``may-cause`` a harm
  ``HARM-RDM-NNN`` (``severity``). Hazards with the same text are one item,
  harms with the same text and severity too. Each text of
  ``control_measures`` is a risk-control ``RC-RDM-NNN`` that ``mitigates``
  the rows naming it. ``software_item`` names software RDM has no record of:
  it stays in the ``rdm`` section. The scales and the acceptability matrix
  are not imported (medtrace keeps them in ``medtrace.toml [risk]``): a
  warning says so.
- ``soup.yml``: each entry a soup ``SOUP-RDM-NNN`` (``manufacturer``,
  ``version``, ``requirements`` -> ``system-requirements``,
  ``anomaly_reference`` -> ``anomaly-list`` when it is a URL; ``purpose`` the
  body).
- ``unit_test_record.yml``, ``integration_test_record.yml``: each entry a
  test-case ``TC-RDM-NNN`` (level unit or integration, automated, ``test-id``
  the entry's key, ``verifies`` its ``req_ids``) and a test-record
  ``TR-RDM-NNN`` that ``executes`` it (``result`` -> ``outcome``,
  ``message`` -> ``anomalies``, ``note`` the body). Then
  ``manual_tests.yml``: each test a manual test-case (``steps`` name each step
  and the requirements it verifies; ``verifies`` all of them) and, when it has
  steps, a test-record (``step-results``, each step's note after its outcome;
  ``outcome`` the worst step's).
- ``versions.yml``: each entry a release ``REL-RDM-NNN`` (``version``; ``date``
  when it is an ISO date; the changes are the body).
- ``history.yml``: each change request a change-request ``CR-RDM-<id>``, or a
  problem-report ``PR-RDM-<id>`` when ``is_problem_report``; the ``changes``
  it names are kept in its ``rdm`` section; a change no request names is
  reported as not imported.
- ``device.yml``: not imported (the name is ``[project] name`` of
  ``medtrace.toml``, the class ``safety-class`` of the software-system item);
  a warning lists its values.

Everything without a medtrace field is kept in the item's ``## rdm`` body
section and listed in :attr:`NewItem.unmapped`; content that has no item is
reported as a ``migrate/not-imported`` warning. Nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import datetime
import reprlib
from collections.abc import Iterable, Mapping, Sequence

from medtrace.errors import MedtraceError
from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.findings import NOT_IMPORTED, Extra
from medtrace.interchange.items import NewItem, body_section
from medtrace.interchange.rdm.records import (
    RdmData,
    RdmManualTest,
    RdmRequirement,
    RdmRisk,
    RdmSettings,
    RdmSoup,
    RdmTestResult,
    RdmVersion,
)
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.schema import Schema

FOLDER = "rdm"  # where the items are written, below the project's first path
SECTION = "rdm"
OUTCOMES = {
    "pass": "passed",
    "passed": "passed",
    "ok": "passed",
    "fail": "failed",
    "failed": "failed",
    "failure": "failed",
    "error": "error",
    "skip": "skipped",
    "skipped": "skipped",
    "blocked": "blocked",
}
_WORST_FIRST = ("failed", "error", "blocked", "skipped", "passed")
_USED = {
    "software-requirement": ("derived-from",),
    "hazard": (),
    "hazardous-situation": ("arises-from", "may-cause"),
    "harm": (),
    "risk-control": ("mitigates",),
    "soup": (),
    "test-case": ("verifies",),
    "test-record": ("executes",),
    "release": (),
    "change-request": (),
    "problem-report": (),
}


def rdm_items(data: RdmData, schema: Schema) -> list[NewItem]:
    """The medtrace items of the RDM records ``data`` (see the module docstring)."""
    for kind, roles in _USED.items():
        spec = schema.kinds.get(kind)
        if spec is None or not set(roles) <= set(spec.links):
            raise MedtraceError(f"the project's schema has no {kind} with links {roles}")
    prefixes = {kind: schema.kinds[kind].prefix for kind in _USED}
    category = schema.field_of("software-requirement", "category")
    categories = category.values if category is not None else ()
    return [
        *(_requirement(r, categories) for r in data.requirements),
        *_risks(data.risks, prefixes),
        *(_soup(s, prefixes["soup"]) for s in data.soup),
        *_tests(data.test_results, data.manual_tests, prefixes),
        *(_release(v, prefixes["release"]) for v in data.versions),
        *_history(data, prefixes),
    ]


def rdm_warnings(data: RdmData) -> tuple[Finding, ...]:
    """What of ``data`` no item holds: the device, the risk scales, orphan changes."""
    warnings: list[Finding] = []
    if data.device is not None:
        message = (
            "device.yml is not imported: the device name belongs in medtrace.toml "
            "([project] name), the safety class on the software-system item (safety-class); "
            f"its values: {_shown(data.device)}"
        )
        warnings.append(_warning(data.device.location, message))
    if data.risk_scales is not None:
        message = (
            "the risk scales of risk.yml are not imported: medtrace keeps them in "
            "medtrace.toml [risk] (severity, probability, acceptability); set them there: "
            f"{_shown(data.risk_scales)}"
        )
        warnings.append(_warning(data.risk_scales.location, message))
    named = {change_id for request in data.change_requests for change_id in request.change_ids}
    for change in data.changes:
        if change.id not in named:
            message = f"change {change.id!r} belongs to no change request; it is not imported"
            warnings.append(_warning(change.location, message))
    return tuple(warnings)


# --- one record type each ---------------------------------------------------------


def _requirement(req: RdmRequirement, categories: Sequence[str]) -> NewItem:
    fields: list[tuple[str, object]] = []
    extra: dict[str, object] = {}
    unmapped: list[str] = []
    if req.type:
        extra["type"] = req.type
        fitting = [c for c in categories if c.casefold() == req.type.casefold()]
        if fitting:
            fields.append(("category", fitting[0]))
        else:
            unmapped.append("type")
    extra.update(req.extra)
    unmapped.extend(name for name, _ in req.extra)
    parts = [req.description]
    if req.specifications:
        parts.append(f"## Specifications\n\n{req.specifications}")
    return NewItem(
        id=req.id,
        kind="software-requirement",
        title=_title(req.title, req.id),
        body=_body(parts, extra),
        fields=tuple(fields),
        links=_links(("derived-from", req.system_requirements)),
        unmapped=tuple(unmapped),
        source=str(req.location),
    )


def _risks(risks: Sequence[RdmRisk], prefixes: Mapping[str, str]) -> list[NewItem]:
    hazards: dict[str, list[RdmRisk]] = {}
    harms: dict[tuple[str, str], list[RdmRisk]] = {}
    controls: dict[str, list[RdmRisk]] = {}
    for risk in risks:
        if risk.hazard:
            hazards.setdefault(risk.hazard, []).append(risk)
        if risk.harm:
            harms.setdefault((risk.harm, risk.severity), []).append(risk)
        for control in risk.control_measures:
            controls.setdefault(control, []).append(risk)
    hazard_id = {text: _id(prefixes["hazard"], n) for n, text in enumerate(hazards, 1)}
    harm_id = {key: _id(prefixes["harm"], n) for n, key in enumerate(harms, 1)}
    situation_id = {
        risk.index: _own_id(risk.extra) or _id(prefixes["hazardous-situation"], risk.index)
        for risk in risks
    }
    new: list[NewItem] = []
    for text, rows in hazards.items():
        new.append(_risk_text(hazard_id[text], "hazard", text, rows))
    for risk in risks:
        new.append(_situation(risk, situation_id[risk.index], hazard_id.get(risk.hazard), harm_id))
    for (text, severity), rows in harms.items():
        harm = _risk_text(harm_id[(text, severity)], "harm", text, rows)
        fields = (("severity", severity),) if severity else ()
        new.append(dataclasses.replace(harm, fields=fields))
    for n, (text, rows) in enumerate(controls.items(), 1):
        measure = _risk_text(_id(prefixes["risk-control"], n), "risk-control", text, rows)
        targets = tuple(dict.fromkeys(situation_id[row.index] for row in rows))
        new.append(dataclasses.replace(measure, links=_links(("mitigates", targets))))
    return new


def _risk_text(item_id: str, kind: str, text: str, rows: Sequence[RdmRisk]) -> NewItem:
    """A hazard, harm or control named by ``text`` in the risk rows ``rows``."""
    title = _title(text, item_id)
    named = ", ".join(str(row.index) for row in rows)
    parts = [text if text != title else "", f"Named in RDM risk.yml, risks {named}."]
    return NewItem(
        id=item_id,
        kind=kind,
        title=title,
        body=_body(parts, {}),
        source=str(rows[0].location),
    )


def _situation(
    risk: RdmRisk, item_id: str, hazard: str | None, harm_id: Mapping[tuple[str, str], str]
) -> NewItem:
    fields = [
        (name, value)
        for name, value in (
            ("sequence-of-events", risk.events),
            ("probability", risk.probability),
            ("residual-probability", risk.residual_probability),
            ("residual-severity", risk.residual_severity),
        )
        if value
    ]
    extra: dict[str, object] = {}
    if risk.software_item:
        extra["software_item"] = risk.software_item
    extra.update(_without_own_id(risk.extra))
    title = risk.hazardous_situation or f"{risk.hazard or risk.harm} (RDM risk {risk.index})"
    full = risk.hazardous_situation if _title(title, item_id) != risk.hazardous_situation else ""
    harm = harm_id.get((risk.harm, risk.severity)) if risk.harm else None
    return NewItem(
        id=item_id,
        kind="hazardous-situation",
        title=_title(title, item_id),
        body=_body([full, risk.notes], extra),
        fields=tuple(fields),
        links=_links(("arises-from", _some(hazard)), ("may-cause", _some(harm))),
        unmapped=tuple(extra),
        source=str(risk.location),
    )


def _soup(soup: RdmSoup, prefix: str) -> NewItem:
    fields = [
        (name, value)
        for name, value in (
            ("manufacturer", soup.manufacturer),
            ("version", soup.version),
            ("system-requirements", soup.requirements),
        )
        if value
    ]
    extra: dict[str, object] = {}
    if soup.anomaly_reference.startswith(("https://", "http://")):
        fields.append(("anomaly-list", soup.anomaly_reference))
    elif soup.anomaly_reference:
        extra["anomaly_reference"] = soup.anomaly_reference
    extra.update(_without_own_id(soup.extra))
    return NewItem(
        id=_own_id(soup.extra) or _id(prefix, soup.index),
        kind="soup",
        title=_title(soup.title, soup.title),
        body=_body([soup.purpose], extra),
        fields=tuple(fields),
        unmapped=tuple(extra),
        source=str(soup.location),
    )


def _tests(
    results: Sequence[RdmTestResult],
    manual: Sequence[RdmManualTest],
    prefixes: Mapping[str, str],
) -> list[NewItem]:
    new: list[NewItem] = []
    number = 0
    for result in results:
        number += 1
        case_id = _id(prefixes["test-case"], number)
        record_id = _id(prefixes["test-record"], number)
        case_extra: dict[str, object] = {"name": result.name} if result.name != result.key else {}
        new.append(
            NewItem(
                id=case_id,
                kind="test-case",
                title=_title(result.key, case_id),
                body=_body([], case_extra),
                fields=(("level", result.level), ("method", "automated"), ("test-id", result.key)),
                links=_links(("verifies", result.req_ids)),
                unmapped=tuple(case_extra),
                source=str(result.location),
            )
        )
        fields: list[tuple[str, object]] = []
        extra: dict[str, object] = {}
        outcome = OUTCOMES.get(result.result.casefold())
        if outcome is not None:
            fields.append(("outcome", outcome))
        elif result.result:
            extra["result"] = result.result
        if result.message:
            fields.append(("anomalies", result.message))
        extra.update(result.extra)
        new.append(
            NewItem(
                id=record_id,
                kind="test-record",
                title=_title(f"Execution of {result.key}", record_id),
                body=_body([result.note], extra),
                fields=tuple(fields),
                links=(("executes", (case_id,)),),
                unmapped=tuple(extra),
                source=str(result.location),
            )
        )
    for test in manual:
        number += 1
        new.extend(_manual(test, number, prefixes))
    return new


def _manual(test: RdmManualTest, number: int, prefixes: Mapping[str, str]) -> list[NewItem]:
    case_id = _id(prefixes["test-case"], number)
    record_id = _id(prefixes["test-record"], number)
    steps = [
        f"Step {step.step}" + (f": verifies {', '.join(step.req_ids)}" if step.req_ids else "")
        for step in test.steps
    ]
    verifies = tuple(dict.fromkeys(r for step in test.steps for r in step.req_ids))
    case_extra = dict(test.extra)
    case = NewItem(
        id=case_id,
        kind="test-case",
        title=_title(test.name, case_id),
        body=_body([], case_extra),
        fields=(("method", "manual"), *((("steps", steps),) if steps else ())),
        links=_links(("verifies", verifies)),
        unmapped=tuple(case_extra),
        source=str(test.location),
    )
    if not test.steps:
        return [case]
    outcomes = [OUTCOMES.get(step.result.casefold()) for step in test.steps]
    fields: list[tuple[str, object]] = []
    extra: dict[str, object] = {}
    if all(outcome is not None for outcome in outcomes):
        results = [
            f"{outcome}: {step.note}" if step.note else str(outcome)
            for outcome, step in zip(outcomes, test.steps, strict=True)
        ]
        worst = next(o for o in _WORST_FIRST if o in outcomes)
        fields = [("outcome", worst), ("step-results", results)]
    else:
        extra["step-results"] = [
            {"step": step.step, "result": step.result, "note": step.note} for step in test.steps
        ]
    step_extra = {step.step: dict(step.extra) for step in test.steps if step.extra}
    if step_extra:
        extra["steps"] = step_extra
    record = NewItem(
        id=record_id,
        kind="test-record",
        title=_title(f"Execution of {test.name}", record_id),
        body=_body([], extra),
        fields=tuple(fields),
        links=(("executes", (case_id,)),),
        unmapped=tuple(extra),
        source=str(test.location),
    )
    return [case, record]


def _release(version: RdmVersion, prefix: str) -> NewItem:
    fields: list[tuple[str, object]] = [("version", version.release_id)]
    extra: dict[str, object] = {}
    try:
        fields.append(("date", datetime.date.fromisoformat(version.date).isoformat()))
    except ValueError:
        if version.date:
            extra["date"] = version.date  # RDM's example writes 1-1-2040: day or month first?
    extra.update(_without_own_id(version.extra))
    changes = "\n".join(f"- {change}" for change in version.changes)
    return NewItem(
        id=_own_id(version.extra) or _id(prefix, version.index),
        kind="release",
        title=_title(f"Release {version.release_id}", version.release_id),
        body=_body([f"Changes:\n\n{changes}" if changes else ""], extra),
        fields=tuple(fields),
        unmapped=tuple(extra),
        source=str(version.location),
    )


def _history(data: RdmData, prefixes: Mapping[str, str]) -> list[NewItem]:
    changes = {change.id: change for change in data.changes}
    new: list[NewItem] = []
    for request in data.change_requests:
        kind = "problem-report" if request.is_problem_report else "change-request"
        extra: dict[str, object] = {"id": request.id}
        if request.change_ids:
            extra["changes"] = [
                {"id": change_id, "content": changes[change_id].content}
                | dict(changes[change_id].extra)
                if change_id in changes
                else {"id": change_id, "missing": "no change of history.yml has this id"}
                for change_id in request.change_ids
            ]
        extra.update(request.extra)
        item_id = f"{prefixes[kind]}-RDM-{request.id}"
        new.append(
            NewItem(
                id=item_id,
                kind=kind,
                title=_title(request.title, item_id),
                body=_body([request.content], extra),
                unmapped=tuple(extra),
                source=str(request.location),
            )
        )
    return new


# --- helpers ----------------------------------------------------------------------


def _own_id(extra: Extra) -> str | None:
    """An entry's own ``id`` (RDM-derived templates give risk rows, SOUP and versions
    one, ``hz-1``), when it is a valid item id: the item keeps it."""
    value = dict(extra).get("id")
    if isinstance(value, str) and ID_PATTERN.match(value.strip()):
        return value.strip()
    return None


def _without_own_id(extra: Extra) -> Extra:
    """``extra`` without the ``id`` :func:`_own_id` made the item's id."""
    return tuple((key, value) for key, value in extra if key != "id") if _own_id(extra) else extra


def _id(prefix: str, number: int) -> str:
    return f"{prefix}-RDM-{number:03d}"


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return fallback


def _some(item_id: str | None) -> tuple[str, ...]:
    return (item_id,) if item_id is not None else ()


def _links(*links: tuple[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((role, targets) for role, targets in links if targets)


def _body(parts: Iterable[str], extra: Mapping[str, object]) -> str:
    texts = [part.strip("\n") for part in parts if part.strip()]
    if extra:
        texts.append(body_section(SECTION, extra))
    return "\n\n".join(texts) + "\n" if texts else ""


def _shown(settings: RdmSettings) -> str:
    return "; ".join(f"{key}: {_short(value)}" for key, value in settings.values)


def _short(value: object) -> str:
    """``value`` shown in at most about 120 characters; nesting is cut off, never expanded."""
    text = value if isinstance(value, str) else _REPR.repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring = 3, 6, 6, 60


def _warning(location: SourceLocation, message: str) -> Finding:
    return Finding(code=NOT_IMPORTED, severity=Severity.WARNING, message=message, location=location)


def relocated(finding: Finding, prefix: str) -> Finding:
    """``finding`` located relative to the RDM root rather than its data folder."""
    if not prefix:
        return finding
    location = dataclasses.replace(finding.location, path=prefix + finding.location.path)
    return dataclasses.replace(finding, location=location)

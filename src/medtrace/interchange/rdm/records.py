"""Innolitics RDM data files read into neutral records (a migration source).

RDM (https://github.com/innolitics/rdm) keeps a project's records in YAML files
under ``data/`` and renders its documents from Jinja templates. These records
hold what :mod:`medtrace.interchange.rdm.read` read from each known data file, the
entry's location (data file and 1-based line) included. ``extra`` keeps the
keys of an entry the record has no attribute for, sorted by name, so that
nothing is dropped silently. Texts are stripped; an absent or ``null`` text is
``""``.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.location import SourceLocation

Extra = tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmRequirement:
    """An entry of ``requirements.yml``: a software requirement."""

    id: str
    title: str
    type: str
    description: str
    specifications: str
    system_requirements: tuple[str, ...]  # ids RDM keeps outside its data
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmRisk:
    """A row of ``risks`` in ``risk.yml``: hazard, situation and harm as text."""

    index: int  # 1-based position in ``risks``
    hazard: str
    hazardous_situation: str
    harm: str
    software_item: str
    events: str
    severity: str
    probability: str
    control_measures: tuple[str, ...]  # a text, or each text of a list
    residual_severity: str
    residual_probability: str
    notes: str
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmSoup:
    """An entry of ``soup.yml``."""

    index: int
    title: str
    manufacturer: str
    version: str
    purpose: str
    requirements: str
    anomaly_reference: str
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmTestResult:
    """An entry of ``unit_test_record.yml`` or ``integration_test_record.yml``."""

    level: str  # "unit" or "integration": which file it is in
    key: str  # the entry's key: the test's name in the runner's report
    name: str
    result: str
    message: str
    note: str
    req_ids: tuple[str, ...]
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmManualStep:
    step: str
    result: str
    req_ids: tuple[str, ...]
    note: str
    extra: Extra
    line: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmManualTest:
    """An entry of ``manual_tests.yml``: a manual test and the results of its steps."""

    index: int
    name: str
    steps: tuple[RdmManualStep, ...]
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmVersion:
    """An entry of ``versions.yml``: a release."""

    index: int
    release_id: str
    date: str
    changes: tuple[str, ...]
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmChangeRequest:
    """An entry of ``change_requests`` in ``history.yml``."""

    id: str
    title: str
    content: str
    is_problem_report: bool
    change_ids: tuple[str, ...]
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmChange:
    """An entry of ``changes`` in ``history.yml``: approvals and authors stay in ``extra``."""

    id: str
    content: str
    extra: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmSettings:
    """A mapping medtrace keeps no item for (``device.yml``, the scales of ``risk.yml``)."""

    values: Extra
    location: SourceLocation


@dataclass(frozen=True, slots=True, kw_only=True)
class RdmData:
    """Everything read from an RDM ``data/`` folder; absent files give empty parts."""

    requirements: tuple[RdmRequirement, ...] = ()
    risks: tuple[RdmRisk, ...] = ()
    risk_scales: RdmSettings | None = None  # risk.yml keys other than ``risks``
    soup: tuple[RdmSoup, ...] = ()
    test_results: tuple[RdmTestResult, ...] = ()
    manual_tests: tuple[RdmManualTest, ...] = ()
    versions: tuple[RdmVersion, ...] = ()
    change_requests: tuple[RdmChangeRequest, ...] = ()
    changes: tuple[RdmChange, ...] = ()
    device: RdmSettings | None = None
    files: tuple[str, ...] = ()  # the data files read

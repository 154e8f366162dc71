"""The product's SBOM and its vulnerability evaluations as CycloneDX 1.6 JSON (with
cyclonedx-python-lib, which also validates the result against the schema).

The SBOM lists the SOUP records that are not obsolete; the subject is the
software system. VEX lists each vulnerability-evaluation with the SOUP it
evaluates. Output is deterministic: the serial number is derived from the
project name and revision, the timestamp is the revision's commit time (or
absent), components are sorted by bom-ref.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.impact_analysis import ImpactAnalysisJustification, ImpactAnalysisState
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAnalysis,
)
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

from medtrace.errors import MedtraceError
from medtrace.graph import TraceGraph
from medtrace.model import Item

_NAMESPACE = uuid.UUID("6f0c3a52-9f35-4c5e-9d37-2f1a1c6e8b10")  # medtrace's SBOM serials
_STATES = {
    "not-affected": ImpactAnalysisState.NOT_AFFECTED,
    "affected": ImpactAnalysisState.EXPLOITABLE,
    "fixed": ImpactAnalysisState.RESOLVED,
    "under-investigation": ImpactAnalysisState.IN_TRIAGE,
}


def soup_sbom(graph: TraceGraph, project: str, revision: str, timestamp: dt.datetime | None) -> str:
    """The CycloneDX 1.6 JSON SBOM of the product's SOUP."""
    bom = _bom(project, revision, timestamp, graph)
    return _serialise(bom)


def soup_vex(graph: TraceGraph, project: str, revision: str, timestamp: dt.datetime | None) -> str:
    """CycloneDX 1.6 JSON VEX: the SBOM's components with every vulnerability evaluation."""
    bom = _bom(project, revision, timestamp, graph)
    for evaluation in graph.of_kind("vulnerability-evaluation"):
        bom.vulnerabilities.add(_vulnerability(graph, evaluation))
    return _serialise(bom)


def _bom(project: str, revision: str, timestamp: dt.datetime | None, graph: TraceGraph) -> Bom:
    bom = Bom(serial_number=uuid.uuid5(_NAMESPACE, f"{project}\x1f{revision}"))
    bom.metadata.timestamp = timestamp or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    systems = graph.of_kind("software-system")
    subject = Component(
        name=systems[0].title if systems else project,
        version=revision or None,
        type=ComponentType.APPLICATION,
        bom_ref=systems[0].id if systems else "product",
    )
    bom.metadata.component = subject
    components = [_component(soup) for soup in _current(graph.of_kind("soup"))]
    for component in components:
        bom.components.add(component)
    bom.register_dependency(subject, components)
    return bom


def _current(records: Iterable[Item]) -> list[Item]:
    return [r for r in records if r.field("status") != "obsolete"]


def _component(soup: Item) -> Component:
    purl = _purl(soup)
    version = soup.field("version")
    manufacturer = soup.field("manufacturer")
    licence = soup.field("license")
    component = Component(
        name=purl.name if purl is not None else soup.title,
        version=str(version) if version else None,
        group=purl.namespace if purl is not None else None,
        purl=purl,
        bom_ref=soup.id,
        type=ComponentType.LIBRARY,
        description=soup.title if purl is not None and purl.name != soup.title else None,
        supplier=OrganizationalEntity(name=str(manufacturer)) if manufacturer else None,
        licenses=[LicenseFactory().make_from_string(str(licence))] if licence else None,
    )
    anomalies = soup.field("anomaly-list")
    if anomalies and str(anomalies).startswith(("https://", "http://")):
        component.external_references.add(
            ExternalReference(type=ExternalReferenceType.ISSUE_TRACKER, url=XsUri(str(anomalies)))
        )
    return component


def _purl(soup: Item) -> PackageURL | None:
    value = soup.field("purl")
    if not value:
        return None
    try:
        return PackageURL.from_string(str(value))
    except ValueError as error:
        raise MedtraceError(f"{soup.source.path}: {soup.id} has an invalid purl: {error}") from None


def _vulnerability(graph: TraceGraph, evaluation: Item) -> Vulnerability:
    state = _STATES.get(str(evaluation.field("state") or ""))
    justification = evaluation.field("justification")
    detail = "\n\n".join(
        str(evaluation.field(name))
        for name in ("reason", "risk-assessment", "mitigation")
        if evaluation.field(name)
    )
    analysis = VulnerabilityAnalysis(
        state=state,
        justification=(
            ImpactAnalysisJustification(str(justification).replace("-", "_"))
            if justification
            else None
        ),
        detail=detail or None,
    )
    version = evaluation.field("soup-version")
    targets = [
        BomTarget(
            ref=soup.id,
            versions=[BomTargetVersionRange(version=str(version))] if version else None,
        )
        for soup in graph.targets(evaluation.id, "evaluates")
    ]
    return Vulnerability(
        bom_ref=evaluation.id,
        id=str(evaluation.field("vulnerability") or evaluation.id),
        analysis=analysis,
        affects=targets,
    )


def _serialise(bom: Bom) -> str:
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if problem is not None:
        raise MedtraceError(f"the SBOM does not validate against CycloneDX 1.6: {problem}")
    return text + "\n"


def schema_errors(text: str) -> Sequence[str]:
    """Why ``text`` is not a valid CycloneDX 1.6 JSON document (empty when it is)."""
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [] if problem is None else [str(problem)]

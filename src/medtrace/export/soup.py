"""The product's SBOM and its vulnerability evaluations as CycloneDX 1.6 or 1.7 JSON
(with cyclonedx-python-lib, which also validates the result against the schema).

The SBOM lists the SOUP records that are not obsolete; the subject is the
software system. It names its authors and the tool (medtrace), and per component
the hashes, licence, supplier, and the support level and end-of-support date the
FDA's premarket cybersecurity guidance asks for (as ``medtrace:support-level`` and
``medtrace:end-of-support`` properties: CycloneDX has no field for them). The
dependency graph follows the SOUP records' ``depends-on`` links; the subject
depends on the components software uses directly (``used-by``) and on any no other
component needs. VEX lists each vulnerability-evaluation with the SOUP it
evaluates. Output is deterministic: the serial number is derived from the
project name and revision, the timestamp is the revision's commit time (or
absent), components are sorted by bom-ref. SPDX 2.3 is written by
:mod:`medtrace.export.sbom_spdx` from the same structure (:func:`sbom_parts`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.impact_analysis import ImpactAnalysisJustification, ImpactAnalysisState
from cyclonedx.model.tool import ToolRepository
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAnalysis,
)
from cyclonedx.output.json import JsonV1Dot6, JsonV1Dot7
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

import medtrace
from medtrace.errors import MedtraceError
from medtrace.graph import TraceGraph
from medtrace.model import Item

CYCLONEDX_SPECS = {"cyclonedx-1.6": SchemaVersion.V1_6, "cyclonedx-1.7": SchemaVersion.V1_7}
_WRITERS = {SchemaVersion.V1_6: JsonV1Dot6, SchemaVersion.V1_7: JsonV1Dot7}
SUPPORT_PROPERTIES = ("support-level", "end-of-support")  # written as medtrace:<field>

_NAMESPACE = uuid.UUID("6f0c3a52-9f35-4c5e-9d37-2f1a1c6e8b10")  # medtrace's SBOM serials
_STATES = {
    "not-affected": ImpactAnalysisState.NOT_AFFECTED,
    "affected": ImpactAnalysisState.EXPLOITABLE,
    "fixed": ImpactAnalysisState.RESOLVED,
    "under-investigation": ImpactAnalysisState.IN_TRIAGE,
}


def soup_sbom(
    graph: TraceGraph,
    project: str,
    revision: str,
    timestamp: dt.datetime | None,
    *,
    spec: str = "cyclonedx-1.6",
) -> str:
    """The CycloneDX JSON SBOM of the product's SOUP (``spec``: cyclonedx-1.6 or 1.7)."""
    bom = _bom(project, revision, timestamp, graph)
    return _serialise(bom, _version_of(spec))


def soup_vex(graph: TraceGraph, project: str, revision: str, timestamp: dt.datetime | None) -> str:
    """CycloneDX 1.6 JSON VEX: the SBOM's components with every vulnerability evaluation."""
    bom = _bom(project, revision, timestamp, graph)
    for evaluation in graph.of_kind("vulnerability-evaluation"):
        bom.vulnerabilities.add(_vulnerability(graph, evaluation))
    return _serialise(bom, SchemaVersion.V1_6)


def _version_of(spec: str) -> SchemaVersion:
    found = CYCLONEDX_SPECS.get(spec)
    if found is None:
        raise MedtraceError(f"unknown SBOM format {spec!r}: use {', '.join(CYCLONEDX_SPECS)}")
    return found


def sbom_parts(graph: TraceGraph) -> tuple[Item | None, list[Item], dict[str, list[str]]]:
    """The subject (the software system), the SOUP records that are not obsolete, and the
    dependency graph: for the subject's id (``product`` without a system) and each record,
    the ids it depends on, sorted."""
    systems = graph.of_kind("software-system")
    subject = systems[0] if systems else None
    records = _current(graph.of_kind("soup"))
    ids = {record.id for record in records}
    needs = {
        r.id: sorted(t.id for t in graph.targets(r.id, "depends-on") if t.id in ids)
        for r in records
    }
    needed = {target for targets in needs.values() for target in targets}
    direct = sorted(r.id for r in records if r.id not in needed or graph.targets(r.id, "used-by"))
    return subject, records, {(subject.id if subject else "product"): direct, **needs}


def sbom_authors(graph: TraceGraph, project: str) -> list[str]:
    """Who the SBOM is by: the software system's owner, else the project's name."""
    systems = graph.of_kind("software-system")
    owner = systems[0].field("owner") if systems else None
    return [str(owner) if owner else project]


def _bom(project: str, revision: str, timestamp: dt.datetime | None, graph: TraceGraph) -> Bom:
    bom = Bom(serial_number=uuid.uuid5(_NAMESPACE, f"{project}\x1f{revision}"))
    bom.metadata.timestamp = timestamp or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    bom.metadata.authors = [
        OrganizationalContact(name=name) for name in sbom_authors(graph, project)
    ]
    tool = Component(type=ComponentType.APPLICATION, name="medtrace", version=medtrace.__version__)
    bom.metadata.tools = ToolRepository(components=[tool])
    system, records, needs = sbom_parts(graph)
    subject = Component(
        name=system.title if system else project,
        version=revision or None,
        type=ComponentType.APPLICATION,
        bom_ref=system.id if system else "product",
    )
    bom.metadata.component = subject
    components = {soup.id: _component(soup) for soup in records}
    for component in components.values():
        bom.components.add(component)
    bom.register_dependency(subject, [components[i] for i in needs[str(subject.bom_ref)]])
    for soup in records:
        bom.register_dependency(components[soup.id], [components[i] for i in needs[soup.id]])
    return bom


def _current(records: Iterable[Item]) -> list[Item]:
    return [r for r in records if r.field("status") != "obsolete"]


def soup_hashes(soup: Item) -> list[tuple[str, str]]:
    """The record's ``hashes`` as (algorithm, hex digest) pairs; an entry of another form
    is bad input."""
    value = soup.field("hashes")
    found = []
    for entry in value if isinstance(value, tuple) else ():
        algorithm, _, digest = entry.partition(":")
        if not digest.strip() or not algorithm.strip():
            raise MedtraceError(f"{soup.source.path}: {soup.id} has a hash {entry!r} not ALG:HEX")
        found.append((algorithm.strip().lower(), digest.strip().lower()))
    return found


_CDX_ALGORITHMS = {
    "sha1": HashAlgorithm.SHA_1,
    "sha256": HashAlgorithm.SHA_256,
    "sha384": HashAlgorithm.SHA_384,
    "sha512": HashAlgorithm.SHA_512,
    "md5": HashAlgorithm.MD5,
}


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
    for algorithm, digest in soup_hashes(soup):
        found = _CDX_ALGORITHMS.get(algorithm)
        if found is None:
            raise MedtraceError(
                f"{soup.source.path}: {soup.id} has a hash of unknown algorithm {algorithm!r}"
            )
        component.hashes.add(HashType(alg=found, content=digest))
    for name in SUPPORT_PROPERTIES:
        value = soup.field(name)
        if value:
            component.properties.add(Property(name=f"medtrace:{name}", value=str(value)))
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


def _serialise(bom: Bom, version: SchemaVersion) -> str:
    text = _WRITERS[version](bom).output_as_string(indent=2)
    problem = JsonStrictValidator(version).validate_str(text)
    if problem is not None:
        raise MedtraceError(
            f"the SBOM does not validate against CycloneDX {version.to_version()}: {problem}"
        )
    return text + "\n"


def schema_errors(text: str, version: SchemaVersion = SchemaVersion.V1_6) -> Sequence[str]:
    """Why ``text`` is not a valid CycloneDX JSON document of ``version`` (empty when it is)."""
    problem = JsonStrictValidator(version).validate_str(text)
    return [] if problem is None else [str(problem)]

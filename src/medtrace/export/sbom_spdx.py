"""The product's SBOM as SPDX 2.3 JSON, written and validated by spdx-tools.

The same structure as the CycloneDX SBOM (:func:`medtrace.export.soup.sbom_parts`):
the document DESCRIBES the software system's package, which DEPENDS_ON the
components software uses directly; each SOUP package DEPENDS_ON what its record's
``depends-on`` names. Per package: the purl (a package-manager external reference),
the supplier, the declared licence, the checksums, the end-of-support date as
``validUntilDate`` and the support level in the package comment (SPDX 2.3 has no
field for it; the FDA asks for both). Authors and the tool are the creators.
Deterministic like the CycloneDX SBOM: namespace from the project and revision,
creation time the revision's commit time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any, cast

from license_expression import ExpressionError  # type: ignore[import-untyped]
from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.checksum import Checksum, ChecksumAlgorithm
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.package import (
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
    PackagePurpose,
)
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

import medtrace
from medtrace.errors import MedtraceError
from medtrace.export.soup import sbom_authors, sbom_parts, soup_hashes
from medtrace.graph import TraceGraph
from medtrace.model import Item

_NAMESPACE = uuid.UUID("0b6c9a3e-5d2f-4f61-8a57-3c2e9d4b7a21")  # medtrace's SPDX documents
_CHECKSUMS = {
    "sha1": ChecksumAlgorithm.SHA1,
    "sha256": ChecksumAlgorithm.SHA256,
    "sha384": ChecksumAlgorithm.SHA384,
    "sha512": ChecksumAlgorithm.SHA512,
    "md5": ChecksumAlgorithm.MD5,
}


def spdx_sbom(graph: TraceGraph, project: str, revision: str, timestamp: dt.datetime | None) -> str:
    """The SPDX 2.3 JSON SBOM of the product's SOUP, validated."""
    system, records, needs = sbom_parts(graph)
    subject_id = _spdx_id(system.id if system else "product")
    subject = Package(
        spdx_id=subject_id,
        name=system.title if system else project,
        version=revision or None,
        download_location=SpdxNoAssertion(),
        files_analyzed=False,
        primary_package_purpose=PackagePurpose.APPLICATION,
    )
    serial = uuid.uuid5(_NAMESPACE, f"{project}\x1f{revision}")
    creators = [Actor(ActorType.TOOL, f"medtrace-{medtrace.__version__}")]
    creators += [Actor(ActorType.ORGANIZATION, name) for name in sbom_authors(graph, project)]
    info = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"{project} SBOM",
        document_namespace=f"https://spdx.org/spdxdocs/medtrace/{serial}",
        creators=creators,
        created=(timestamp or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).replace(microsecond=0),
    )
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, subject_id)]
    for source, targets in sorted(needs.items()):
        for target in targets:
            relationships.append(
                Relationship(_spdx_id(source), RelationshipType.DEPENDS_ON, _spdx_id(target))
            )
    document = Document(
        creation_info=info,
        packages=[subject, *(_package(soup) for soup in sorted(records, key=lambda r: r.id))],
        relationships=relationships,
    )
    problems = validate_full_spdx_document(document, "SPDX-2.3")
    if problems:
        raise MedtraceError(
            f"the SBOM does not validate against SPDX 2.3: {problems[0].validation_message}"
        )
    return (
        json.dumps(cast(Any, DocumentConverter)().convert(document), indent=2, ensure_ascii=False)
        + "\n"
    )


def _spdx_id(item_id: str) -> str:
    return "SPDXRef-" + re.sub(r"[^A-Za-z0-9.-]", "-", item_id)


def _package(soup: Item) -> Package:
    purl = soup.field("purl")
    supplier = soup.field("manufacturer")
    support = soup.field("support-level")
    end = soup.field("end-of-support")
    return Package(
        spdx_id=_spdx_id(soup.id),
        name=_name(soup),
        version=str(soup.field("version") or "") or None,
        download_location=SpdxNoAssertion(),
        files_analyzed=False,
        supplier=Actor(ActorType.ORGANIZATION, str(supplier)) if supplier else None,
        license_declared=_licence(soup),
        checksums=[_checksum(soup, a, d) for a, d in soup_hashes(soup)],
        external_references=(
            [ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", str(purl))]
            if purl
            else []
        ),
        comment=f"support-level: {support}" if support else None,
        valid_until_date=dt.datetime.fromisoformat(f"{str(end)[:10]}T00:00:00") if end else None,
    )


def _name(soup: Item) -> str:
    purl = str(soup.field("purl") or "")
    if purl.startswith("pkg:"):
        from packageurl import PackageURL

        try:
            found = PackageURL.from_string(purl)
        except ValueError:
            return soup.title
        return f"{found.namespace}/{found.name}" if found.namespace else found.name
    return soup.title


def _licence(soup: Item) -> object:
    value = soup.field("license")
    if not value:
        return None
    try:
        return spdx_licensing.parse(str(value))
    except ExpressionError as error:
        raise MedtraceError(
            f"{soup.source.path}: {soup.id} has a licence that is no SPDX expression: {error}"
        ) from None


def _checksum(soup: Item, algorithm: str, digest: str) -> Checksum:
    found = _CHECKSUMS.get(algorithm)
    if found is None:
        raise MedtraceError(
            f"{soup.source.path}: {soup.id} has a hash of unknown algorithm {algorithm!r}"
        )
    return Checksum(found, digest)

"""SPDX 3.0 JSON-LD with the 3.0.1 context, read by spdx-python-model (which knows that
context: it fetches nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medtrace.ingest.sbom.common import (
    _INVALID,
    _UNKNOWN,
    Json,
    _actor_name,
    _described,
    _ecosystem,
    _first,
    _hash,
    _purl_source,
    _quiet,
    _spdx_value,
    _subject,
    _UnusableError,
)
from medtrace.model.components import Component, ComponentList

SPDX3_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"  # what spdx-python-model reads


def _spdx3_json(document: Json, path: str) -> ComponentList:
    """SPDX 3 JSON-LD, read by spdx-python-model (which knows the 3.0.1 context: it
    fetches nothing)."""
    from spdx_python_model.bindings import v3_0_1 as spdx3

    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if SPDX3_CONTEXT not in contexts:
        message = f"a JSON-LD @context {str(context)[:80]!r} that is not SPDX 3.0.1's"
        raise _UnusableError(_UNKNOWN, message)
    objects = spdx3.SHACLObjectSet()
    try:
        with _quiet():
            spdx3.JSONLDDeserializer().deserialize_data(document, objects)
    except Exception as error:  # the model raises many kinds on what a file holds
        raise _UnusableError(_INVALID, f"spdx-python-model: {_described(error)}") from None
    graph = document.get("@graph")
    order = {
        node.get("spdxId"): n
        for n, node in enumerate(graph if isinstance(graph, list) else [])
        if isinstance(node, dict)
    }
    packages = sorted(
        objects.foreach_type(spdx3.software_Package), key=lambda p: order.get(p.spdxId, -1)
    )
    for package in packages:
        if not (package.name or "").strip():
            raise _UnusableError(_INVALID, f"the package {package.spdxId!r} has no name")
    return ComponentList(
        path=path, format="spdx-jsonld 3.0", components=_Spdx3(spdx3, objects).components(packages)
    )


class _Spdx3:
    """The relationships of an SPDX 3 document, and its packages as components."""

    def __init__(self, spdx3: Any, objects: Any) -> None:
        self.spdx3 = spdx3
        self.described: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.licences: dict[tuple[str, str], str] = {}  # (package, relationship type)
        types = spdx3.RelationshipType
        collections = (spdx3.SpdxDocument, spdx3.software_Sbom)
        roots = {_id(c) for kind in collections for c in objects.foreach_type(kind)}
        for collection in (c for kind in collections for c in objects.foreach_type(kind)):
            self.described += [_id(e) for e in collection.rootElement]
        for relationship in objects.foreach_type(spdx3.Relationship):
            source, kind = _id(relationship.from_), relationship.relationshipType
            for target in relationship.to:
                if kind == types.describes and source in roots:
                    self.described.append(_id(target))
                elif kind in (types.hasConcludedLicense, types.hasDeclaredLicense):
                    self.licences.setdefault((source, kind), self.licence(target))
                else:
                    self.links.append((source, _id(target)))

    def licence(self, target: object) -> str:
        expression = getattr(target, "simplelicensing_licenseExpression", None)
        if isinstance(expression, str):
            return _spdx_value(expression)
        name = _id(target)  # a listed licence: https://spdx.org/licenses/MIT
        return name.rpartition("/")[2] if name.startswith("https://spdx.org/licenses/") else ""

    def components(self, packages: Sequence[Any]) -> tuple[Component, ...]:
        ids = [str(p.spdxId) for p in packages]
        subject = _subject(self.described, self.links, ids)
        return tuple(self.component(p) for p in packages if p.spdxId not in subject)

    def component(self, package: Any) -> Component:
        types = self.spdx3.RelationshipType
        purl = str(package.software_packageUrl or "") or next(
            (
                str(e.identifier)
                for e in package.externalIdentifier
                if not isinstance(e, str)
                and e.externalIdentifierType == self.spdx3.ExternalIdentifierType.packageUrl
            ),
            "",
        )
        agents = [package.suppliedBy, *package.originatedBy]
        spdx_id = str(package.spdxId)
        return Component(
            name=str(package.name),
            version=str(package.software_packageVersion or ""),
            ecosystem=_ecosystem(purl),
            purl=purl,
            license=self.licences.get((spdx_id, types.hasConcludedLicense))
            or self.licences.get((spdx_id, types.hasDeclaredLicense), ""),
            supplier=_first(_actor_name(a) for a in agents),
            description=str(package.description or package.summary or ""),
            hashes=tuple(
                _hash(str(h.algorithm).rpartition("/")[2], str(h.hashValue))
                for h in package.verifiedUsing
                if isinstance(h, self.spdx3.Hash) and h.algorithm and h.hashValue
            ),
            source=_purl_source(purl) if purl else _spdx_value(package.software_downloadLocation),
        )


def _id(element: object) -> str:
    """An SPDX 3 element's IRI, whether the model resolved the reference or not."""
    return element if isinstance(element, str) else str(getattr(element, "spdxId", "") or "")

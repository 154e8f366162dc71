"""Read a lockfile or an SBOM: the file's name says which lockfile, else its content
says which SBOM format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from medtrace.ingest.lockfiles import lockfile_kind, parse_lockfile
from medtrace.ingest.sbom import parse_sbom
from medtrace.ingest.text import one_line
from medtrace.model.components import Component, ComponentList
from medtrace.model.finding import Finding


def parse_components(
    data: bytes, path: str, read_include: Callable[[str], bytes | None] | None = None
) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    """The components of the lockfile or SBOM ``data`` read from ``path``; their names,
    versions, suppliers and licences each on one line without control characters
    (:func:`medtrace.ingest.text.one_line`), as a SOUP record keeps them."""
    if lockfile_kind(path) is not None:
        found, findings = parse_lockfile(data, path, read_include)
    else:
        found, findings = parse_sbom(data, path)
    if found is None:
        return found, findings
    components = tuple(_cleaned(component) for component in found.components)
    return replace(found, components=components), findings


def _cleaned(component: Component) -> Component:
    texts = (component.name, component.version, component.supplier, component.license)
    cleaned = tuple(one_line(text) for text in texts)
    if cleaned == texts:
        return component
    name, version, supplier, license_ = cleaned
    return replace(component, name=name, version=version, supplier=supplier, license=license_)

"""SOUP records against the components the lockfiles and SBOMs list: what is new,
what changed version, what is gone.

A record is matched to components by its package URL (type, namespace and name;
PyPI names compared PEP 503 normalised) or, without one, by its title as a
package name. Only ecosystems that some source covers are compared: a record
of ``pkg:generic/linux`` is never "removed" because a Python lockfile does not
list the kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packageurl import PackageURL

from medtrace.graph.trace import TraceGraph
from medtrace.model import Item
from medtrace.model.components import PURL_ECOSYSTEMS, Component, normal_name

if TYPE_CHECKING:
    from medtrace.graph.advisory_match import AdvisoryIndex, Match


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionChange:
    record: Item
    before: str
    component: Component


@dataclass(frozen=True, slots=True, kw_only=True)
class SoupDrift:
    """How the SOUP records differ from the components of the sources."""

    new: tuple[Component, ...]  # listed by a source, no record
    changed: tuple[VersionChange, ...]  # the record names another version
    removed: tuple[Item, ...]  # a record of a covered ecosystem that no source lists
    unchanged: tuple[Item, ...]

    @property
    def clean(self) -> bool:
        return not (self.new or self.changed or self.removed)


def package_of(record: Item) -> tuple[str, str] | None:
    """``(ecosystem, name)`` of a SOUP record from its purl; None without a usable one."""
    purl = record.field("purl")
    if not isinstance(purl, str) or not purl.strip():
        return None
    try:
        parsed = PackageURL.from_string(purl.strip())
    except ValueError:
        return None
    ecosystem = PURL_ECOSYSTEMS.get(parsed.type, "")
    if not ecosystem:
        return None
    name = parsed.name
    if parsed.namespace:
        separator = ":" if parsed.type == "maven" else "/"
        name = f"{parsed.namespace}{separator}{parsed.name}"
    return ecosystem, name


def compare(records: Sequence[Item], components: Sequence[Component]) -> SoupDrift:
    """Compare SOUP records with components (already filtered to the scopes that count)."""
    by_key: dict[str, list[Component]] = {}
    for component in components:
        by_key.setdefault(component.key, []).append(component)
    ecosystems = sorted({c.ecosystem for c in components if c.ecosystem})
    matched: set[str] = set()
    changed: list[VersionChange] = []
    removed: list[Item] = []
    unchanged: list[Item] = []
    for record in sorted(records, key=lambda r: r.id):
        if record.field("status") == "obsolete":
            continue
        key = _key_among(record, ecosystems, by_key)
        if key is None:
            package = package_of(record)
            if package is not None and package[0] in ecosystems:
                removed.append(record)
            continue
        matched.add(key)
        found = by_key[key]
        version = str(record.field("version") or "")
        if version in {c.version for c in found}:
            unchanged.append(record)
        else:
            changed.append(VersionChange(record=record, before=version, component=found[0]))
    new = [group[0] for key, group in sorted(by_key.items()) if key not in matched]
    return SoupDrift(
        new=tuple(new), changed=tuple(changed), removed=tuple(removed), unchanged=tuple(unchanged)
    )


def _key_among(
    record: Item, ecosystems: Sequence[str], by_key: dict[str, list[Component]]
) -> str | None:
    package = package_of(record)
    if package is not None:
        key = f"{package[0]}/{normal_name(*package)}"
        return key if key in by_key else None
    purl = record.field("purl")
    if isinstance(purl, str) and purl.strip():
        return None
    for ecosystem in ecosystems:
        key = f"{ecosystem}/{normal_name(ecosystem, record.title.strip())}"
        if key in by_key:
            return key
    return None


def advisories_of(
    graph: TraceGraph, soup: Item, index: AdvisoryIndex
) -> tuple[tuple[Match, Item | None], ...]:
    """Each advisory that affects ``soup``'s version, with the vulnerability-evaluation
    that answers it (by the advisory's id or an alias) and holds for that version."""
    package = package_of(soup)
    version = str(soup.field("version") or "")
    if package is None or not version:
        return ()
    evaluations = {
        str(e.field("vulnerability") or "").upper(): e
        for e in graph.sources(soup.id, "evaluates")
        if e.kind == "vulnerability-evaluation"
        and (not e.field("soup-version") or str(e.field("soup-version")) == version)
    }
    found = []
    for match in index.matches(package[0], package[1], version):
        names = [match.advisory.id, *match.advisory.aliases]
        answer = next((evaluations[n.upper()] for n in names if n.upper() in evaluations), None)
        found.append((match, answer))
    return tuple(found)

"""SOUP records against the components the lockfiles and SBOMs list: what is new,
what changed version, what is gone.

There is one SOUP record per package *and version* that ships: a product that
ships ``semver`` 5.1.0 and 7.6.3 (an npm tree often does) has two records, each
evaluated and audited for its own version. A record is matched to components
by its package URL (type, namespace and name; PyPI names compared PEP 503
normalised) or, without one, by its title as a package name, and then by its
version. When a package has one record and the sources one version of it,
another version is a version *change* of that record; otherwise each version
no record names is *new*, and each record of a version no source lists any more
is *removed*. Only ecosystems that some source covers are compared: a record of
``pkg:generic/linux`` is never "removed" because a Python lockfile does not list
the kernel.
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
    by_key: dict[str, dict[str, Component]] = {}  # package -> version -> first component
    for component in components:
        by_key.setdefault(component.key, {}).setdefault(component.version, component)
    ecosystems = sorted({c.ecosystem for c in components if c.ecosystem})
    records_of: dict[str, list[Item]] = {}
    removed: list[Item] = []
    for record in sorted(records, key=lambda r: r.id):
        if record.field("status") == "obsolete":
            continue
        key = _key_among(record, ecosystems, by_key)
        if key is not None:
            records_of.setdefault(key, []).append(record)
            continue
        package = package_of(record)
        if package is not None and package[0] in ecosystems:
            removed.append(record)
    new: list[Component] = []
    changed: list[VersionChange] = []
    unchanged: list[Item] = []
    for key, versions in sorted(by_key.items()):
        found = records_of.get(key, [])
        named = {str(r.field("version") or ""): r for r in found}
        unmatched = [v for v in versions if v not in named]
        stale = [r for v, r in named.items() if v not in versions]
        unchanged += [r for v, r in named.items() if v in versions]
        if len(found) == 1 and len(versions) == 1 and stale and unmatched:
            component = versions[unmatched[0]]
            changed.append(
                VersionChange(record=stale[0], before=_version(stale[0]), component=component)
            )
            continue
        new += [versions[v] for v in sorted(unmatched)]
        removed += stale
    return SoupDrift(
        new=tuple(new),
        changed=tuple(changed),
        removed=tuple(sorted(removed, key=lambda r: r.id)),
        unchanged=tuple(sorted(unchanged, key=lambda r: r.id)),
    )


def _version(record: Item) -> str:
    return str(record.field("version") or "")


def _key_among(
    record: Item, ecosystems: Sequence[str], by_key: dict[str, dict[str, Component]]
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


def not_audited(soup: Item) -> str | None:
    """Why the advisories cannot be matched against ``soup`` (None: they can): no purl, a
    purl of an ecosystem OSV does not cover, or no version. A record that says how its
    vulnerabilities are followed otherwise (``vulnerability-monitoring``) is still not
    audited against OSV: :func:`monitored_elsewhere` tells the two apart."""
    purl = soup.field("purl")
    if not isinstance(purl, str) or not purl.strip():
        return "no purl"
    if package_of(soup) is None:
        return f"purl {purl.strip()[:60]} names no ecosystem OSV covers"
    if not str(soup.field("version") or "").strip():
        return "no version"
    return None


def monitored_elsewhere(soup: Item) -> str:
    """How ``soup``'s vulnerabilities are followed outside OSV (``""``: not said)."""
    value = soup.field("vulnerability-monitoring")
    return " ".join(str(value).split()) if value else ""


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

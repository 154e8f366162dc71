"""SOUP: read lockfiles and SBOMs, keep the SOUP records in step with them, match
their versions against OSV records, and write the product's SBOM and VEX.

``sync_soup`` writes only what it owns: a new draft record per new component,
and the ``version`` and ``purl`` lines of a record whose component changed
version. Every other line of a record (what a person wrote) stays as it was,
byte for byte. Records of components that are gone are reported, not touched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from packageurl import PackageURL

from medtrace.api.load import LoadOptions, load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError
from medtrace.export.front_matter import set_front_matter, yaml_quoted
from medtrace.graph import TraceGraph
from medtrace.graph.advisory_match import AdvisoryIndex, Match
from medtrace.graph.soup import (
    SoupDrift,
    VersionChange,
    advisories_of,
    compare,
    monitored_elsewhere,
    not_audited,
)
from medtrace.ingest.components import parse_components
from medtrace.ingest.osv import parse_advisory
from medtrace.ingest.text import one_line
from medtrace.model import Finding, Item, ProjectConfig, Severity, SourceLocation
from medtrace.model.codes import DEVIATIONS
from medtrace.model.components import Component, ComponentList
from medtrace.store.advisories import read_advisories
from medtrace.store.containment import confined, fence_for
from medtrace.store.files import write_files
from medtrace.store.git import GitError, GitRepository


def read_component_file(
    path: Path, root: Path | None = None
) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    """Read one lockfile or SBOM; ``-r`` includes may not leave ``root`` (or its folder)."""
    shown = _shown(path, root)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        finding = Finding(
            code="components/unreadable",
            severity=Severity.ERROR,
            message=f"cannot read {shown}: {reason}",
            location=SourceLocation(path=shown),
        )
        return None, (finding,)
    fence = (root or path.parent).resolve()

    def include(relative: str) -> bytes | None:
        target = (path.parent / relative).resolve()
        if not target.is_relative_to(fence) or not target.is_file():
            return None
        return target.read_bytes()

    return parse_components(data, shown, include)


def read_sources(
    root: Path, config: ProjectConfig
) -> tuple[tuple[ComponentList, ...], tuple[Finding, ...]]:
    """The components of every ``[soup] sources`` file, and what went wrong reading them."""
    lists: list[ComponentList] = []
    findings: list[Finding] = []
    for name in config.soup.sources:
        found, problems = read_component_file(root / name, root)
        findings.extend(problems)
        if found is not None:
            lists.append(found)
    return tuple(lists), tuple(findings)


def refused(finding: Finding, strict: bool) -> bool:
    """Whether a finding of reading a source stops the command: an error does, and so
    does a deviation from the source's format when ``strict``."""
    return finding.severity is Severity.ERROR or (strict and finding.code in DEVIATIONS)


def counted(lists: Sequence[ComponentList], config: ProjectConfig) -> list[Component]:
    """The components of the scopes that count as SOUP (``[soup] scopes``)."""
    scopes = set(config.soup.scopes)
    return [c for found in lists for c in found.components if c.scope in scopes]


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncReport:
    drift: SoupDrift
    created: tuple[tuple[str, Component], ...]  # (path written, component)
    updated: tuple[tuple[str, VersionChange], ...]  # (path rewritten, change)
    users: dict[str, tuple[str, ...]]  # changed record id -> ids of the software using it
    warnings: tuple[Finding, ...]
    dry_run: bool


def sync_soup(
    start: Path,
    sources: Sequence[Path] = (),
    dry_run: bool = False,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
    *,
    strict: bool = False,
) -> SyncReport:
    """Bring the SOUP records in step with ``sources`` (default: ``[soup] sources``).
    A source that deviates from its format where real tools' files do (an SPDX
    package without its SPDXID) is read with a warning, or refused when ``strict``."""
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        root = Path(project.root)
        config = project.config
        if sources:
            named = [confined(root, path, "the source") for path in sources]
            results = [read_component_file(path, root) for path in named]
            lists = tuple(found for found, _ in results if found is not None)
            findings = tuple(f for _, problems in results for f in problems)
        elif config.soup.sources:
            lists, findings = read_sources(root, config)
        else:
            raise MedtraceError(
                "no sources to sync from",
                hint="name lockfiles or SBOMs: medtrace soup sync FILE..., or [soup] sources in "
                "medtrace.toml",
            )
        errors = [f for f in findings if refused(f, strict)]
        if errors:
            first = errors[0]
            where = (
                f"{first.location.path}:{first.location.line}"
                if first.location.line
                else (first.location.path)
            )
            raise MedtraceError(f"{where}: {first.message} (nothing was written)")
        graph = TraceGraph(project.items, config.schema)
        drift = compare(graph.of_kind("soup"), counted(lists, config))
        created = list(_drafts(root, config, graph, drift.new, lists))
        updated = [(change.record.source.path, change) for change in drift.changed]
        if not dry_run:
            changed = [*_updates(root, drift.changed), *((p, t) for p, t, _ in created)]
            write_files([(root / path, text.encode("utf-8")) for path, text in changed])
        users = {
            change.record.id: tuple(u.id for u in graph.targets(change.record.id, "used-by"))
            for change in drift.changed
        }
        return SyncReport(
            drift=drift,
            created=tuple((path, component) for path, _, component in created),
            updated=tuple(updated),
            users=users,
            warnings=tuple(findings),
            dry_run=dry_run,
        )


def _drafts(
    root: Path,
    config: ProjectConfig,
    graph: TraceGraph,
    new: Sequence[Component],
    lists: Sequence[ComponentList],
) -> Iterator[tuple[str, str, Component]]:
    numbers = [
        int(match.group(1))
        for item in graph.of_kind("soup")
        if (match := re.fullmatch(r"SOUP-(\d+)", item.id))
    ]
    where = {id(c): found.path for found in lists for c in found.components}
    next_number = max(numbers, default=0) + 1
    for component in new:
        while graph.get(f"SOUP-{next_number:03d}") is not None:
            next_number += 1
        item_id = f"SOUP-{next_number:03d}"
        next_number += 1
        path = f"{config.soup.folder.rstrip('/')}/{item_id}.md"
        if (root / path).exists():
            raise MedtraceError(f"{path} exists already; sync will not overwrite it")
        yield path, _draft(item_id, component, where.get(id(component), "")), component


def _draft(item_id: str, component: Component, source: str) -> str:
    lines = [
        "---",
        f"id: {item_id}",
        "kind: soup",
        f"title: {yaml_quoted(one_line(component.name) or component.purl)}",
        "status: draft",
        "tags: [incomplete]",
    ]
    if component.supplier:
        lines.append(f"manufacturer: {yaml_quoted(component.supplier)}")
    lines.append(f"version: {yaml_quoted(component.version)}")
    if component.purl:
        lines.append(f"purl: {yaml_quoted(component.purl)}")
    if component.license:
        lines.append(f"license: {yaml_quoted(component.license)}")
    at = f"{source}, line {component.line}" if component.line else source
    lines += [
        "---",
        f"Draft written by `medtrace soup sync` from {at}. To complete it: name the",
        "software items that use it (used-by), its functional and performance requirements",
        "(functional-requirements), the hardware and software it needs (system-requirements),",
        "where its known anomalies are published (anomaly-list), their evaluation for this",
        "version (anomaly-evaluation, evaluated-version) and its manufacturer; then remove",
        "the incomplete tag and set status: approved.",
        "",
    ]
    return "\n".join(lines)


def _updates(root: Path, changes: Sequence[VersionChange]) -> Iterator[tuple[str, str]]:
    for change in changes:
        path = change.record.source.path
        text = (root / path).read_text("utf-8")
        component = change.component
        values = {"version": yaml_quoted(component.version)}
        purl = _new_purl(change.record, component)
        if purl:
            values["purl"] = yaml_quoted(purl)
        yield path, set_front_matter(text, values)


def _new_purl(record: Item, component: Component) -> str:
    current = record.field("purl")
    if isinstance(current, str) and current.strip():
        try:
            parsed = PackageURL.from_string(current.strip())
        except ValueError:
            return component.purl
        fields = parsed.to_dict()
        fields["version"] = component.version or None
        return str(PackageURL(**fields).to_string())
    return component.purl


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """One advisory that affects one SOUP record, and its evaluation if there is one."""

    soup: Item
    match: Match
    evaluation: Item | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SoupAudit:
    """What an audit found: each match, each SOUP record it could not audit and why, and
    the findings of reading the advisories."""

    entries: tuple[AuditEntry, ...]
    not_audited: tuple[tuple[Item, str], ...]  # and why; none says how it is followed
    monitored: tuple[tuple[Item, str], ...]  # not audited against OSV, followed so
    findings: tuple[Finding, ...]

    @property
    def open(self) -> tuple[AuditEntry, ...]:
        return tuple(entry for entry in self.entries if entry.evaluation is None)

    @property
    def passed(self) -> bool:
        return not self.open and not self.not_audited


def audit_soup(
    start: Path, advisories: Path | None = None, options: LoadOptions | None = None
) -> SoupAudit:
    """Every (SOUP record, advisory) match with its evaluation, every record that cannot be
    audited, and the findings of reading the advisories (default: ``[soup] advisories``).
    Each SOUP record is one shipped version, so every shipped version is audited."""
    project = load_project(start, options)
    root = Path(project.root)
    source = advisories or (
        root / project.config.soup.advisories if project.config.soup.advisories else None
    )
    if source is None:
        raise MedtraceError(
            "no OSV records to match against",
            hint="medtrace soup audit --advisories DIR-OR-ZIP, or [soup] advisories in "
            "medtrace.toml",
        )
    fence = fence_for(root, source)
    records, findings = read_advisories(source, parse=parse_advisory, fence=fence)
    index = AdvisoryIndex(records)
    graph = TraceGraph(project.items, project.config.schema)
    entries = []
    skipped: list[tuple[Item, str]] = []
    monitored: list[tuple[Item, str]] = []
    for soup in graph.of_kind("soup"):
        if soup.field("status") == "obsolete":
            continue
        why = not_audited(soup)
        if why is not None:
            how = monitored_elsewhere(soup)
            (monitored if how else skipped).append((soup, how or why))
            continue
        for match, evaluation in advisories_of(graph, soup, index):
            entries.append(AuditEntry(soup=soup, match=match, evaluation=evaluation))
    return SoupAudit(
        entries=tuple(entries),
        not_audited=tuple(skipped),
        monitored=tuple(monitored),
        findings=findings,
    )


SBOM_SPECS = ("cyclonedx-1.6", "cyclonedx-1.7", "spdx-2.3")


def export_sbom(
    start: Path,
    vex: bool = False,
    options: LoadOptions | None = None,
    spec: str = "cyclonedx-1.6",
) -> str:
    """The product's SBOM in ``spec`` (one of :data:`SBOM_SPECS`), or its CycloneDX 1.6
    VEX (with the vulnerability evaluations)."""
    project = load_project(start, options)
    graph = TraceGraph(project.items, project.config.schema)
    revision, timestamp = _revision(Path(project.root))
    # Imported here: cyclonedx-python-lib's schema validation takes a second to load,
    # which no other command (check above all) should pay for.
    from medtrace.export.soup import soup_sbom, soup_vex

    if vex:
        return soup_vex(graph, project.config.name, revision, timestamp)
    if spec == "spdx-2.3":
        from medtrace.export.sbom_spdx import spdx_sbom

        return spdx_sbom(graph, project.config.name, revision, timestamp)
    return soup_sbom(graph, project.config.name, revision, timestamp, spec=spec)


def _revision(root: Path) -> tuple[str, dt.datetime | None]:
    try:
        repository = GitRepository.containing(root)
        commit = repository.rev_parse("HEAD")
        return commit[:12], dt.datetime.fromisoformat(repository.commit_date(commit))
    except GitError:
        return "", None


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)

"""Check a project: bring the cache up to date, then collect every finding."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from medtrace.api.load import LoadOptions, OpenProject, open_project, read_reviews_file
from medtrace.errors import MedtraceError, StoreError
from medtrace.graph import TraceGraph, patch_structural, structural_findings
from medtrace.ingest.reviews import parse_reviews
from medtrace.model import CONFIG_FILE, Finding, ProjectConfig, Severity, SourceLocation
from medtrace.model.codes import STRUCTURAL_CODES
from medtrace.model.results import RUNS_FOLDER
from medtrace.standard import all_rules, evaluate
from medtrace.store.containment import is_inside
from medtrace.store.runs import load_runs, run_files

if TYPE_CHECKING:
    from medtrace.graph.advisory_match import AdvisoryIndex
    from medtrace.model.components import ComponentList

_STRUCTURAL = "structural"
ATTACHMENT_MISSING = "results/attachment-missing"
_RULES = "rules"


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOptions:
    """``fail_on`` overrides the project's ``fail-on`` severity when given."""

    load: LoadOptions = field(default_factory=LoadOptions)
    fail_on: Severity | None = None
    rules: bool = True  # False: only the files and the trace links (a quick pre-commit check)
    since: str | None = None  # a revision: also audit changes since it (change control, 8.2.1)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """Findings of one check, sorted by file, line and code."""

    root: Path
    config: ProjectConfig
    files: int
    items: int
    findings: tuple[Finding, ...]
    fail_on: Severity
    changed: int  # files parsed or forgotten in this run

    @property
    def failed(self) -> bool:
        """True when any finding is at or above the failing severity."""
        return any(finding.severity >= self.fail_on for finding in self.findings)


def check_project(start: Path, options: CheckOptions | None = None) -> CheckReport:
    """Check the project at or above ``start``.

    Runs from the cache's light index: files that did not change are neither
    read nor rebuilt into items.
    """
    options = options or CheckOptions()
    with open_project(start, options.load) as opened:
        structural = _structural(opened)
        rules, problems = _rules(opened) if options.rules else ((), ())
        attachments = _missing_attachments(opened) if options.rules else ()
        found = [
            *opened.diagnostics,
            *opened.cache.findings(),
            *structural,
            *rules,
            *problems,
            *attachments,
        ]
        files, item_count = opened.cache.counts()
    if options.since:
        from medtrace.api.change_control import audit_changes  # git work only when asked

        found.extend(audit_changes(opened.root, options.since).findings())
    return CheckReport(
        root=opened.root,
        config=opened.config,
        files=files,
        items=item_count,
        findings=tuple(sorted(found, key=Finding.sort_key)),
        fail_on=options.fail_on or opened.config.fail_on,
        changed=opened.changed,
    )


def _structural(opened: OpenProject) -> tuple[Finding, ...]:
    """Structural findings: the last run's when nothing changed, patched when the
    change is local to the changed files' own links, else computed afresh."""
    cache, changes, schema = opened.cache, opened.changes, opened.config.schema
    previous = opened.memo.get(_STRUCTURAL)
    found: Sequence[Finding] | None = None
    if previous is not None and not changes.paths:
        found = previous
    elif previous is not None:
        found = patch_structural(
            previous, changes.paths, changes.before, changes.after, cache.items_with_ids, schema
        )
    if found is None:
        items, links = changes.after if changes.complete else cache.index()
        found = structural_findings(items, links, schema)
    result = tuple(found)
    with contextlib.suppress(StoreError):  # a result that cannot be remembered is still right
        cache.remember(_STRUCTURAL, result)
    return result


def _rules(opened: OpenProject) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Findings of the IEC 62304 rules (the last run's when no file changed), and the
    findings of reading the review stamps."""
    data = read_reviews_file(opened.root)
    reviews, problems = parse_reviews(data) if data else ((), ())
    runs_folder = opened.root / RUNS_FOLDER
    soup = opened.config.soup
    stamps = [_stamp(p) for p in run_files(runs_folder)]
    stamps += [_stamp(opened.root / name) for name in soup.sources]
    if soup.advisories:
        stamps += [_stamp(p) for p in _files_under(opened.root / soup.advisories)]
    # The review stamps, test runs, SOUP sources and advisories are inputs too.
    inputs = data + repr(stamps).encode()
    key = f"{_RULES}:{hashlib.sha256(inputs).hexdigest()}"
    previous = opened.memo.get(key)
    if previous is not None and not opened.changes.paths:
        return previous, problems
    items = [parsed.item for parsed in opened.cache.parsed().values() if parsed.item is not None]
    graph = TraceGraph(items, opened.config.schema)
    runs, unreadable = load_runs(opened.root, runs_folder)
    components, source_findings = _sources(opened)
    advisories, advisory_findings = _advisories(opened.root, soup.advisories)
    found = evaluate(graph, opened.config, reviews, runs, components, advisories)
    result = (*found, *unreadable, *source_findings, *advisory_findings)
    with contextlib.suppress(StoreError):
        opened.cache.remember(key, result)
    return result, problems


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        status = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), status.st_size, status.st_mtime_ns)


def _files_under(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())


def _sources(opened: OpenProject) -> tuple[tuple[ComponentList, ...] | None, tuple[Finding, ...]]:
    """The components of ``[soup] sources`` (None when there are none)."""
    if not opened.config.soup.sources:
        return None, ()
    from medtrace.api.soup import read_sources  # the SBOM and lockfile readers, when needed

    return read_sources(opened.root, opened.config)


def _advisories(root: Path, name: str) -> tuple[AdvisoryIndex | None, tuple[Finding, ...]]:
    """The OSV records of ``[soup] advisories``; one finding when they cannot be read."""
    if not name:
        return None, ()
    # Imported here: projects without advisories do not load the version libraries.
    from medtrace.graph.advisory_match import AdvisoryIndex
    from medtrace.ingest.osv import parse_advisory
    from medtrace.store.advisories import read_advisories

    try:
        records, findings = read_advisories(root / name, parse=parse_advisory, fence=root)
    except MedtraceError as error:
        where = SourceLocation(path=CONFIG_FILE)
        return None, (
            Finding(
                code="osv/unreadable", severity=Severity.ERROR, message=str(error), location=where
            ),
        )
    return AdvisoryIndex(records), findings


def _missing_attachments(opened: OpenProject) -> list[Finding]:
    """Evidence files named by test records that are not in the project (read afresh
    each time: adding a file changes no item file)."""
    found = []
    for parsed in opened.cache.parsed_of_kind("test-record"):
        item = parsed.item
        if item is None or item.kind != "test-record":
            continue
        attachments = item.field("attachments")
        for name in attachments if isinstance(attachments, tuple) else ():
            path = opened.root / name
            inside = is_inside(opened.root, path)
            if not inside or not path.is_file():
                where = "outside the project" if not inside else "not a file in the project"
                found.append(
                    Finding(
                        code=ATTACHMENT_MISSING,
                        severity=Severity.ERROR,
                        message=f"{item.id}: attachment {name} is {where}",
                        location=item.source,
                        item=item.id,
                        clause="5.7.5",
                    )
                )
    return found


def finding_summaries() -> dict[str, str]:
    """What each finding code means, for reports that describe their rules (SARIF)."""
    summaries = dict(STRUCTURAL_CODES)
    summaries.update({rule.code: rule.summary for rule in all_rules()})
    return summaries

"""Check a project: bring the cache up to date, then collect every finding."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from medtrace import __version__
from medtrace.api.code import UnitFiles, code_digests, unit_files
from medtrace.api.code import stamps as code_stamps
from medtrace.api.link_history import head_commit, history_note, link_history
from medtrace.api.load import LoadOptions, OpenProject, open_project, read_reviews_file
from medtrace.errors import MedtraceError, StoreError
from medtrace.graph import TraceGraph, patch_structural, structural_findings
from medtrace.ingest.reviews import parse_reviews
from medtrace.model import CONFIG_FILE, Finding, Item, ProjectConfig, Severity, SourceLocation
from medtrace.model.codes import STRUCTURAL_CODES
from medtrace.model.results import RUNS_FOLDER
from medtrace.model.review import LinkBase, Review
from medtrace.standard import all_rules, evaluate
from medtrace.standard.rules.clause_7 import FILE_REFERENCE as _PATH
from medtrace.store.containment import is_inside
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import load_runs, run_files
from medtrace.store.signatures import read_policy, read_register

if TYPE_CHECKING:
    from medtrace.graph.advisory_match import AdvisoryIndex
    from medtrace.model.components import ComponentList

_STRUCTURAL = "structural"
ATTACHMENT_MISSING = "results/attachment-missing"
ANOMALY_LIST_MISSING = "item/anomaly-list-missing"
_RULES = "rules"
_CODE_FILES = "code-files"


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
    notes: tuple[str, ...] = ()  # what a result rests on, for people (no history...)

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
        rules, problems, notes = _rules(opened) if options.rules else ((), (), ())
        attachments = _missing_files(opened) if options.rules else ()
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
        notes=notes,
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


def _rules(
    opened: OpenProject,
) -> tuple[tuple[Finding, ...], tuple[Finding, ...], tuple[str, ...]]:
    """Findings of the IEC 62304 rules (the last run's when no file changed), the
    findings of reading the review stamps, and notes on what the results rest on."""
    data = read_reviews_file(opened.root)
    reviews, problems = parse_reviews(data) if data else ((), ())
    runs_folder = opened.root / RUNS_FOLDER
    soup = opened.config.soup
    code_files = _code_files(opened)
    head = head_commit(opened.root)
    stamps = [_stamp(p) for p in run_files(runs_folder)]
    stamps += [_stamp(opened.root / name) for name in soup.sources]
    stamps.append(_stamp(opened.root / read_policy(opened.root).register))
    if soup.advisories:
        stamps += [_stamp(p) for p in _files_under(opened.root / soup.advisories)]
    # The review stamps, test runs, SOUP sources, advisories, units' code and the commit
    # the link history is at are inputs too, and so are medtrace's version and its rules.
    inputs = (
        data
        + repr(
            (
                stamps,
                code_files,
                code_stamps(opened.root, code_files),
                head and head[1],
                __version__,
                [r.code for r in all_rules()],
            )
        ).encode()
    )
    key = f"{_RULES}:{hashlib.sha256(inputs).hexdigest()}"
    previous = opened.memo.get(key)
    notes = tuple(note for note in (history_note(head),) if note)
    if previous is not None and not opened.changes.paths:
        return previous, problems, notes
    parsed = opened.cache.parsed()
    items = [p.item for p in parsed.values() if p.item is not None]
    graph = TraceGraph(items, opened.config.schema)
    known = {  # the loader's own fingerprints, of the items the graph holds
        item.id: parsed[item.source.path].fingerprint
        for item in graph
        if parsed[item.source.path].fingerprint
    }
    code = code_digests(opened.root, code_files)
    history = link_history(opened.root, opened.config, opened.config_bytes, opened.cache)
    result = rule_findings(
        opened.root,
        opened.config,
        graph,
        reviews,
        code=code,
        link_bases=history.bases,
        known=known,
        at_head=history.at_head,
        versioned=head is not None and bool(head[1]),
        commit_dates=commit_dates(head[0], graph) if head is not None and head[1] else {},
    )
    with contextlib.suppress(StoreError):
        opened.cache.remember(key, result)
    return result, problems, notes


def rule_findings(
    root: Path,
    config: ProjectConfig,
    graph: TraceGraph,
    reviews: tuple[Review, ...],
    *,
    code: Mapping[str, str] | None = None,
    link_bases: Mapping[tuple[str, str], LinkBase] | None = None,
    known: Mapping[str, str] | None = None,
    at_head: Mapping[str, tuple[str, str]] | None = None,
    versioned: bool | None = None,
    commit_dates: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Findings of the IEC 62304 rules on ``graph`` (the project's items, or items as they
    would be), with the project's test runs, SOUP sources and advisories as evidence.
    ``code`` are the units' code digests (default: read from their files now);
    ``link_bases`` when each trace link was made (default: none known, so suspect links
    compare against the review stamps alone); ``known`` the own fingerprints the loader
    computed; ``at_head`` the own and deep fingerprints at ``HEAD`` (the link history);
    ``versioned`` whether the project is in git with a commit (None: unknown);
    ``commit_dates`` the dates of the commits change requests name."""
    runs, unreadable = load_runs(root, root / RUNS_FOLDER)
    components, source_findings = _sources(root, config)
    advisories, advisory_findings = _advisories(root, config.soup.advisories)
    if code is None:
        code = code_digests(root, unit_files(root, graph.of_kind("software-unit")))
    policy = read_policy(root)
    found = evaluate(
        graph,
        config,
        reviews,
        runs,
        components,
        advisories,
        code,
        link_bases=link_bases,
        known=known,
        at_head=at_head,
        signing=(read_register(root, policy), policy),
        versioned=versioned,
        commit_dates=commit_dates,
    )
    return (*found, *unreadable, *source_findings, *advisory_findings)


def commit_dates(repository: GitRepository, graph: TraceGraph) -> dict[str, str]:
    """The committer date of each commit a change request names, as written, for those git
    knows (one git process; none when no request names a commit)."""
    names = sorted(
        {
            name.strip()
            for change in graph.of_kind("change-request")
            if isinstance(commits := change.field("commits"), tuple)
            for name in commits
            if name.strip() and all(c in "0123456789abcdefABCDEF" for c in name.strip())
        }
    )
    if not names:
        return {}
    try:
        out = repository.run(
            "cat-file", "--batch-check=%(objectname) %(objecttype)",
            data="".join(f"{name}\n" for name in names).encode(),
        )  # fmt: skip
        lines = out.decode("utf-8", "replace").splitlines()
        known = {
            name: line.split()[0]
            for name, line in zip(names, lines, strict=True)
            if line.endswith(" commit")
        }
        if not known:
            return {}
        dates = repository.run("show", "-s", "--format=%H %cI", *sorted(set(known.values())))
    except (GitError, ValueError):
        return {}
    by_sha = dict(line.split(" ", 1) for line in dates.decode().splitlines() if " " in line)
    return {name: by_sha[sha] for name, sha in known.items() if sha in by_sha}


def _code_files(opened: OpenProject) -> tuple[UnitFiles, ...]:
    """Where the units' source files are: found afresh when an item file changed, else as
    the last run found them (remembered in the cache until the item files change)."""
    remembered = opened.cache.note(_CODE_FILES) if not opened.changes.paths else None
    if remembered is not None:
        found = tuple(
            UnitFiles(unit=unit, files=tuple((name, path) for name, path in files))
            for unit, files in json.loads(remembered)
        )
        if all(path is not None for unit in found for _, path in unit.files):
            return found  # (a file not found then may be there now: look again)
    units = [p.item for p in opened.cache.parsed_of_kind("software-unit") if p.item is not None]
    found = unit_files(opened.root, units)
    with contextlib.suppress(StoreError):
        opened.cache.set_note(_CODE_FILES, json.dumps([(u.unit, u.files) for u in found]))
    return found


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


def _sources(
    root: Path, config: ProjectConfig
) -> tuple[tuple[ComponentList, ...] | None, tuple[Finding, ...]]:
    """The components of ``[soup] sources`` (None when there are none)."""
    if not config.soup.sources:
        return None, ()
    from medtrace.api.soup import read_sources  # the SBOM and lockfile readers, when needed

    return read_sources(root, config)


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


def _missing_files(opened: OpenProject) -> list[Finding]:
    """Files items name that are not in the project: the evidence files of test records
    (5.7.5) and the anomaly lists of SOUP records that are paths (7.1.3). Read afresh each
    time: adding a file changes no item file."""
    found = []
    for parsed in opened.cache.parsed_of_kind("test-record"):
        item = parsed.item
        if item is None or item.kind != "test-record":
            continue
        attachments = item.field("attachments")
        for name in attachments if isinstance(attachments, tuple) else ():
            problem = _not_in_project(opened.root, name)
            if problem:
                message = f"{item.id}: attachment {name} is {problem}"
                found.append(_file_finding(ATTACHMENT_MISSING, item, message, "5.7.5"))
    for parsed in opened.cache.parsed_of_kind("soup"):
        item = parsed.item
        value = item.field("anomaly-list") if item is not None and item.kind == "soup" else None
        if item is None or value is None or not _PATH.match(str(value).strip()):
            continue
        problem = _not_in_project(opened.root, str(value).strip())
        if problem and not opened.cache.items_with_ids([str(value).strip()]):
            message = f"{item.id}: anomaly-list {value} is {problem} (nor an item id)"
            found.append(_file_finding(ANOMALY_LIST_MISSING, item, message, "7.1.3"))
    return found


def _not_in_project(root: Path, name: str) -> str:
    """Why ``name`` is not a file of the project (``""``: it is)."""
    path = root / name
    if not is_inside(root, path):
        return "outside the project"
    return "" if path.is_file() else "not a file in the project"


def _file_finding(code: str, item: Item, message: str, clause: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=message,
        location=item.source,
        item=item.id,
        clause=clause,
    )


def finding_summaries() -> dict[str, str]:
    """What each finding code means, for reports that describe their rules (SARIF)."""
    summaries = dict(STRUCTURAL_CODES)
    summaries.update({rule.code: rule.summary for rule in all_rules()})
    return summaries

"""The release gate (5.8): every reason a revision may not be released as a version.

``release_check`` is the union of what every other command reports, so that
nothing a command would flag passes it: every finding of ``check`` at warning or
above (attestations needed at the class, stale evidence, suspect links, SOUP not
current among them), every ``scan`` finding (code markers), ``change-control``
since the previous release or baseline, the compliance matrix's gaps, SOUP
advisories not evaluated and SOUP versions not audited, known anomalies not
evaluated, change requests not closed, and a build that is not a clean commit.
Verification is judged afresh: only results bound to the released commit count
(its own, or those of an ancestor from which only imported runs changed:
committing the evidence of a tested commit does not make it stale), runs made
with uncommitted changes do not, manual records count by the version or a tag
or commit of the release and only while they still cover their test, and a test
with mixed outcomes in a run blocks. Each reason names its clause and the items.

``release make`` is :mod:`medtrace.api.release_make`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.check import CheckOptions, CheckReport, check_project
from medtrace.api.code import project_fingerprints
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.release_inputs import SOUP_PREFIXES, change_reasons, scan_reasons, soup_reasons
from medtrace.api.revision import Located, locate, tested_commits
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.verification import (
    BAD_OUTCOMES,
    RequirementStatus,
    ResultIndex,
    Status,
    verification_status,
)
from medtrace.model import CACHE_DIR, SafetyClass
from medtrace.model.release import Reason, named
from medtrace.model.results import RUNS_FOLDER, ResultRun
from medtrace.standard.classes import compute_classes
from medtrace.standard.matrix import Status as ClauseStatus
from medtrace.standard.matrix import compliance_matrix
from medtrace.standard.rules.releases import residual_anomalies, unevaluated
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import decode_run, load_runs, run_files

RELEASE_TAG_PREFIX = "medtrace/release/"
RELEASES_FOLDER = "releases"
_VERSION_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
# Change requests whose change is in the code but not yet closed: a release needs them
# closed (or rejected). Proposed and approved ones are work for a later release.
_OPEN_CHANGES = ("implemented", "verified")
SUSPECT_LINK = "62304.7.4.1/suspect-link"
# What the release's own verification replaces: check counts the latest results of any
# revision, the release only those bound to the released commit.
VERIFIED = ("software-requirement", "software-unit", "software-item")
_REPLACED_PREFIXES = ("62304.5.7.1/requirement-", "62304.5.5.5/unit-", "62304.5.6.3/")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseCheck:
    """Whether ``revision`` (a full commit) may be released as ``version``.

    ``anomalies`` lists the problem reports not closed (the known residual
    anomalies, 5.8.2), one line each; ``tested`` the commits whose results count;
    ``since`` the release or baseline change control started from (None: none).
    """

    version: str
    revision: str
    date: str
    project: str
    reasons: tuple[Reason, ...]
    anomalies: tuple[str, ...] = ()
    anomaly_ids: tuple[str, ...] = ()  # the ids of those problem reports
    tested: tuple[str, ...] = ()
    since: str | None = None
    evidence: tuple[str, ...] = ()  # project paths of the runs and records that count

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def tag(self) -> str:
        return RELEASE_TAG_PREFIX + self.version


def release_tag(version: str) -> str:
    """The tag of release ``version``; refuses a malformed version."""
    valid = (
        0 < len(version) <= 60
        and set(version) <= _VERSION_CHARS
        and version[0].isalnum()
        and version[-1].isalnum()
    )
    if not valid or ".." in version or version.endswith(".lock"):
        raise ProjectError(
            f"version {version[:60]!r} is malformed: use letters, digits, '.', '-' or '_'"
            " (e.g. 1.2.0)"
        )
    return RELEASE_TAG_PREFIX + version


def release_check(
    start: Path,
    version: str,
    revision: str = "HEAD",
    options: LoadOptions | None = None,
) -> ReleaseCheck:
    """Every reason ``revision`` cannot be released as ``version`` (none: it can).

    Raises :class:`GitError` for an unknown revision or a project outside git, and
    :class:`ProjectError` for a malformed version.
    """
    tag = release_tag(version)
    located = locate(start)
    repository = located.repository
    commit = repository.rev_parse(revision)
    date = repository.commit_date(commit)
    evidence = located.prefix + RUNS_FOLDER + "/"
    tested = tested_commits(repository, commit, evidence)
    reasons: list[Reason] = []
    reasons += _build_reasons(located, commit, version, tag, evidence)

    load = options or LoadOptions()
    report = check_project(located.root, CheckOptions(load=load))
    project = load_project(located.root, load)
    graph = TraceGraph(project.items, project.config.schema)
    runs, unreadable = load_runs(located.root, located.root / RUNS_FOLDER)
    reasons += [
        Reason(
            clause="5.8.1", code="release/results-unreadable", message=f"{f.location}: {f.message}"
        )
        for f in unreadable
    ]
    bound = _Binding(repository, version, commit, tested)
    chosen = [run for run in runs if bound.run(run)]
    bound_files = _bound_files(located.root, graph, bound)
    index = ResultIndex.build(
        chosen, [item.id for item in graph], fingerprints=project_fingerprints(project, graph)
    )
    reasons += _verification_reasons(graph, bound, index, commit)
    reasons += _mixed_reasons(chosen)
    anomalies, anomaly_ids, anomaly_reasons = _anomalies(graph, version, date)
    reasons += anomaly_reasons
    reasons += _finding_reasons(report)
    reasons += scan_reasons(located.root)
    since, changes = change_reasons(located, commit)
    reasons += changes
    reasons += soup_reasons(located.root, load, project.config.soup.advisories)
    reasons += _matrix_reasons(graph, report)
    reasons += _change_reasons(graph)
    return ReleaseCheck(
        version=version,
        revision=commit,
        date=date,
        project=project.config.name,
        reasons=tuple(reasons),
        anomalies=anomalies,
        anomaly_ids=anomaly_ids,
        tested=tested,
        since=since,
        evidence=bound_files,
    )


# -- 5.8.4-5.8.6: the build is recorded -------------------------------------------------


def _build_reasons(
    located: Located, commit: str, version: str, tag: str, evidence: str
) -> list[Reason]:
    repository, prefix = located.repository, located.prefix
    reasons = []
    dirty = [
        path.removeprefix(prefix)
        for path in repository.uncommitted(prefix)
        if not path.removeprefix(prefix).startswith(f"{CACHE_DIR}/")
    ]
    if dirty:
        reasons.append(
            Reason(
                clause="5.8.5",
                code="release/uncommitted-changes",
                message=f"{len(dirty)} uncommitted file{'s' if len(dirty) != 1 else ''} in the "
                f"project ({named(dirty)}): commit them, a release is a commit",
            )
        )
    head = repository.rev_parse("HEAD")
    if head != commit:
        changed = [p for p in _changed(repository, commit, head) if not p.startswith(evidence)]
        if changed:
            reasons.append(
                Reason(
                    clause="5.8.5",
                    code="release/revision-not-checked-out",
                    message=f"{commit[:12]} is not the checked-out HEAD ({head[:12]} differs in "
                    f"{named(changed)}): check out the revision to release",
                )
            )
    if repository.ref_exists(f"refs/tags/{tag}"):
        reasons.append(
            Reason(
                clause="5.8.4",
                code="release/already-released",
                message=f"version {version} is already released (tag {tag})",
            )
        )
    record = located.root / record_path(version)
    if record.exists():
        reasons.append(
            Reason(
                clause="5.8.4",
                code="release/already-released",
                message=f"{record_path(version)} exists already",
            )
        )
    return reasons


def _changed(repository: GitRepository, old: str, new: str) -> list[str]:
    out = repository.run("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", old, new)
    return sorted(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)


class _Binding:
    """Whether a run or record is bound to the release.

    A run counts by the commit it recorded when it was imported (never by the
    name it was given, which may have moved since) and only when nothing in the
    project differed from that commit then. A manual record counts by the
    version itself (``1.2.0`` or ``v1.2.0``), a tag that git resolves to a tested
    commit, or a commit id (or its prefix) of one; never by a branch or ``HEAD``.
    """

    def __init__(
        self, repository: GitRepository, version: str, commit: str, tested: Sequence[str]
    ) -> None:
        self._repository = repository
        self._tested = frozenset(tested)
        self._versions = frozenset({version, f"v{version}"})
        self._names: dict[str, bool] = {}

    def name(self, name: str) -> bool:
        name = name.strip()
        if not name:
            return False
        if name not in self._names:
            self._names[name] = name in self._versions or self._resolves(name)
        return self._names[name]

    def _resolves(self, name: str) -> bool:
        if len(name) >= 7 and all(c in "0123456789abcdef" for c in name.lower()):
            return any(commit.startswith(name.lower()) for commit in self._tested)
        try:
            return self._repository.rev_parse(f"refs/tags/{name}") in self._tested
        except GitError:
            return False

    def run(self, run: ResultRun) -> bool:
        return (run.commit or "") in self._tested and not run.uncommitted


def _bound_files(root: Path, graph: TraceGraph, bound: _Binding) -> tuple[str, ...]:
    """The run files and test records that count for the release, as project paths."""
    paths = []
    for path in run_files(root / RUNS_FOLDER):
        try:
            run = decode_run(path.read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if bound.run(run):
            paths.append(path.relative_to(root).as_posix())
    paths += [
        record.source.path
        for record in graph.of_kind("test-record")
        if bound.name(str(record.field("revision") or ""))
    ]
    return tuple(sorted(paths))


# -- 5.8.1: verification complete --------------------------------------------------------


def _verification_reasons(
    graph: TraceGraph, bound: _Binding, index: ResultIndex, commit: str
) -> list[Reason]:
    # Manual tests count only through records of the released revision.
    items = [
        item
        for item in graph
        if item.kind != "test-record" or bound.name(str(item.field("revision") or ""))
    ]
    scoped = TraceGraph(items, graph.schema)
    classes = compute_classes(graph)
    statuses: list[RequirementStatus] = []
    for kind in VERIFIED:
        found = verification_status(scoped, index, (kind,))
        if kind != "software-requirement":  # units (5.5.5) and items (5.6.3): B and C
            found = tuple(s for s in found if classes.of(graph, s.requirement) is not SafetyClass.A)
        statuses += found
    return _status_reasons(statuses, commit)


def _status_reasons(statuses: Iterable[RequirementStatus], commit: str) -> list[Reason]:
    failed: dict[str, list[str]] = defaultdict(list)
    not_run: list[str] = []
    not_covered: list[str] = []
    stale: list[str] = []
    for entry in statuses:
        requirement, evidence = entry.requirement.id, entry.evidence
        if entry.status is Status.FAILED:
            for found in evidence:
                if found.outcome in BAD_OUTCOMES:
                    failed[found.test].append(requirement)
        elif entry.status is Status.NOT_RUN:
            tests = [e.test for e in evidence if e.outcome not in BAD_OUTCOMES]
            not_run.append(f"{requirement} ({', '.join(tests)})" if tests else requirement)
        elif entry.status is Status.STALE:
            changed = sorted({c for e in evidence for c in e.changed})
            stale.append(f"{requirement} ({', '.join(changed)} changed)")
        elif (
            entry.status is Status.NOT_COVERED and entry.requirement.kind == "software-requirement"
        ):
            not_covered.append(requirement)
    reasons = [
        Reason(
            clause="5.8.1",
            code="release/test-failed",
            message=f"{test} failed: {', '.join(sorted(set(requirements)))}",
        )
        for test, requirements in sorted(failed.items())
    ]
    if not_run:
        reasons.append(
            Reason(
                clause="5.8.1",
                code="release/verification-incomplete",
                message=f"not run at {commit[:12]}: {named(not_run)}",
            )
        )
    if stale:
        reasons.append(
            Reason(
                clause="5.8.1",
                code="release/verification-stale",
                message=f"results no longer cover what is there: {named(stale)}",
            )
        )
    if not_covered:
        reasons.append(
            Reason(
                clause="5.8.1",
                code="release/verification-incomplete",
                message=f"no test verifies {named(not_covered)}",
            )
        )
    return reasons


def _mixed_reasons(runs: Sequence[ResultRun]) -> list[Reason]:
    mixed: dict[str, set[str]] = defaultdict(set)
    for run in runs:
        outcomes: dict[str, set[str]] = defaultdict(set)
        for result in run.results:
            name = f"{result.suite}::{result.test_id}" if result.suite else result.test_id
            outcomes[name].add(result.outcome.value)
        for test, found in outcomes.items():
            if len(found) > 1:
                mixed[test] |= found
    if not mixed:
        return []
    shown = [f"{test} ({'/'.join(sorted(found))})" for test, found in sorted(mixed.items())]
    return [
        Reason(
            clause="5.7.4",
            code="release/result-mixed",
            message=f"tests with more than one outcome in a run: {named(shown)}",
        )
    ]


# -- 5.8.2/5.8.3: known residual anomalies -----------------------------------------------


def _anomalies(
    graph: TraceGraph, version: str, date: str
) -> tuple[tuple[str, ...], tuple[str, ...], list[Reason]]:
    """The known residual anomalies of the release (5.8.2), one line each and by id, and at
    Class B and C the reason when one is not evaluated (5.8.3), as the rules of the release
    record will judge them."""
    reports = residual_anomalies(graph, version, date[:10])
    listed = tuple(
        f"{p.id} ({p.field('state') or 'no state'}, criticality "
        f"{p.field('criticality') or 'unknown'}): {p.title}"
        for p in reports
    )
    ids = tuple(p.id for p in reports)
    project_class = compute_classes(graph).project
    if project_class is SafetyClass.A:
        return listed, ids, []
    missing = [f"{report.id} (no {', '.join(fields)})" for report, fields in unevaluated(reports)]
    reasons = []
    if missing:
        reasons.append(
            Reason(
                clause="5.8.3",
                code="release/anomaly-not-evaluated",
                message=f"known anomalies not evaluated at class {project_class.value}: "
                f"{named(missing)}",
            )
        )
    return listed, ids, reasons


# -- every finding of check at warning or above --------------------------------------------


def _finding_reasons(report: CheckReport) -> list[Reason]:
    soup: dict[str, list[str]] = defaultdict(list)
    suspect: list[str] = []
    other: dict[str, list[str]] = defaultdict(list)
    clauses: dict[str, str] = {}
    for finding in report.findings:
        what = finding.item or str(finding.location)
        if finding.code.startswith(SOUP_PREFIXES):
            soup[finding.code].append(what)
        elif finding.code == SUSPECT_LINK:
            suspect.append(what)
        elif finding.severity.value != "info" and not finding.code.startswith(_REPLACED_PREFIXES):
            other[finding.code].append(what)
            clauses.setdefault(finding.code, finding.clause or "5.8.6")
    reasons = [
        Reason(
            clause=code.removeprefix("62304.").partition("/")[0],
            code="release/soup-not-current",
            message=f"{code}: {named(unique(items))}",
        )
        for code, items in sorted(soup.items())
    ]
    if suspect:
        reasons.append(
            Reason(
                clause="7.4.1",
                code="release/suspect-links",
                message=f"{len(suspect)} suspect link{'s' if len(suspect) != 1 else ''}"
                f" not reviewed: {named(unique(suspect))}",
            )
        )
    reasons += [
        Reason(
            clause=clauses[code],
            code="release/open-findings",
            message=f"{code}: {len(items)} ({named(unique(items))})",
        )
        for code, items in sorted(other.items())
    ]
    return reasons


def _matrix_reasons(graph: TraceGraph, report: CheckReport) -> list[Reason]:
    matrix = compliance_matrix(graph, report.config, report.findings)
    gaps = [row.clause.number for row in matrix.rows if row.status is ClauseStatus.GAP]
    if not gaps:
        return []
    return [
        Reason(
            clause="5.8.6",
            code="release/clause-gap",
            message=f"compliance matrix gaps at class {matrix.project_class.value}: "
            f"{', '.join(gaps)}",
        )
    ]


# -- 8.2: change requests -----------------------------------------------------------------


def _change_reasons(graph: TraceGraph) -> list[Reason]:
    open_requests = [
        f"{r.id} ({r.field('state')})"
        for r in graph.of_kind("change-request")
        if r.field("state") in _OPEN_CHANGES
    ]
    if not open_requests:
        return []
    return [
        Reason(
            clause="8.2",
            code="release/change-open",
            message=f"change requests implemented but not closed: {named(open_requests)}",
        )
    ]


def record_path(version: str) -> str:
    return f"{RELEASES_FOLDER}/REL-{version}.md"


def unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


__all__ = [
    "RELEASE_TAG_PREFIX",
    "Reason",
    "ReleaseCheck",
    "release_check",
    "release_tag",
]

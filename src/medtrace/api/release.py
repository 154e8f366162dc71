"""Releases (5.8, 6.3): check that a revision may be released, then release it.

``release_check`` lists every reason a revision cannot be released as a
version yet, each naming the clause and the items at fault (docs/release.md).
``release_make`` runs the check; when it passes (or a justification overrides
it) it builds the document set, archives it with a manifest of SHA-256 hashes,
tags the commit ``medtrace/release/VERSION`` and writes the release record
``releases/REL-VERSION.md``. The tag and the record are made only once the
archive is written; a blocked release without a justification writes nothing.

Results count for the released commit when they are bound to it, or to an
earlier commit from which only imported runs (``verification/runs``) changed:
committing the evidence of a tested commit does not make the evidence stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import platform
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medtrace import __version__
from medtrace.api.check import CheckOptions, CheckReport, check_project
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.revision import Located, locate, read_revisions
from medtrace.api.soup import audit_soup
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError, ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.verification import BAD_OUTCOMES, Status, verification_status
from medtrace.model import CACHE_DIR, CONFIG_FILE, SafetyClass, Severity
from medtrace.model.results import RUNS_FOLDER, ResultRun
from medtrace.standard.classes import compute_classes
from medtrace.standard.matrix import Status as ClauseStatus
from medtrace.standard.matrix import compliance_matrix
from medtrace.standard.rules.fields import blank
from medtrace.store.files import write_atomic
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import load_runs

RELEASE_TAG_PREFIX = "medtrace/release/"
RELEASES_FOLDER = "releases"
MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT = 1
DOCUMENT_FORMATS = ("html", "md", "pdf", "docx")
# Libraries whose versions go into the manifest: they shape the documents and the SBOM.
LIBRARIES = (
    "cyclonedx-python-lib",
    "weasyprint",
    "python-docx",
    "Jinja2",
    "markdown-it-py",
    "nh3",
    "lxml",
    "PyYAML",
    "openpyxl",
    "click",
)
_VERSION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,58}[A-Za-z0-9])?$")
# Change requests whose change is in the code but not yet closed: a release needs them
# closed (or rejected). Proposed and approved ones are work for a later release.
_OPEN_CHANGES = ("implemented", "verified")
_SOUP_PREFIXES = ("62304.7.1.3/", "62304.8.1.2/")
SUSPECT_LINK = "62304.7.4.1/suspect-link"
# Verification findings the release's own check replaces (it counts only the results
# bound to the released commit; check counts the latest of all).
_REPLACED = frozenset(
    {
        "62304.5.7.1/requirement-not-run",
        "62304.5.7.1/requirement-not-tested",
        "62304.5.7.1/requirement-test-failed",
    }
)
_EVIDENCE_DEPTH = 200  # commits walked back looking for the tested commit
_SHOWN = 12  # ids named in one reason before "+N more"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One thing that stops a release: the clause, a stable code, and a one-line message."""

    clause: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.clause} {self.code}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseCheck:
    """Whether ``revision`` (a full commit) may be released as ``version``.

    ``anomalies`` lists the problem reports not closed (the known residual
    anomalies, 5.8.2), one line each; ``tested`` the commits whose results count.
    """

    version: str
    revision: str
    date: str
    project: str
    reasons: tuple[Reason, ...]
    anomalies: tuple[str, ...] = ()
    tested: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def tag(self) -> str:
        return RELEASE_TAG_PREFIX + self.version


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseMade:
    """What ``release_make`` wrote: the archive, the record, the tag and the manifest."""

    check: ReleaseCheck
    tag: str
    record: Path
    archive: Path
    archive_sha256: str
    documents: tuple[Path, ...]
    manifest: dict[str, object] = field(repr=False)
    justification: str | None = None


class ReleaseBlockedError(MedtraceError):
    """The release check failed and no justification was given: nothing was written."""

    def __init__(self, check: ReleaseCheck) -> None:
        count = len(check.reasons)
        super().__init__(
            f"release {check.version} is blocked by {count} reason{'s' if count != 1 else ''};"
            " nothing was written",
            hint="fix them (medtrace release check lists them) or give --justification",
        )
        self.check = check


def release_tag(version: str) -> str:
    """The tag of release ``version``; refuses a malformed version."""
    if not _VERSION.match(version) or ".." in version or version.endswith(".lock"):
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
    tested = _tested_commits(repository, commit, evidence)
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
    reasons += _verification_reasons(graph, runs, bound, commit)
    anomalies, anomaly_reasons = _anomalies(graph)
    reasons += anomaly_reasons
    reasons += _finding_reasons(report)
    reasons += _advisory_reasons(located.root, load, bool(project.config.soup.advisories))
    reasons += _matrix_reasons(graph, report)
    reasons += _change_reasons(graph)
    return ReleaseCheck(
        version=version,
        revision=commit,
        date=date,
        project=project.config.name,
        reasons=tuple(reasons),
        anomalies=anomalies,
        tested=tested,
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
                f"project ({_named(dirty)}): commit them, a release is a commit",
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
                    f"{_named(changed)}): check out the revision to release",
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
    record = located.root / _record_path(version)
    if record.exists():
        reasons.append(
            Reason(
                clause="5.8.4",
                code="release/already-released",
                message=f"{_record_path(version)} exists already",
            )
        )
    return reasons


def _changed(repository: GitRepository, old: str, new: str) -> list[str]:
    out = repository.run("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", old, new)
    return sorted(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)


def _tested_commits(repository: GitRepository, commit: str, evidence: str) -> tuple[str, ...]:
    """``commit`` and the ancestors (first parents) from which only run files changed."""
    out = repository.run("rev-list", "--first-parent", f"--max-count={_EVIDENCE_DEPTH}", commit)
    found = []
    for candidate in out.decode("ascii").split():
        if candidate != commit and any(
            not path.startswith(evidence) for path in _changed(repository, candidate, commit)
        ):
            break
        found.append(candidate)
    return tuple(found) or (commit,)


class _Binding:
    """Whether a run or record is bound to the release: by a tested commit, or by a
    name that git resolves to one (a tag, a branch); a name git does not know counts
    when it is the version itself (``1.2.0`` or ``v1.2.0``)."""

    def __init__(
        self, repository: GitRepository, version: str, commit: str, tested: Sequence[str]
    ) -> None:
        self._repository = repository
        self._tested = frozenset(tested)
        self._versions = frozenset({version, f"v{version}"})
        self._names: dict[str, bool] = {commit: True}

    def name(self, name: str) -> bool:
        name = name.strip()
        if not name:
            return False
        if name not in self._names:
            try:
                self._names[name] = self._repository.rev_parse(name) in self._tested
            except GitError:
                self._names[name] = name in self._versions
        return self._names[name]

    def run(self, run: ResultRun) -> bool:
        return (run.commit or "") in self._tested or self.name(run.revision)


# -- 5.8.1: verification complete --------------------------------------------------------


def _verification_reasons(
    graph: TraceGraph, runs: Sequence[ResultRun], bound: _Binding, commit: str
) -> list[Reason]:
    chosen = [run for run in runs if bound.run(run)]
    # Manual tests count only through records of the released revision.
    items = [
        item
        for item in graph
        if item.kind != "test-record" or bound.name(str(item.field("revision") or ""))
    ]
    scoped = TraceGraph(items, graph.schema)
    statuses = verification_status(scoped, chosen, ("software-requirement",))
    failed: dict[str, list[str]] = defaultdict(list)
    not_run: list[str] = []
    not_covered: list[str] = []
    for entry in statuses:
        requirement = entry.requirement.id
        if entry.status is Status.FAILED:
            for evidence in entry.evidence:
                if evidence.outcome in BAD_OUTCOMES:
                    failed[evidence.test].append(requirement)
        elif entry.status is Status.NOT_RUN:
            tests = [e.test for e in entry.evidence if e.outcome not in BAD_OUTCOMES]
            not_run.append(f"{requirement} ({', '.join(tests)})" if tests else requirement)
        elif entry.status is Status.NOT_COVERED:
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
                message=f"not run at {commit[:12]}: {_named(not_run)}",
            )
        )
    if not_covered:
        reasons.append(
            Reason(
                clause="5.8.1",
                code="release/verification-incomplete",
                message=f"no test verifies {_named(not_covered)}",
            )
        )
    return reasons


# -- 5.8.2/5.8.3: known residual anomalies -----------------------------------------------


def _anomalies(graph: TraceGraph) -> tuple[tuple[str, ...], list[Reason]]:
    reports = [p for p in graph.of_kind("problem-report") if p.field("state") != "closed"]
    listed = tuple(
        f"{p.id} ({p.field('state') or 'no state'}, criticality "
        f"{p.field('criticality') or 'unknown'}): {p.title}"
        for p in reports
    )
    project_class = compute_classes(graph).project
    if project_class is SafetyClass.A:
        return listed, []
    unevaluated = []
    for report in reports:
        missing = []
        if blank(report.field("criticality")):
            missing.append("criticality")
        if all(blank(report.field(name)) for name in ("root-cause", "evaluation")):
            missing.append("root-cause or evaluation")
        if missing:
            unevaluated.append(f"{report.id} (no {' and no '.join(missing)})")
    reasons = []
    if unevaluated:
        reasons.append(
            Reason(
                clause="5.8.3",
                code="release/anomaly-not-evaluated",
                message=f"known anomalies not evaluated at class {project_class.value}: "
                f"{_named(unevaluated)}",
            )
        )
    return listed, reasons


# -- 7.1.3/8.1.2, 7.4.1 and every other error: findings of check -----------------------


def _finding_reasons(report: CheckReport) -> list[Reason]:
    soup: dict[str, list[str]] = defaultdict(list)
    suspect: list[str] = []
    other: dict[str, list[str]] = defaultdict(list)
    clauses: dict[str, str] = {}
    for finding in report.findings:
        what = finding.item or str(finding.location)
        if finding.code.startswith(_SOUP_PREFIXES):
            soup[finding.code].append(what)
        elif finding.code == SUSPECT_LINK:
            suspect.append(what)
        elif finding.severity is Severity.ERROR and finding.code not in _REPLACED:
            other[finding.code].append(what)
            clauses.setdefault(finding.code, finding.clause or "5.8.6")
    reasons = [
        Reason(
            clause=code.removeprefix("62304.").partition("/")[0],
            code="release/soup-not-current",
            message=f"{code}: {_named(_unique(items))}",
        )
        for code, items in sorted(soup.items())
    ]
    if suspect:
        reasons.append(
            Reason(
                clause="7.4.1",
                code="release/suspect-links",
                message=f"{len(suspect)} suspect link{'s' if len(suspect) != 1 else ''}"
                f" not reviewed: {_named(_unique(suspect))}",
            )
        )
    reasons += [
        Reason(
            clause=clauses[code],
            code="release/open-findings",
            message=f"{code}: {len(items)} ({_named(_unique(items))})",
        )
        for code, items in sorted(other.items())
    ]
    return reasons


def _advisory_reasons(root: Path, load: LoadOptions, configured: bool) -> list[Reason]:
    if not configured:
        return []
    try:
        entries, _ = audit_soup(root, options=load)
    except MedtraceError as error:
        return [Reason(clause="7.1.3", code="release/advisories-unreadable", message=str(error))]
    unevaluated = _unique(
        f"{e.soup.id} {e.match.advisory.id}" for e in entries if e.evaluation is None
    )
    if not unevaluated:
        return []
    return [
        Reason(
            clause="7.1.3",
            code="release/advisory-not-evaluated",
            message=f"advisories not evaluated: {_named(unevaluated)}",
        )
    ]


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
            message=f"change requests implemented but not closed: {_named(open_requests)}",
        )
    ]


# -- release make ---------------------------------------------------------------------------


def release_make(
    start: Path,
    version: str,
    justification: str | None = None,
    output: Path | None = None,
    formats: Sequence[str] = ("html", "md"),
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> ReleaseMade:
    """Release ``HEAD`` as ``version``: check, build the documents, archive them with a
    manifest, tag the commit and write the release record.

    A failing check raises :class:`ReleaseBlockedError` (nothing written) unless a
    ``justification`` is given; it is then recorded with the reasons in the
    record, the manifest and the tag. A version released already is refused.
    """
    unknown = [f for f in formats if f not in DOCUMENT_FORMATS]
    if unknown or not formats:
        raise ProjectError(
            f"unknown document format {', '.join(unknown) or '(none)'}: choose from "
            f"{', '.join(DOCUMENT_FORMATS)}"
        )
    with project_writer(start, on_wait=on_wait):
        justification = (justification or "").strip() or None
        check = release_check(start, version, "HEAD", options)
        located = locate(start)
        repository = located.repository
        taken = [r for r in check.reasons if r.code == "release/already-released"]
        if taken:
            raise GitError(f"{taken[0].message}: choose a new version")
        if not check.passed and justification is None:
            raise ReleaseBlockedError(check)
        commit = check.revision
        output = output or located.root / "dist" / f"release-{version}"
        archive = output / f"medtrace-release-{version}.zip"

        snapshot = read_revisions(located, [commit])[0]
        items = snapshot.project.items
        config_blob, *contents = repository.read_blobs(
            [
                f"{commit}:{located.prefix}{CONFIG_FILE}",
                *(snapshot.blobs[i.source.path] for i in items),
            ]
        )
        from medtrace.api.documents import build_documents  # imported when a release is made

        built = build_documents(located.root, output / "documents", tuple(formats))
        members = _members(output / "documents", built.files)
        manifest: dict[str, object] = {
            "format": MANIFEST_FORMAT,
            "project": check.project,
            "version": version,
            "commit": commit,
            "date": check.date,
            "tag": check.tag,
            "project_folder": located.prefix.rstrip("/") or ".",
            "tools": _tools(),
            "soup": [
                {
                    "id": s.id,
                    "title": s.title,
                    "version": str(s.field("version") or ""),
                    "purl": str(s.field("purl") or ""),
                }
                for s in sorted(items, key=lambda i: i.id)
                if s.kind == "soup"
            ],
            "config_sha256": _sha256(config_blob or b""),
            "configuration_items": sorted(
                (
                    {
                        "path": item.source.path,
                        "id": item.id,
                        "kind": item.kind,
                        "sha256": _sha256(data or b""),
                    }
                    for item, data in zip(items, contents, strict=True)
                ),
                key=lambda entry: entry["path"],
            ),
            "documents": [{"path": name, "sha256": _sha256(data)} for name, data in members],
            "known_anomalies": list(check.anomalies),
            "overridden": [str(r) for r in check.reasons],
            "justification": justification,
        }
        manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        data = _zip([*members, (MANIFEST_NAME, manifest_bytes)], check.date)
        write_atomic(archive, data)
        archive_sha = _sha256(data)

        message = _tag_message(check, manifest, archive.name, archive_sha, justification)
        repository.create_tag(check.tag, commit, message)
        record = located.root / _record_path(version)
        write_atomic(record, _record(check, archive.name, archive_sha, justification).encode())
        return ReleaseMade(
            check=check,
            tag=check.tag,
            record=record,
            archive=archive,
            archive_sha256=archive_sha,
            documents=tuple(built.files),
            manifest=manifest,
            justification=justification,
        )


def _members(folder: Path, files: Iterable[Path]) -> list[tuple[str, bytes]]:
    """The archive's document members: ``documents/PATH`` by path, sorted."""
    found = {}
    for path in files:
        try:
            name = path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            name = path.name
        found[f"documents/{name}"] = path.read_bytes()
    return sorted(found.items())


def _zip(members: Sequence[tuple[str, bytes]], date: str) -> bytes:
    """A deterministic zip: members sorted, every timestamp the commit's, no extra fields."""
    moment = dt.datetime.fromisoformat(date)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute,
             moment.second // 2 * 2)  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _tools() -> dict[str, str]:
    tools = {"medtrace": __version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            tools[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return tools


def _tag_message(
    check: ReleaseCheck,
    manifest: dict[str, object],
    archive: str,
    archive_sha: str,
    justification: str | None,
) -> str:
    items = manifest["configuration_items"]
    documents = manifest["documents"]
    lines = [
        f"medtrace release {check.version}",
        "",
        f"project: {check.project}",
        f"commit: {check.revision}",
        f"date: {check.date}",
        f"archive: {archive} sha256 {archive_sha}",
        f"configuration items: {len(items) if isinstance(items, list) else 0}",
        f"documents: {len(documents) if isinstance(documents, list) else 0}",
        f"known anomalies: {len(check.anomalies)}",
    ]
    if justification is not None:
        lines += ["", f"released over {len(check.reasons)} reasons: {justification}"]
        lines += [f"- {reason}" for reason in check.reasons]
    return "\n".join(lines) + "\n"


def _record(check: ReleaseCheck, archive: str, archive_sha: str, justification: str | None) -> str:
    tools = _tools()
    build = [
        f"Commit {check.revision} ({check.date}), released with medtrace release make.",
        f"medtrace {tools['medtrace']} on Python {tools['python']}; "
        + ", ".join(f"{k} {v}" for k, v in tools.items() if k not in ("medtrace", "python")),
        f"Archive {archive}, SHA-256 {archive_sha}; its {MANIFEST_NAME} holds the SHA-256 of "
        "every configuration item and document.",
    ]
    lines = [
        "---",
        f"id: REL-{check.version}",
        "kind: release",
        f"title: {json.dumps(f'Release {check.version}')}",
        "status: approved",
        f"version: {json.dumps(check.version)}",
        f"date: {check.date[:10]}",
        f"revision: {json.dumps(check.revision)}",
        "build: |-",
        *(f"  {line}" for line in build),
        "---",
        f"Release {check.version} of {check.project}, tag `{check.tag}`.",
        "",
    ]
    if check.anomalies:
        lines += ["Known residual anomalies (5.8.2):", ""]
        lines += [f"- {anomaly}" for anomaly in check.anomalies]
        lines.append("")
    if justification is not None:
        lines += [
            f"Released although the release check gave {len(check.reasons)} reasons.",
            "",
            f"Justification: {justification}",
            "",
        ]
        lines += [f"- {reason}" for reason in check.reasons]
        lines.append("")
    return "\n".join(lines)


def _record_path(version: str) -> str:
    return f"{RELEASES_FOLDER}/REL-{version}.md"


def _named(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown if len(names) <= _SHOWN else f"{shown} and {len(names) - _SHOWN} more"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "RELEASE_TAG_PREFIX",
    "Reason",
    "ReleaseBlockedError",
    "ReleaseCheck",
    "ReleaseMade",
    "release_check",
    "release_make",
    "release_tag",
]

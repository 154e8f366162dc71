"""Change control (8.2, 6.2.4): every change to a configuration item between two revisions
is covered by a change request approved before the change, whose commits hold.

Configuration items are the item files and the code and test files that belong
to them:

- a *controlled* item is one that was ``status: approved`` at the older revision,
  of any kind but the records that document work rather than specify it (change
  requests, problem reports, test and review records, releases, vulnerability
  evaluations). Its change counts when it touches more than the fields that do
  not make links suspect (``[trace] ignore-fields``): the title, the body, a
  normative field or a link. Deleting a controlled item is a change;
- a code file belongs to the software units whose ``source-files`` list it, a
  test file to the test cases whose ``test-id`` names it, and any file to the
  units and test cases its markers name (``# implements: SWU-003``; a marker
  naming a requirement says what the code implements, not who owns it); a
  change to it is a change to those (when they are controlled);
- files matching ``[change-control] files`` are configuration items too: one
  that changed and belongs to no unit or test case is reported.

A change is *covered* by a change request at the newer revision that lists the
item under ``changes``, is past approval (approved, implemented, verified or
closed) with ``approved-by`` and ``approved-date`` recorded, was not closed or
rejected at the older revision already (that request covered an earlier change),
and was approved no later than the first commit of the range that made the
change (an approval after the fact covers nothing: 8.2.1). The commits a change request names must
exist and lie in the range (8.2.4).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from medtrace.api.code import listed_files, project_files
from medtrace.api.diff import diff_projects, projects_at
from medtrace.api.revision import WORKTREE, Located, locate, resolve
from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.signatures import SignatureIndex
from medtrace.ingest.markers import find_markers
from medtrace.model import Finding, Item, Project, Severity, SourceLocation
from medtrace.model.change import ItemChange, ProjectDiff
from medtrace.model.signature import SignatureState
from medtrace.standard.rules.fields import blank
from medtrace.store.git import GitError
from medtrace.store.signatures import read_policy, read_register

UNCONTROLLED = "change/uncontrolled"
APPROVED_LATE = "change/approved-after-change"
COMMIT_UNKNOWN = "change/commit-unknown"
COMMIT_OUTSIDE = "change/commit-outside-range"
FILE_UNCLAIMED = "change/file-unclaimed"
RECORD_KINDS = frozenset(
    {
        "change-request",
        "problem-report",
        "test-record",
        "review-record",
        "release",
        "vulnerability-evaluation",
    }
)
APPROVED_STATES = frozenset({"approved", "implemented", "verified", "closed"})
_LARGEST = 1_000_000  # bytes of a changed file read for markers


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlledChange:
    """A change to a controlled item, the change requests that cover it (none: uncovered),
    and those approved only after it (which do not)."""

    id: str
    kind: str
    title: str
    path: str
    what: str  # "changed", "removed", or "code changed: PATH, ..."
    requests: tuple[str, ...]
    late: tuple[str, ...] = ()
    first_commit: str = ""  # the first commit of the range that made the change
    first_date: str = ""  # its committer date (ISO 8601); "" for the working tree


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeAudit:
    diff: ProjectDiff
    changes: tuple[ControlledChange, ...]
    problems: tuple[Finding, ...] = field(default=())  # commits that do not hold, files unclaimed

    @property
    def uncovered(self) -> tuple[ControlledChange, ...]:
        return tuple(change for change in self.changes if not change.requests)

    def findings(self) -> tuple[Finding, ...]:
        found = [_uncovered(change, self.diff.old_label) for change in self.uncovered]
        return (*found, *self.problems)


def _uncovered(change: ControlledChange, since: str) -> Finding:
    if change.late:
        code, message = (
            APPROVED_LATE,
            f"{change.id} was approved at {since} and is {change.what}; "
            f"{', '.join(change.late)} approved it only after the change "
            f"({change.first_commit[:12]}, {change.first_date[:10]}): an approval after the "
            "fact covers nothing",
        )
    else:
        code, message = (
            UNCONTROLLED,
            f"{change.id} was approved at {since} and is {change.what} without an approved "
            f"change request (add a change-request with changes: [{change.id}], approved-by "
            "and approved-date)",
        )
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=message,
        location=SourceLocation(path=change.path),
        item=change.id,
        clause="8.2.1",
    )


def audit_changes(start: Path, rev1: str, rev2: str | None = WORKTREE) -> ChangeAudit:
    """Every change to a configuration item from ``rev1`` to ``rev2`` and what covers it."""
    rev2 = rev2 or WORKTREE
    old, new, labels = projects_at(start, rev1, rev2)
    found = replace(diff_projects(old, new), old_label=labels[0], new_label=labels[1])
    located = locate(start)
    span = _Span(located, rev1, rev2)
    before = {item.id: item for item in old.items}
    graph = TraceGraph(new.items, new.config.schema)
    ignored = frozenset(new.config.non_normative)
    touched: list[tuple[Item, str, str, Sequence[str]]] = [
        (before[c.id], c.new_path, "changed", [c.old_path, c.new_path])
        for c in found.changed
        if _controlled(before.get(c.id)) and _normative(c, ignored)
    ]
    touched += [
        (i, i.source.path, "removed", [i.source.path]) for i in found.removed if _controlled(i)
    ]
    files = span.changed_files()
    claims, unclaimed = _claims(located.root, new, graph, files)
    for item_id, paths in sorted(claims.items()):
        item = before.get(item_id)
        if _controlled(item) and item is not None and item_id not in {t[0].id for t in touched}:
            what = f"code changed: {', '.join(paths[:3])}" + (" ..." if len(paths) > 3 else "")
            touched.append((item, item.source.path, what, paths))
    done = frozenset(i.id for i in old.items if i.kind == "change-request" and _finished(i))
    signed = _signed_approvals(located.root, new, graph)
    changes = [
        span.checked(graph, item, path, what, paths, done, signed)
        for item, path, what, paths in touched
    ]
    problems = [*_commit_problems(graph, span), *_unclaimed(new, unclaimed)]
    return ChangeAudit(
        diff=found,
        changes=tuple(sorted(changes, key=lambda c: c.id)),
        problems=tuple(problems),
    )


class _Span:
    """The commits from ``rev1`` (excluded) to ``rev2`` (the working tree: HEAD, then the
    uncommitted changes), and the first of them that touched each project path."""

    def __init__(self, located: Located, rev1: str, rev2: str) -> None:
        self.located = located
        repository = located.repository
        self.old = resolve(repository, rev1)
        self.new = resolve(repository, "HEAD" if rev2 == WORKTREE else rev2)
        self.worktree = rev2 == WORKTREE
        prefix = located.prefix
        spec = ("--", prefix.rstrip("/")) if prefix else ()
        out = repository.run(
            "log", "--reverse", "--no-renames", "--name-only", "-z", "--format=%x01%H%x00%cI",
            f"{self.old}..{self.new}", *spec,
        )  # fmt: skip
        self.commits: list[tuple[str, str]] = []
        self.first: dict[str, tuple[str, str]] = {}
        for record in out.decode("utf-8", "surrogateescape").split("\x01")[1:]:
            sha, _, rest = record.partition("\x00")
            date, _, names = rest.partition("\x00")
            self.commits.append((sha, date.strip()))
            for name in names.split("\x00"):
                name = name.strip("\n")
                if name and name.startswith(prefix):
                    self.first.setdefault(name[len(prefix) :], (sha, date.strip()))

        self.touched = frozenset(self._touched())

    def _touched(self) -> set[str]:
        paths = set(self.first)
        if self.worktree:
            prefix = self.located.prefix
            differ = self.located.repository.changed_files(self.new, prefix)
            differ |= set(self.located.repository.uncommitted(prefix))
            paths |= {p[len(prefix) :] for p in differ if p.startswith(prefix)}
        return paths

    def changed_files(self) -> list[str]:
        """Project paths changed in the span (for the working tree, uncommitted ones too)."""
        return sorted(self.touched)

    def when(self, paths: Iterable[str]) -> tuple[str, str]:
        """The first commit of the span that touched any of ``paths`` (("", ""): only the
        working tree did)."""
        found = [self.first[p] for p in paths if p in self.first]
        return min(found, key=lambda c: self._position(c[0])) if found else ("", "")

    def _position(self, sha: str) -> int:
        return next(i for i, (commit, _) in enumerate(self.commits) if commit == sha)

    def contains(self, name: str) -> bool | None:
        """Whether the commit ``name`` lies in the span (None: no such commit)."""
        repository = self.located.repository
        try:
            commit = repository.rev_parse(name)
        except GitError:
            return None
        return any(sha == commit for sha, _ in self.commits)

    def checked(
        self,
        graph: TraceGraph,
        item: Item,
        path: str,
        what: str,
        paths: Sequence[str],
        done: frozenset[str],
        signed: Mapping[str, str] | None = None,
    ) -> ControlledChange:
        """The change with the requests that cover it; ``done`` are the requests closed or
        rejected at the older revision already (they covered earlier changes). ``signed``
        (where the project requires signed change requests) maps each request to the day of
        its first approving signature, which then is its approval (not its fields)."""
        first_commit, first_date = self.when(paths)
        valid: list[str] = []
        late: list[str] = []
        for request in graph.sources(item.id, "changes"):
            if request.kind != "change-request" or request.field("state") not in APPROVED_STATES:
                continue
            if request.id in done:
                continue
            if signed is not None:
                if request.id not in signed:
                    continue
                approved = signed[request.id]
            elif blank(request.field("approved-by")) or blank(request.field("approved-date")):
                continue
            else:
                approved = str(request.field("approved-date"))[:10]
            (late if first_date and approved > first_date[:10] else valid).append(request.id)
        return ControlledChange(
            id=item.id,
            kind=item.kind,
            title=item.title,
            path=path,
            what=what,
            requests=tuple(valid),
            late=tuple(late),
            first_commit=first_commit,
            first_date=first_date,
        )


def _signed_approvals(root: Path, project: Project, graph: TraceGraph) -> dict[str, str] | None:
    """Where ``[signatures] required`` names change requests: each request's first approving
    signature that verifies and is authorised (void later or not: it was made then), by
    day; None where the project does not require them."""
    policy = read_policy(root)
    if not policy.requires("change-request"):
        return None
    fingerprints = Fingerprints(graph, project.config.non_normative)
    index = SignatureIndex(read_register(root, policy), policy, fingerprints)
    found: dict[str, str] = {}
    for request in graph.of_kind("change-request"):
        days = [
            c.verdict.signed_at[:10]
            for c in index.approving(request.id)
            if c.verdict.state in (SignatureState.VALID, SignatureState.VOID)
        ]
        if days:
            found[request.id] = min(days)
    return found


def _finished(request: Item) -> bool:
    return request.field("state") in ("closed", "rejected")


def _controlled(item: Item | None) -> bool:
    return item is not None and item.kind not in RECORD_KINDS and item.field("status") == "approved"


def _normative(change: ItemChange, ignored: Iterable[str]) -> bool:
    skipped = frozenset(ignored) | {"fingerprints"}
    return bool(
        change.title_change
        or change.kind_change
        or change.body_diff
        or change.links_added
        or change.links_removed
        or any(f.name not in skipped for f in change.fields)
    )


def _claims(
    root: Path, project: Project, graph: TraceGraph, files: Sequence[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """The units and test cases each changed non-item file belongs to, and the changed files
    that belong to none."""
    item_paths = {item.source.path for item in project.items}
    changed = [path for path in files if path not in item_paths]
    if not changed:
        return {}, []
    claims = [
        (listed, unit.id)
        for unit in graph.of_kind("software-unit")
        for listed in listed_files(unit)
    ]
    for test in graph.of_kind("test-case"):
        file_part = str(test.field("test-id") or "").partition("::")[0]
        if file_part:
            claims.append((file_part, test.id))
    known = frozenset(project_files(root))
    owners: dict[str, list[str]] = {}
    unclaimed = []
    for path in changed:
        ids = [
            item_id for listed, item_id in claims if path == listed or path.endswith("/" + listed)
        ]
        ids += [i for marked in _markers(root, path, known) for i in marked if _owner(graph, i)]
        for item_id in dict.fromkeys(ids):
            owners.setdefault(item_id, []).append(path)
        if not ids:
            unclaimed.append(path)
    return owners, unclaimed


def _owner(graph: TraceGraph, item_id: str) -> bool:
    """Whether a marker naming ``item_id`` makes the file part of that item: units own code,
    test cases their test code (a requirement a file implements does not change with it)."""
    item = graph.get(item_id)
    return item is not None and item.kind in ("software-unit", "test-case")


def _markers(root: Path, path: str, known: frozenset[str]) -> list[tuple[str, ...]]:
    """The ids the markers of a changed file name (as it is now; nothing when it is gone)."""
    file = root / path
    try:
        if path not in known or file.stat().st_size > _LARGEST:
            return []
        text = file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [marker.ids for marker in find_markers(text, path)]


def _unclaimed(project: Project, unclaimed: Sequence[str]) -> list[Finding]:
    patterns = project.config.controlled_files
    return [
        Finding(
            code=FILE_UNCLAIMED,
            severity=Severity.ERROR,
            message=f"{path} changed and is a configuration item ([change-control] files), but "
            "no software unit lists it in source-files and no test case names it in test-id: "
            "its change is under no item's control",
            location=SourceLocation(path=path),
            clause="8.1.1",
        )
        for path in unclaimed
        if any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)
    ]


def _commit_problems(graph: TraceGraph, span: _Span) -> list[Finding]:
    """Change requests written or changed in the range whose commits do not exist or lie
    outside it (8.2.4); a request of an earlier range names commits before it."""
    found = []
    for request in graph.of_kind("change-request"):
        commits = request.field("commits")
        if request.source.path not in span.touched or not isinstance(commits, tuple):
            continue
        for name in commits:
            inside = span.contains(name.strip())
            if inside is True:
                continue
            why = "is not a commit of the repository" if inside is None else "is not in the range"
            found.append(
                Finding(
                    code=COMMIT_UNKNOWN if inside is None else COMMIT_OUTSIDE,
                    severity=Severity.ERROR,
                    message=f"{request.id} names commit {name.strip()[:40]}, which {why} "
                    f"audited ({span.old[:12]}..{span.new[:12]})",
                    location=request.source,
                    item=request.id,
                    clause="8.2.4",
                )
            )
    return found

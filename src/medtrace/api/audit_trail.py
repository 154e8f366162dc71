"""The audit trail an inspector asks for (11.10(e), Annex 11 section 9), from git history and
the web application's log, and the checks of the log against git.

Git records every change to the project's files (who committed it, when, the message and
its reason); the log records what happened in the web application (sign-ins, failed
attempts, signatures, edits with the reason given) chained by hash. ``report`` merges
both, oldest first; ``log_problems`` says which logged commits git no longer has (a
rewritten history) and which signature records changed or went since they were logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from medtrace.api.commit import AUDIT_TRAILER, REASON_LABEL
from medtrace.api.item_view import fingerprint_of
from medtrace.api.load import load_project
from medtrace.api.revision import locate
from medtrace.api.workspace import Snapshot
from medtrace.model import Item
from medtrace.model.audit import AuditProblem, AuditRow
from medtrace.store.git import GitError, GitRepository
from medtrace.store.signatures import read_policy

_FIELDS = "%x1e%H%x1f%aI%x1f%an <%ae>%x1f%B%x1d"


def git_rows(start: Path, *, item: str = "", since: str = "") -> tuple[AuditRow, ...]:
    """Every commit that changed the project's files (or ``item``'s), oldest first."""
    project = load_project(start)
    located = locate(start)
    paths = {located.prefix + i.source.path: i.id for i in project.items}
    wanted = [located.prefix + i.source.path for i in project.items if i.id == item]
    if item and not wanted:
        wanted = [f"{located.prefix}__no_such_item__"]
    args = ["log", "--reverse", f"--format={_FIELDS}", "--name-only"]
    if since:
        args.append(f"--since={since}")
    try:
        out = located.repository.run(*args, "--", *(wanted or [located.prefix or "."]))
    except GitError:
        return ()
    rows = []
    for chunk in out.decode("utf-8", "replace").split("\x1e"):
        parts = chunk.strip("\n").split("\x1f")
        if len(parts) < 4:
            continue
        commit, at, author, rest = parts[:4]
        message, _, names = rest.partition("\x1d")
        files = [line for line in names.splitlines() if line]
        rows.append(_git_row(commit, at, author, message, files, paths))
    return tuple(rows)


def _git_row(
    commit: str, at: str, author: str, message: str, files: list[str], paths: dict[str, str]
) -> AuditRow:
    reason = ""
    for line in message.splitlines():
        if line.startswith(REASON_LABEL):
            reason = line.removeprefix(REASON_LABEL).strip()
    summary = message.strip().splitlines()[0] if message.strip() else ""
    return AuditRow(
        at=_utc(at),
        source="git",
        actor=author,
        action="commit",
        items=tuple(sorted({paths[f] for f in files if f in paths})),
        commit=commit,
        reason=reason or summary,
        detail=message.strip(),
    )


def merged(log: Iterable[AuditRow], git: Iterable[AuditRow]) -> tuple[AuditRow, ...]:
    """The log's rows and git's, oldest first (a log row before the commit it made)."""
    return tuple(sorted((*log, *git), key=lambda r: (r.at, r.source != "log", r.seq)))


def log_problems(start: Path, rows: Sequence[AuditRow]) -> tuple[AuditProblem, ...]:
    """The logged commits git does not have on the current branch (``commit-missing``: not
    in the repository; ``commit-rewritten``: there, but no longer in the history of HEAD),
    commits made through the application that no event names (``event-missing``), and
    signature records that changed or went since they were logged."""
    located = locate(start)
    problems = []
    for row in rows:
        if row.commit:
            problems.extend(_commit_problems(located.repository, row))
        if row.action == "sign":
            problems.extend(_signature_problems(located.root, row))
    for commit in unlogged_commits(start, rows):
        message = (
            f"commit {commit.commit[:12]} ({commit.reason}, by {commit.actor}) was made "
            "through the application, but no logged event names it (an entry removed?)"
        )
        problems.append(AuditProblem(kind="event-missing", message=message))
    return tuple(problems)


def unlogged_commits(start: Path, rows: Sequence[AuditRow]) -> tuple[AuditRow, ...]:
    """The commits made through the application (they carry the audit trailer) that no
    row of the log names, oldest first: what a process ended between commit and log."""
    logged = {row.commit for row in rows if row.commit}
    try:
        history = git_rows(start)
    except GitError:  # not in git (yet): nothing was committed through the application
        return ()
    return tuple(
        commit
        for commit in history
        if commit.commit not in logged and AUDIT_TRAILER in commit.detail
    )


def _commit_problems(repository: GitRepository, row: AuditRow) -> list[AuditProblem]:
    what = f"event {row.seq} ({row.action} {' '.join(row.items)} by {row.actor})"
    if not _has(repository, "cat-file", "-e", f"{row.commit}^{{commit}}"):
        message = f"{what} names commit {row.commit[:12]}, which git does not have"
        return [AuditProblem(kind="commit-missing", seq=row.seq, message=message)]
    if not _has(repository, "merge-base", "--is-ancestor", row.commit, "HEAD"):
        message = (
            f"{what} names commit {row.commit[:12]}, which is no longer in the history of "
            "HEAD (rewritten history)"
        )
        return [AuditProblem(kind="commit-rewritten", seq=row.seq, message=message)]
    return []


def _signature_problems(root: Path, row: AuditRow) -> list[AuditProblem]:
    record = str(_detail(row).get("record", ""))
    path = root / read_policy(root).folder / f"{record}.md"
    what = f"event {row.seq}: signature record {record} by {row.actor}"
    if not path.is_file():
        message = f"{what} is no longer at {path.relative_to(root)}"
        return [AuditProblem(kind="signature-missing", seq=row.seq, message=message)]
    if hashlib.sha256(path.read_bytes()).hexdigest() != row.after:
        message = f"{what} changed since it was signed (its file's SHA-256 is not the logged one)"
        return [AuditProblem(kind="signature-changed", seq=row.seq, message=message)]
    return []


def _detail(row: AuditRow) -> dict[str, object]:
    try:
        found = json.loads(row.detail) if row.detail else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _has(repository: GitRepository, *args: str) -> bool:
    try:
        repository.run(*args)
    except GitError:
        return False
    return True


def _utc(stamp: str) -> str:
    """A git ISO 8601 date (with its offset) in UTC, ``YYYY-MM-DDTHH:MM:SSZ``."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return stamp


def change_detail(snapshot_before: Snapshot, snapshot_after: Snapshot, item_id: str) -> str:
    """What an audit entry of an edit or creation says of it (JSON): the fields changed
    (title, body, fields and link types) and the item's fingerprint before and after."""
    before, after = snapshot_before.item(item_id), snapshot_after.item(item_id)
    old, new = _parts(before), _parts(after)
    changed = sorted(name for name in {*old, *new} if old.get(name) != new.get(name))
    data = {
        "fields": changed,
        "fingerprint-before": fingerprint_of(snapshot_before, before) if before else "",
        "fingerprint-after": fingerprint_of(snapshot_after, after) if after else "",
    }
    return json.dumps(data, sort_keys=True)


def _parts(item: Item | None) -> dict[str, object]:
    if item is None:
        return {}
    links: dict[str, set[str]] = {}
    for link in item.links:
        links.setdefault(link.role, set()).add(link.target)
    parts: dict[str, object] = {"title": item.title, "body": item.body, **dict(item.fields)}
    parts.update({role: tuple(sorted(targets)) for role, targets in links.items()})
    return parts

"""When each trace link was last known clean, derived from git history (7.4.1).

Suspect-link tracking needs no opt-in: a link is clean when it is created.
Walking the project's history along first parents (a merge counts as one
change of the main line, as ``git log --first-parent`` shows it), medtrace
notes for every pair (item, an item it depends on, see
:func:`medtrace.graph.fingerprint.dependencies`) the deep fingerprint of the
item depended on at the commit where the pair appeared: the link was added, or
its target came into being. A later change upstream makes the pair suspect
until someone reviews it (``medtrace review``, whose stamp then counts instead).

The walk is remembered in the parse cache (the items at the commit last walked
to, and the bases), so a check walks only the commits made since; a HEAD that
is not a descendant along first parents (a rebase, another branch) walks the
history afresh. Item files are read at each commit as the current
``medtrace.toml`` reads them. Links that exist only in the working tree are
new: clean. Without git, or before the first commit, there is no history, and
suspect links compare against review stamps alone (:attr:`LinkHistory.note`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from medtrace.api.load import open_project
from medtrace.api.revision import FileVersion, is_item_file, parse_versions
from medtrace.errors import StoreError
from medtrace.graph.fingerprint import DEPENDENCY_LINKS, SERVED_LINKS, deep_of, own_fingerprint
from medtrace.model import Item, ProjectConfig
from medtrace.model.review import LinkBase
from medtrace.store import ParseCache
from medtrace.store.git import GitError, GitRepository

_SEPARATOR = "\x1f"
_RECORD = "\x01"
_FORMAT = f"--format={_RECORD}%H%x00%cI%x00"
_CHUNK = 400  # commits read and parsed together
_VERSION = "3"  # of what the cache remembers of the walk; another version walks afresh
_SYMLINK, _SUBMODULE = "120000", "160000"

Pair = tuple[str, str]  # (item, an item it depends on)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkHistory:
    """The link bases at ``head`` (None: no history), and what the comparison rests on.

    ``at_head`` holds each item's own and deep fingerprint at ``head``: the working tree's
    deep fingerprints are those, but for items whose upstream changed since ``head``.
    """

    head: str | None
    bases: Mapping[Pair, LinkBase] = field(default_factory=dict)
    note: str = ""
    at_head: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Entry:
    """An item file at a commit: what the walk needs of it."""

    id: str
    own: str
    deps: tuple[str, ...]
    served: tuple[str, ...]


NOT_IN_GIT = (
    "the project is not in a git repository: suspect links compare against the review "
    "stamps alone (medtrace-reviews.yaml); links nobody reviewed count as clean"
)
NO_COMMITS = (
    "the repository has no commits yet: links count as clean from the commit that adds them"
)


def head_commit(root: Path) -> tuple[GitRepository, str] | None:
    """The repository holding ``root`` and its ``HEAD`` commit (None: not in git, or no
    commit yet); one git process."""
    try:
        repository = GitRepository.containing(root)
    except GitError:
        return None
    try:
        return repository, repository.rev_parse("HEAD")
    except GitError:
        return repository, ""


def history_note(head: tuple[GitRepository, str] | None) -> str:
    """What suspect links compare against when there is no history (``""``: there is)."""
    if head is None:
        return NOT_IN_GIT
    return NO_COMMITS if not head[1] else ""


def link_history(
    root: Path, config: ProjectConfig, config_bytes: bytes, cache: ParseCache
) -> LinkHistory:
    """The link bases at ``HEAD``, walking (and remembering) the commits not walked yet."""
    found = head_commit(root)
    if found is None:
        return LinkHistory(head=None, note=NOT_IN_GIT)
    repository, head = found
    if not head:
        return LinkHistory(head=None, note=NO_COMMITS)
    try:
        remembered = cache.history()
    except StoreError:
        remembered = None
    stored, rows, base_rows = None, [], []
    if remembered is not None and remembered[0].startswith(_VERSION + " "):
        stored = remembered[0][len(_VERSION) + 1 :]
        rows, base_rows = remembered[1]
    if stored == head:
        at_head = {item_id: (own, deep) for _, item_id, own, _, _, deep in rows}
        return LinkHistory(head=head, bases=_bases(base_rows), at_head=at_head)
    prefix = _prefix(root, repository)
    walk = _Walk(config)
    since: str | None = None
    if stored is not None and _on_first_parents(repository, stored, head):
        walk.load(rows, base_rows)
        since = stored
    walk.run(
        repository, prefix, config_bytes, since, head, _Worktree(cache, repository, prefix, head)
    )
    with contextlib.suppress(StoreError):  # the walk is still right; the next one walks again
        cache.save_history(f"{_VERSION} {head}", (list(walk.rows()), list(walk.base_rows())))
    return LinkHistory(head=head, bases=walk.bases, at_head=walk.at_head())


def project_link_bases(start: Path) -> Mapping[Pair, LinkBase]:
    """The link bases of the project at or above ``start`` at ``HEAD`` (none outside git),
    walking (and remembering) what the cache has not walked yet."""
    with open_project(start) as opened:
        return link_history(opened.root, opened.config, opened.config_bytes, opened.cache).bases


def _prefix(root: Path, repository: GitRepository) -> str:
    relative = root.resolve().relative_to(repository.top).as_posix()
    return "" if relative == "." else relative + "/"


def _on_first_parents(repository: GitRepository, ancestor: str, head: str) -> bool:
    try:
        out = repository.run("rev-list", "--first-parent", head)
    except GitError:
        return False
    return ancestor in out.decode("ascii").split()


def _bases(rows: Iterable[tuple[str, ...]]) -> dict[Pair, LinkBase]:
    return {
        (item, other): LinkBase(fingerprint=fingerprint, commit=commit, date=date)
        for item, other, fingerprint, commit, date in rows
    }


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    date: str
    changes: tuple[tuple[str, str | None], ...]  # (project path, new blob or None: removed)


class _Walk:
    """The project's items at one commit, moved forward a commit at a time."""

    def __init__(self, config: ProjectConfig) -> None:
        self.config = config
        self.entries: dict[str, _Entry] = {}  # path -> entry
        self.paths: dict[str, set[str]] = {}  # id -> paths holding it (the first wins)
        self.own: dict[str, str] = {}  # id -> own fingerprint of its winning entry
        self.deps: dict[str, tuple[str, ...]] = {}
        self.serves: dict[str, tuple[str, ...]] = {}
        self.depended_by: dict[str, set[str]] = {}  # id -> ids whose deps name it
        self.served_by: dict[str, set[str]] = {}  # id -> ids that serve it
        self.bases: dict[Pair, LinkBase] = {}
        self._at_head: dict[str, tuple[str, str]] | None = None

    # -- state ---------------------------------------------------------------------------

    def load(self, rows: Iterable[tuple[str, ...]], base_rows: Iterable[tuple[str, ...]]) -> None:
        for path, item_id, own, deps, served, _ in rows:
            self._put(path, _Entry(item_id, own, _split(deps), _split(served)))
        self.bases = _bases(base_rows)

    def at_head(self) -> dict[str, tuple[str, str]]:
        """Each item's own and deep fingerprint as the walk ended (computed once)."""
        if self._at_head is None:
            deep = deep_of(self.own, self.own, self.deps)
            self._at_head = {item_id: (own, deep[item_id]) for item_id, own in self.own.items()}
        return self._at_head

    def rows(self) -> Iterator[tuple[str, ...]]:
        at_head = self.at_head()
        for path, entry in self.entries.items():
            deps, served = _SEPARATOR.join(entry.deps), _SEPARATOR.join(entry.served)
            deep = at_head.get(entry.id, ("", ""))[1]
            yield path, entry.id, entry.own, deps, served, deep

    def base_rows(self) -> Iterator[tuple[str, ...]]:
        for (item, other), base in self.bases.items():
            yield item, other, base.fingerprint, base.commit, base.date

    def _winner(self, item_id: str) -> _Entry | None:
        paths = self.paths.get(item_id)
        return self.entries[min(paths)] if paths else None

    def _put(self, path: str, entry: _Entry | None) -> None:
        """Set (or with None remove) the entry at ``path``, keeping the indexes in step."""
        old = self.entries.pop(path, None)
        touched = []
        if old is not None:
            self.paths[old.id].discard(path)
            touched.append(old.id)
        if entry is not None:
            self.entries[path] = entry
            self.paths.setdefault(entry.id, set()).add(path)
            touched.append(entry.id)
        for item_id in touched:
            self._crown(item_id)

    def _crown(self, item_id: str) -> None:
        """Make the first entry holding ``item_id`` the one that counts."""
        for target in self.deps.pop(item_id, ()):
            self.depended_by.get(target, set()).discard(item_id)
        for target in self.serves.pop(item_id, ()):
            self.served_by.get(target, set()).discard(item_id)
        self.own.pop(item_id, None)
        entry = self._winner(item_id)
        if entry is None:
            self.paths.pop(item_id, None)
            return
        self.own[item_id] = entry.own
        self.deps[item_id] = entry.deps
        self.serves[item_id] = entry.served
        for target in entry.deps:
            self.depended_by.setdefault(target, set()).add(item_id)
        for target in entry.served:
            self.served_by.setdefault(target, set()).add(item_id)

    def _pairs(self, item_id: str) -> set[Pair]:
        if item_id not in self.own:
            return set()
        others = set(self.deps.get(item_id, ())) | self.served_by.get(item_id, set())
        return {(item_id, o) for o in others if o != item_id and o in self.own}

    # -- the walk ------------------------------------------------------------------------

    def run(
        self,
        repository: GitRepository,
        prefix: str,
        config_bytes: bytes,
        since: str | None,
        head: str,
        worktree: _Worktree,
    ) -> None:
        commits = _commits(repository, prefix, since, head, self.config)
        for start in range(0, len(commits), _CHUNK):
            chunk = commits[start : start + _CHUNK]
            parsed = self._parse(repository, config_bytes, chunk, worktree)
            for commit in chunk:
                self._step(commit, parsed)

    def _parse(
        self,
        repository: GitRepository,
        config_bytes: bytes,
        commits: list[_Commit],
        worktree: _Worktree,
    ) -> dict[tuple[str, str], _Entry | None]:
        """Each file version the commits changed to: from the working tree's parse cache
        where it is the version ``HEAD`` holds and the file is unchanged since, else parsed
        from git."""
        wanted = {(path, blob) for c in commits for path, blob in c.changes if blob}
        known = worktree.entries(wanted, self.config.non_normative)
        digest = self.config.digest
        versions: list[FileVersion] = sorted(
            (digest, path, blob) for path, blob in wanted if (path, blob) not in known
        )
        results = parse_versions(repository, {digest: config_bytes}, versions)
        ignore = self.config.non_normative
        found = dict(known)
        for (_, path, blob), parsed in results.items():
            found[(path, blob)] = _entry(parsed.item, ignore) if parsed.item is not None else None
        return found

    def _step(self, commit: _Commit, parsed: Mapping[tuple[str, str], _Entry | None]) -> None:
        new = {path: parsed.get((path, blob)) if blob else None for path, blob in commit.changes}
        touched: set[str] = set()
        for path, entry in new.items():
            old = self.entries.get(path)
            for found in (old, entry):
                if found is not None:
                    touched.add(found.id)
                    touched.update(found.served)
        affected = set(touched)
        for item_id in touched:
            affected |= self.depended_by.get(item_id, set())
        before = set().union(*(self._pairs(item_id) for item_id in affected))
        for path, entry in new.items():
            self._put(path, entry)
        after = set().union(*(self._pairs(item_id) for item_id in affected))
        for pair in before - after:
            self.bases.pop(pair, None)
        created = after - before
        if created:
            deep = deep_of({other for _, other in created}, self.own, self.deps)
            for item_id, other in created:
                self.bases[(item_id, other)] = LinkBase(
                    fingerprint=deep[other], commit=commit.sha, date=commit.date
                )


class _Worktree:
    """The working tree's parse results of the files that are as ``HEAD`` holds them: the
    same bytes at the same path parse the same, so they need not be parsed from git."""

    def __init__(self, cache: ParseCache, repository: GitRepository, prefix: str, head: str):
        self.cache = cache
        self.repository = repository
        self.prefix = prefix
        self.head = head
        self._blobs: dict[str, str] | None = None

    def entries(
        self, wanted: Iterable[tuple[str, str]], ignore: Iterable[str]
    ) -> dict[tuple[str, str], _Entry | None]:
        blobs = self._head_blobs()
        same = [(path, blob) for path, blob in wanted if blobs.get(path) == blob]
        if not same:
            return {}
        try:
            parsed = self.cache.parsed_of(path for path, _ in same)
        except StoreError:
            return {}
        found: dict[tuple[str, str], _Entry | None] = {}
        for path, blob in same:
            result = parsed.get(path)
            if result is None or not result.fingerprint or result.item is None:
                continue  # not in the cache as an item: parse it from git
            found[(path, blob)] = _entry(result.item, ignore, result.fingerprint)
        return found

    def _head_blobs(self) -> dict[str, str]:
        """Project path -> blob id at ``HEAD``, of the files the working tree still holds
        as they are there."""
        if self._blobs is None:
            prefix = self.prefix
            changed = self.repository.changed_files(self.head, prefix)
            self._blobs = {
                f.path[len(prefix) :]: f.blob
                for f in self.repository.tree_files(self.head, prefix)
                if f.path.startswith(prefix) and f.path not in changed and not f.symlink
            }
        return self._blobs


def _entry(item: Item, ignore: Iterable[str], own: str = "") -> _Entry:
    deps = sorted({link.target for link in item.links if link.role in DEPENDENCY_LINKS})
    served = sorted({link.target for link in item.links if link.role in SERVED_LINKS})
    return _Entry(item.id, own or own_fingerprint(item, ignore), tuple(deps), tuple(served))


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SEPARATOR)) if text else ()


def _commits(
    repository: GitRepository, prefix: str, since: str | None, head: str, config: ProjectConfig
) -> list[_Commit]:
    """The first-parent commits after ``since`` up to ``head`` that touched the project,
    oldest first, each with its changed item files (diffed against its first parent)."""
    span = f"{since}..{head}" if since else head
    spec = ("--", prefix.rstrip("/")) if prefix else ()
    out = repository.run(
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        _FORMAT,
        span,
        *spec,
    )
    commits = []
    for record in out.decode("utf-8", "surrogateescape").split(_RECORD)[1:]:
        sha, date, rest = record.split("\0", 2)
        commits.append(_Commit(sha=sha, date=date, changes=tuple(_changes(rest, prefix, config))))
    return commits


def _changes(text: str, prefix: str, config: ProjectConfig) -> Iterator[tuple[str, str | None]]:
    """``(project path, new blob or None)`` of each changed item file in ``--raw -z`` text."""
    tokens = text.lstrip("\0\n").split("\0")
    for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
        fields = meta.strip().lstrip(":").split(" ")
        if len(fields) < 5 or not path.startswith(prefix):
            continue
        old_mode, new_mode, _, blob, status = fields[:5]
        relative = path[len(prefix) :]
        if not is_item_file(relative, config):
            continue
        if status.startswith("D") or new_mode in (_SYMLINK, _SUBMODULE):
            if old_mode not in (_SYMLINK, _SUBMODULE):
                yield relative, None
            continue
        yield relative, blob

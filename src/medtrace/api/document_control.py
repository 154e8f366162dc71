"""The document control of each document of the set, from git.

One ``git log`` of the project folder (the last :data:`LOG_LIMIT` commits, with the
files each changed) gives every document its own control: its revision history is
the commits that changed the files of the items it shows (or ``medtrace.toml``; a
document that shows no item, such as the matrices, changes with every commit of the
project); its authors are the authors of those commits, most commits first; its
revision label is the release version when ``HEAD`` carries a release tag (or the
release being made), else ``0.N (commit)`` with N the number of commits that changed
it. The date is the commit date of ``HEAD``, never the clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.model import CONFIG_FILE, Project
from medtrace.model.documents import RevisionEntry
from medtrace.store.git import GitError, GitRepository

HISTORY_LENGTH = 20  # entries of a document's revision history
LOG_LIMIT = 2000  # commits read: older changes do not count towards a document's N
UNCOMMITTED = "uncommitted"
SHORT = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Commit:
    commit: str
    date: str  # YYYY-MM-DD
    author: str
    subject: str
    files: frozenset[str]  # paths relative to the repository's top


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectLog:
    """What git says about the project: ``HEAD``, its date, whether item files differ
    from it, the release it is tagged as, and the latest commits of the folder."""

    head: str = ""  # full commit id; "" outside git or before the first commit
    date: str = ""
    modified: bool = False
    release: str = ""  # the version of a release tag on HEAD
    folder: str = ""  # the project folder relative to the repository's top ("" at the top)
    commits: tuple[Commit, ...] = ()

    @property
    def revision(self) -> str:
        """``HEAD``'s short id (``+modified`` when item files differ), or ``uncommitted``."""
        if not self.head:
            return UNCOMMITTED
        return self.head[:SHORT] + ("+modified" if self.modified else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Control:
    """The git part of one document's control block."""

    label: str
    authors: tuple[str, ...]
    history: tuple[RevisionEntry, ...]


def read_log(repo: GitRepository, head: str, folder: str) -> tuple[Commit, ...]:
    """The last :data:`LOG_LIMIT` commits that touched ``folder``, newest first."""
    out = repo.run(
        "log", f"-n{LOG_LIMIT}", "--no-renames", "--name-only", "-z",
        "--format=%x01%H%x00%cs%x00%an%x00%s", head, "--", folder or ".",
    )  # fmt: skip
    commits = []
    for record in out.split(b"\x01")[1:]:
        fields = record.split(b"\0")
        if len(fields) < 4:
            continue
        commit, date, author, subject = (f.decode("utf-8", "replace") for f in fields[:4])
        files = frozenset(
            name.lstrip(b"\n").decode("utf-8", "surrogateescape")
            for name in fields[4:]
            if name.strip(b"\n")
        )
        commits.append(
            Commit(commit=commit, date=date, author=author, subject=subject, files=files)
        )
    return tuple(commits)


def release_at(repo: GitRepository, head: str) -> str:
    """The version of the release tag on ``head`` (the newest if several), or ``""``."""
    # Imported here: api.release builds documents, so it imports this module's user.
    from medtrace.api.release import RELEASE_TAG_PREFIX

    try:
        tags = repo.tags(RELEASE_TAG_PREFIX)
    except GitError:
        return ""
    on_head = [t.name.removeprefix(RELEASE_TAG_PREFIX) for t in tags if t.commit == head]
    return on_head[-1] if on_head else ""


def control(log: ProjectLog, paths: Iterable[str] | None, release: str = "") -> Control:
    """The control of a document whose content lives in ``paths`` (relative to the project
    folder; ``None``: the whole project). ``release`` names the release being made."""
    if not log.head:
        return Control(label=UNCOMMITTED, authors=(), history=())
    prefix = f"{log.folder}/" if log.folder else ""
    listed = [] if paths is None else [f"{prefix}{path}" for path in paths]
    wanted = {path for path in listed if not path.endswith("/")}
    folders = tuple(path for path in listed if path.endswith("/"))
    changed = [
        c
        for c in log.commits
        if paths is None
        or not wanted.isdisjoint(c.files)
        or (folders and any(f.startswith(folders) for f in c.files))
    ]
    authors = Counter(c.author for c in changed)
    ranked = tuple(sorted(authors, key=lambda name: (-authors[name], name)))
    history = tuple(
        RevisionEntry(revision=c.commit[:SHORT], date=c.date, author=c.author, summary=c.subject)
        for c in changed[:HISTORY_LENGTH]
    )
    version = release or log.release
    label = version if version and not log.modified else f"0.{len(changed)} ({log.revision})"
    return Control(label=label, authors=ranked, history=history)


def project_log(root: Path, project: Project) -> ProjectLog:
    """What git says about the project at ``root`` (nothing outside git)."""
    try:
        repo = GitRepository.containing(root)
        if not repo.has_commits():
            return ProjectLog()
        head = repo.rev_parse("HEAD")
        folder = root.resolve().relative_to(repo.top).as_posix()
        folder = "" if folder == "." else folder
        return ProjectLog(
            head=head,
            date=repo.commit_date(head)[:10],
            modified=_modified(repo, folder, project),
            release=release_at(repo, head),
            folder=folder,
            commits=read_log(repo, head, folder),
        )
    except GitError:
        return ProjectLog()


def _modified(repo: GitRepository, folder: str, project: Project) -> bool:
    """Whether an item file or medtrace.toml differs from ``HEAD`` (built output and
    caches in the folder do not count)."""
    prefix = f"{folder}/" if folder else ""
    relevant = {f"{prefix}{item.source.path}" for item in project.items}
    relevant.add(f"{prefix}{CONFIG_FILE}")
    return any(path in relevant for path in repo.uncommitted(folder))


def author_text(authors: Sequence[str], fallback: str) -> str:
    """The authors as one line (the first five, then how many more), or ``fallback``."""
    if not authors:
        return fallback
    shown = ", ".join(authors[:5])
    return shown + (f" and {len(authors) - 5} more" if len(authors) > 5 else "")


__all__ = [
    "HISTORY_LENGTH",
    "UNCOMMITTED",
    "Commit",
    "Control",
    "ProjectLog",
    "author_text",
    "control",
    "project_log",
    "read_log",
    "release_at",
]

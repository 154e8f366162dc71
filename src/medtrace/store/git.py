"""A small wrapper over the git command line: trees, blobs, file history and tags.

git is the project's configuration management system, and medtrace reads it
the way a person would: through the ``git`` program, run as ``git -C TOP ...``
without a shell, never prompting (``GIT_TERMINAL_PROMPT=0``), never taking
optional locks, with pathspecs read literally and messages in English. Reading
many files costs one ``git cat-file --batch`` process, not one per file.

Paths are POSIX paths relative to the repository's top folder. A failure the
user can act on (not a repository, an unknown revision, a tag that exists)
raises :class:`GitError` with a one-line message.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.errors import MedtraceError

# Never prompt, never take optional locks, read pathspecs literally, and speak
# untranslated English (messages are matched and passed on).
_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LITERAL_PATHSPECS": "1",
    "LC_ALL": "C",
}
_SYMLINK_MODE = "120000"
_COMMIT_MARK = "\x01"  # starts each commit's record in log_follow's output
_LOG_FORMAT = f"--format={_COMMIT_MARK}%H%x00%an%x00%aI%x00%s"
_TAG_FORMAT = "%(refname)%00%(*objectname)%00%(creatordate:iso-strict)%00%(subject)"
_PGP_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"


class GitError(MedtraceError):
    """git cannot give what was asked: not a repository, unknown revision, existing tag."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TreeFile:
    """A file of a tree: its path, blob id, and whether it is a symbolic link."""

    path: str
    blob: str
    symlink: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class FileCommit:
    """A commit that touched a file, and the file's path in it.

    ``status`` is git's letter (``A`` added, ``M`` modified, ``R`` renamed, ``C``
    copied, ``D`` deleted, ``T`` type changed); ``old_path`` is set for ``R`` and
    ``C``. ``date`` is the author date in ISO 8601, as ``git log`` shows it.
    """

    commit: str
    author: str
    date: str
    subject: str
    status: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """An annotated tag: full name (without ``refs/tags/``), the commit it points at,
    its creation date (ISO 8601) and the first line of its message."""

    name: str
    commit: str
    date: str
    subject: str


class GitRepository:
    """A git working tree, addressed by its top folder."""

    __slots__ = ("top",)

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def containing(cls, folder: Path) -> GitRepository:
        """The repository whose working tree holds ``folder``."""
        try:
            out = _git(folder, "rev-parse", "--show-toplevel")
        except GitError as error:
            if "not a git repository" not in str(error):
                raise GitError(f"{folder}: {error}") from None  # no git, dubious ownership...
            raise GitError(
                f"{folder}: not inside a git repository",
                hint="run 'git init' and commit the project first",
            ) from None
        return cls(Path(out.decode("utf-8", "surrogateescape").strip()).resolve())

    def run(self, *args: str, data: bytes | None = None) -> bytes:
        """Run ``git -C TOP ARGS`` and return its standard output."""
        return _git(self.top, *args, data=data)

    def rev_parse(self, revision: str) -> str:
        """The full commit id ``revision`` names (a branch, tag, id, ``HEAD~2``...)."""
        if not revision or revision.startswith("-"):
            raise GitError(f"unknown revision {revision!r}")
        try:
            out = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        except GitError:
            hint = None if self.has_commits() else "the repository has no commits yet"
            raise GitError(f"unknown revision {revision!r}", hint=hint) from None
        return out.decode("ascii").strip()

    def has_commits(self) -> bool:
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitError:
            return False
        return True

    def shallow_commits(self) -> frozenset[str]:
        """The boundary commits of a shallow clone (whose parents were not fetched);
        none in a full clone."""
        name = self.run("rev-parse", "--git-path", "shallow").decode("utf-8").strip()
        try:
            text = (self.top / name).read_text("ascii")
        except (FileNotFoundError, NotADirectoryError):
            return frozenset()
        except (OSError, UnicodeDecodeError) as error:
            raise GitError(f"cannot read the shallow commits {self.top / name}: {error}") from None
        return frozenset(text.split())

    def ref_exists(self, ref: str) -> bool:
        """Whether the full ref name (``refs/tags/...``) exists."""
        try:
            self.run("show-ref", "--verify", "--quiet", ref)
        except GitError:
            return False
        return True

    def tree_files(self, commit: str, folder: str = "") -> tuple[TreeFile, ...]:
        """Every file of ``commit``'s tree under ``folder`` (``""``: all), by path.

        Submodules are left out. Paths that are not UTF-8 are decoded with
        ``surrogateescape`` (they fail to encode as UTF-8 again).
        """
        spec = ("--", folder.rstrip("/")) if folder else ()
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, *spec)
        files = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, blob = meta.decode("ascii").split(" ")
            if kind != "blob":
                continue
            path = raw_path.decode("utf-8", "surrogateescape")
            files.append(TreeFile(path=path, blob=blob, symlink=mode == _SYMLINK_MODE))
        return tuple(sorted(files, key=lambda f: f.path))

    def read_blobs(self, names: Sequence[str]) -> list[bytes | None]:
        """The contents of many blobs in one ``git cat-file --batch``, in order.

        A name is a blob id or ``COMMIT:PATH``; ``None`` where it names nothing
        (or something other than a file).
        """
        if not names:
            return []
        for name in names:
            if "\n" in name:
                raise GitError(f"cannot read {name!r}: the name holds a line break")
        request = "".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape")
        out = self.run("cat-file", "--batch", data=request)
        return list(_batch_contents(out, len(names)))

    def log_follow(self, path: str, revision: str = "HEAD") -> tuple[FileCommit, ...]:
        """Commits reachable from ``revision`` that touched ``path``, newest first,
        following renames (``git log --follow``); merges are not listed."""
        out = self.run("log", "--follow", "--name-status", "-z", _LOG_FORMAT, revision, "--", path)
        return tuple(_log_records(out.decode("utf-8", "surrogateescape")))

    def commit_date(self, revision: str) -> str:
        """The committer date of ``revision`` in ISO 8601."""
        commit = self.rev_parse(revision)
        return self.run("log", "-1", "--format=%cI", commit).decode("ascii").strip()

    def create_tag(self, name: str, commit: str, message: str) -> None:
        """Create the annotated tag ``name`` on ``commit`` with ``message`` kept verbatim."""
        if self.ref_exists(f"refs/tags/{name}"):
            raise GitError(f"tag {name!r} already exists")
        try:
            self.run(
                "tag", "-a", "--cleanup=verbatim", "-F", "-", name, commit, data=message.encode()
            )
        except GitError as error:
            hint = "set git's user.name and user.email" if "identity" in str(error) else None
            raise GitError(f"cannot create tag {name!r}: {error}", hint=hint) from None

    def tag_message(self, name: str) -> str:
        """The message of the annotated tag ``name`` (without a signature)."""
        ref = f"refs/tags/{name}"
        try:
            tag_object = self.run("rev-parse", "--verify", "--quiet", ref).decode().strip()
            raw = self.run("cat-file", "tag", tag_object)
        except GitError:
            raise GitError(f"no annotated tag {name!r}") from None
        _, _, message = raw.decode("utf-8", "replace").partition("\n\n")
        signature = message.find(_PGP_SIGNATURE)
        return message if signature < 0 else message[:signature]

    def tags(self, prefix: str) -> tuple[Tag, ...]:
        """Annotated tags whose names start with ``prefix`` (a folder, ``a/b/``), oldest first."""
        pattern = f"refs/tags/{prefix}"
        out = self.run("for-each-ref", "--sort=creatordate", f"--format={_TAG_FORMAT}", pattern)
        found = []
        for line in out.decode("utf-8", "replace").splitlines():
            ref, commit, date, subject = line.split("\0", 3)
            if commit:  # peeled: an annotated tag of a commit
                found.append(
                    Tag(
                        name=ref.removeprefix("refs/tags/"),
                        commit=commit,
                        date=date,
                        subject=subject,
                    )
                )
        return tuple(found)

    def changed_files(self, commit: str, folder: str = "") -> frozenset[str]:
        """Tracked paths under ``folder`` whose working-tree content differs from
        ``commit``'s (deleted ones included), as ``git diff --name-only`` finds them."""
        spec = ("--", folder.rstrip("/")) if folder else ()
        out = self.run("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", commit, *spec)
        return frozenset(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)

    def uncommitted(self, folder: str = "") -> tuple[str, ...]:
        """Paths under ``folder`` whose working-tree state differs from ``HEAD``, untracked
        files included (ignored ones not)."""
        spec = ("--", folder.rstrip("/")) if folder else ()
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all", *spec)
        paths = []
        records = iter(out.split(b"\0"))
        for record in records:
            if not record:
                continue
            paths.append(record[3:].decode("utf-8", "surrogateescape"))
            if record[:1] in (b"R", b"C"):
                next(records, None)  # the path it was renamed or copied from
        return tuple(sorted(paths))


def identity(folder: Path) -> str:
    """The identity git would record as the author of a commit made in ``folder`` now
    (``Name <email>``: ``user.name`` and ``user.email``, or ``GIT_AUTHOR_NAME`` and
    ``GIT_AUTHOR_EMAIL``), for records that name who made them."""
    try:
        out = _git(folder, "var", "GIT_AUTHOR_IDENT").decode("utf-8", "replace").strip()
    except GitError:
        out = ""
    name = out.rsplit(" ", 2)[0] if out.count(" ") >= 2 else ""
    if not name or name.startswith("<"):
        raise GitError(
            "no git identity is set: medtrace records you as the person who did this",
            hint="git config --global user.name 'Your Name'; git config --global user.email ...",
        )
    return name


def _git(folder: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            input=data,
            capture_output=True,
            env={**os.environ, **_ENV},
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = lines[0] if lines else f"'git {args[0]}' failed (exit {done.returncode})"
        raise GitError(message.removeprefix("fatal: ").removeprefix("error: "))
    return done.stdout


def _batch_contents(out: bytes, count: int) -> Iterator[bytes | None]:
    """Split ``git cat-file --batch`` output: per name a header line, then the contents."""
    offset = 0
    for _ in range(count):
        end = out.index(b"\n", offset)
        header = out[offset:end].split(b" ")
        offset = end + 1
        if len(header) != 3:  # "<name> missing", "<name> ambiguous"
            yield None
            continue
        size = int(header[2])
        contents = out[offset : offset + size]
        offset += size + 1
        yield contents if header[1] == b"blob" else None


def _log_records(text: str) -> Iterator[FileCommit]:
    """Parse ``git log -z --name-status`` output in the format of :data:`_LOG_FORMAT`.

    Each commit is ``MARK sha, author, date, subject`` (NUL-separated), then its
    entries: a status token (after a line break) and one path, or two for a
    rename or copy.
    """
    tokens = text.split("\0")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.startswith(_COMMIT_MARK):
            index += 1
            continue
        commit, author, date, subject = token[1:], *tokens[index + 1 : index + 4]
        index += 4
        while index < len(tokens) and not tokens[index].startswith(_COMMIT_MARK):
            status = tokens[index].strip()
            if not status:
                index += 1
                continue
            letter = status[0]
            two = letter in "RC"
            paths = tokens[index + 1 : index + (3 if two else 2)]
            index += 3 if two else 2
            yield FileCommit(
                commit=commit,
                author=author,
                date=date,
                subject=subject,
                status=letter,
                path=paths[-1],
                old_path=paths[0] if two else None,
            )

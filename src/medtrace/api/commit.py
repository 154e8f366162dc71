"""Commit files of a project in git, by a named person, with the reason for the change.

A change made for someone else (the web application's edits and reviews) is
committed with that person as author and as committer, and with the reason
they gave in the message (EU Annex 11 asks for it). Only the named files are
committed: whatever else the working tree or the index holds stays as it was.
The repository's hooks do not run: the caller has checked the change already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.revision import locate
from medtrace.errors import ProjectError
from medtrace.store.git import GitError

REASON_LABEL = "Reason:"
# Every change committed for someone else is logged by the application that made it:
# ``medtrace audit verify`` reports a commit with this trailer that no logged event names.
AUDIT_TRAILER = "Medtrace-Audit: logged"


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """Who a change is by: the name and e-mail address git records."""

    name: str
    email: str

    def __post_init__(self) -> None:
        for text in (self.name, self.email):
            if not text.strip() or any(c in text for c in "<>\n\r\0"):
                raise ProjectError(f"{text!r} cannot name the author of a commit")


def commit_message(summary: str, reason: str) -> str:
    """The message of a change: its one-line summary, then the reason in a paragraph."""
    if not reason.strip():
        raise ProjectError("a change needs a reason (EU Annex 11): say why it is made")
    return f"{' '.join(summary.split())}\n\n{REASON_LABEL} {reason.strip()}\n{AUDIT_TRAILER}\n"


def commit_files(root: Path, paths: Sequence[str], *, author: Author, message: str) -> str:
    """Commit the files ``paths`` (relative to the project ``root``) as they are on disk,
    and nothing else; returns the new commit's id."""
    located = locate(root)
    repository = located.repository
    names = [located.prefix + path for path in paths]
    identity = ("-c", f"user.name={author.name}", "-c", f"user.email={author.email}")
    try:
        repository.run("add", "--", *names)
        repository.run(
            *identity, "commit", "--quiet", "--no-verify", "--only",
            f"--author={author.name} <{author.email}>", "-F", "-", "--", *names,
            data=message.encode("utf-8"),
        )  # fmt: skip
    except GitError as error:
        raise GitError(f"{root}: cannot commit {', '.join(paths)}: {error}") from None
    return repository.rev_parse("HEAD")

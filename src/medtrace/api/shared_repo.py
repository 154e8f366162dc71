"""The git side of a shared repository: the server's clone of the team's repository kept
in step with a remote. Fetch and merge (:func:`sync`), push never forced (:func:`push`),
undo a commit the remote refused (:func:`undo_to`). The web layer's
:mod:`medtrace.web.services.sharing` runs these inside its write lock.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

from medtrace.errors import MedtraceError
from medtrace.store.git import GitError, GitRepository
from medtrace.store.lock import project_lock

MERGER = ("-c", "user.name=medtrace server", "-c", "user.email=server@medtrace.invalid")
log = logging.getLogger("medtrace.sharing")


@contextlib.contextmanager
def locked(root: Path, holder: str) -> Iterator[None]:
    """The project lock of the clone (re-entrant in one thread)."""
    with project_lock(root, holder=holder):
        yield


def check_remote(root: Path, remote: str) -> None:
    """Refuse a shared repository the clone at ``root`` cannot push to: an unknown remote,
    or no branch checked out."""
    repository = GitRepository.containing(root)
    try:
        repository.run("remote", "get-url", remote)
    except GitError:
        raise MedtraceError(
            f"{root}: the repository has no remote {remote!r}",
            hint="clone the team's repository for the server, or: git remote add NAME URL",
        ) from None
    try:
        repository.run("symbolic-ref", "--quiet", "HEAD")
    except GitError:
        raise MedtraceError(f"{root}: no branch is checked out (a detached HEAD)") from None


def sync(root: Path, remote: str) -> None:
    """Fetch ``remote``, merge its branch (a fast-forward, or a merge commit when commits of
    ours are still unpushed), and push what is unpushed. Hold the lock around it."""
    branch = _branch(root)
    tracking = f"refs/remotes/{remote}/{branch}"
    _git(root, "fetch", "--quiet", remote, f"+refs/heads/{branch}:{tracking}")
    counts = _git(root, "rev-list", "--left-right", "--count", f"HEAD...{tracking}").split()
    ahead, behind = int(counts[0]), int(counts[1])
    if behind:
        try:
            _git(root, *MERGER, "merge", "--quiet", "--no-edit", "--ff", tracking)
        except GitError:
            with contextlib.suppress(GitError):
                _git(root, "merge", "--abort")
            raise MedtraceError(
                f"{root}: the server's unpushed commits conflict with the shared repository",
                hint="resolve it in the server's clone by hand: nothing was lost",
            ) from None
    if ahead:
        push(root, remote)


def push(root: Path, remote: str) -> bool:
    """Push ``HEAD`` to the remote's branch, never forced: ``False`` when it was refused
    because the remote moved; any other failure is logged and the commit stays for the
    next :func:`sync` (``True``: nothing more to do now)."""
    target = f"HEAD:refs/heads/{_branch(root)}"
    done = subprocess.run(
        ["git", "-C", str(root), "push", "--porcelain", remote, target],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode == 0:
        return True
    refused = [line for line in done.stdout.splitlines() if line.startswith("!")]
    if any("[rejected]" in line or "cannot lock ref" in line for line in refused):
        return False  # the remote moved (or was moving: another push updated it at once)
    problem = (done.stderr.strip().splitlines() or ["git push failed"])[0]
    log.warning("push to the shared repository failed, kept for the next sync: %s", problem)
    return True


def identity(root: Path) -> str:
    """What every clone of one project shares, wherever it is: the repository's first
    commit and the project's folder in it (the write lock is named after it)."""
    located = GitRepository.containing(root)
    first = _git(root, "rev-list", "--max-parents=0", "HEAD").split()
    prefix = root.resolve().relative_to(located.top).as_posix()
    return f"{min(first)}:{prefix}"


def head(root: Path) -> str:
    return _git(root, "rev-parse", "HEAD").strip()


def undo_to(root: Path, commit: str) -> None:
    """Move the branch back to ``commit``, keeping nothing of the commits undone (they
    were refused; their change is made again by the caller)."""
    _git(root, "reset", "--quiet", "--keep", commit)


def _branch(root: Path) -> str:
    return _git(root, "symbolic-ref", "--quiet", "--short", "HEAD").strip()


def _git(root: Path, *args: str) -> str:
    return GitRepository.containing(root).run(*args).decode("utf-8")


def bundle_repository(root: Path, bundle: Path) -> tuple[str, str]:
    """Write every ref of ``root``'s repository into ``bundle``; its ``HEAD`` and the
    project's folder in the repository (``.`` at the top)."""
    located = GitRepository.containing(root)
    located.run("bundle", "create", "--quiet", str(bundle), "--all")
    prefix = root.resolve().relative_to(located.top).as_posix()
    return head(root), prefix


def clone_bundle(bundle: Path, target: Path, prefix: str) -> Path:
    """Clone ``bundle`` into ``target`` (new or empty); the project's root in it."""
    if target.exists() and any(target.iterdir()):
        raise MedtraceError(f"{target}: not empty; restore into a new or empty folder")
    done = subprocess.run(
        ["git", "clone", "--quiet", str(bundle), str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise MedtraceError(f"{bundle}: cannot be cloned ({done.stderr.strip()})")
    return (target / prefix).resolve()


def recover_clone(root: Path) -> tuple[str, ...]:
    """Undo what a process killed in the middle of a save left in the server's own clone:
    git's index lock, and files written but never committed (the person was never told
    they were saved; nothing was logged). The files put back, as git names them. Hold
    the write lock, with no other process working in the clone."""
    located = GitRepository.containing(root)
    git_dir = Path(_git(root, "rev-parse", "--absolute-git-dir").strip())
    with contextlib.suppress(FileNotFoundError):
        (git_dir / "index.lock").unlink()
        log.warning("removed git's index lock left by a process that ended mid-commit")
    changed = [
        line[3:]
        for line in _git(
            root, "status", "--porcelain", "--untracked-files=no", "--", "."
        ).splitlines()
        if line[:2].strip()
    ]
    if changed:
        located.run("reset", "--quiet", "--", *changed)
        located.run("checkout", "--quiet", "--", *changed)
        log.warning("put back files written but never committed: %s", ", ".join(changed))
    return tuple(changed)

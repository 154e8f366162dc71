"""Find a project's root and its item files."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from medtrace.errors import ProjectError
from medtrace.model import CACHE_DIR, CONFIG_FILE, Finding, ProjectConfig, Severity, SourceLocation
from medtrace.store import FileStamp
from medtrace.store.containment import is_inside

ITEM_SUFFIX = ".md"
NAME_NOT_UTF8 = "the file name is not UTF-8; rename the file"  # (a file/unreadable finding)
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", CACHE_DIR})


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``medtrace.toml``."""
    if not start.exists():
        raise ProjectError(f"{start}: no such folder")
    if start.is_file():
        start = start.parent
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ProjectError(
        f"{start}: no {CONFIG_FILE} here or in any parent folder",
        hint="create a project with 'medtrace init'",
    )


def discover(root: Path, config: ProjectConfig) -> tuple[dict[str, FileStamp], list[Finding]]:
    """Every item file under the configured paths, by relative POSIX path, with its stamp.

    Hidden files and folders, ``node_modules`` and the cache are skipped, and so
    is any path matching an ``exclude`` pattern (``fnmatch``, where ``*`` also
    matches ``/``). Symbolic links to folders are not followed; a linked item file
    that leads outside the project is not read (a ``file/outside-project`` finding).
    """
    found: dict[str, FileStamp] = {}
    linked: list[str] = []  # item files that are symbolic links
    findings: list[Finding] = []
    for entry in config.paths:
        base = (root / entry).resolve()
        if not base.is_relative_to(root) or not base.is_dir():
            findings.append(
                Finding(
                    code="config/path-invalid",
                    severity=Severity.ERROR,
                    message=f"item path {entry!r} is not a folder inside the project",
                    location=SourceLocation(path=CONFIG_FILE),
                )
            )
            continue
        prefix = base.relative_to(root).as_posix()
        _walk(str(base), "" if prefix == "." else prefix + "/", found, linked)
    for path in sorted(linked):
        if not is_inside(root, Path(path)):
            del found[path]
            findings.append(
                Finding(
                    code="file/outside-project",
                    severity=Severity.ERROR,
                    message="a link to a file outside the project; not read",
                    location=SourceLocation(path=path),
                )
            )
    for path in [path for path in found if not is_utf8(path)]:
        del found[path]
        shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        findings.append(
            Finding(
                code="file/unreadable",
                severity=Severity.ERROR,
                message=NAME_NOT_UTF8,
                location=SourceLocation(path=shown),
            )
        )
    if config.exclude:
        patterns = config.exclude
        found = {
            path: stamp
            for path, stamp in found.items()
            if not any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)
        }
    return found, findings


def _walk(folder: str, prefix: str, found: dict[str, FileStamp], linked: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name[0] == ".":
            continue
        if name.endswith(ITEM_SUFFIX) and entry.is_file():
            try:
                stat = entry.stat()
            except OSError:
                continue
            found[prefix + name] = (stat.st_size, stat.st_mtime_ns)
            if entry.is_symlink():
                linked.append(prefix + name)
        elif entry.is_dir(follow_symlinks=False) and name not in _SKIPPED_DIRS:
            _walk(entry.path, prefix + name + "/", found, linked)


def is_utf8(path: str) -> bool:
    """Whether a file name from the file system is valid UTF-8 (else it cannot be stored)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def repository_prefix(root: Path) -> str:
    """The project root's path inside its git repository (``""`` at the top or outside git),
    with a trailing slash: what to put before a project path to make it repository-relative."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""

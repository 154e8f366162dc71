"""Create a project: an empty one, or a copy of a bundled example."""

from __future__ import annotations

import contextlib
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from medtrace.api.discover import find_root
from medtrace.api.scaffold import scaffold as write_scaffold
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.model import CONFIG_FILE
from medtrace.store import write_atomic
from medtrace.store.files import WriteError, write_new
from medtrace.store.lock import project_lock

EXAMPLES = ("infusion-pump",)

EMPTY_CONFIG = """\
# medtrace project configuration: see docs/format.md.
[project]
name = "{name}"
# Folders searched for item files (relative to this file); default: the whole tree.
# paths = ["requirements", "architecture", "risk", "tests"]
# Glob patterns of files to skip.
# exclude = ["drafts/*"]
# Findings at or above this severity make 'medtrace check' exit 1: error, warning or info.
# fail-on = "error"
"""

_NOT_COPIED = frozenset({"__pycache__", ".medtrace", "__init__.py"})

GITIGNORE = "# medtrace's rebuildable cache\n.medtrace/\n"
SCAFFOLD_FOLDERS = ("plans", "architecture", "attestations")


def init_project(
    target: Path,
    *,
    example: str | None = None,
    name: str | None = None,
    scaffold: bool = False,
    on_wait: OnWait | None = None,
) -> int:
    """Create a project in ``target``; returns the number of files written.

    With ``scaffold``, a new project gets its plans (a section for each planning clause,
    to be written), its software system and the attestation stubs it needs
    (:mod:`medtrace.api.scaffold`), so that its first check lists what to write next.
    Refuses to touch a folder that already holds a project, or (for an example, or a
    scaffold) any folder with files the scaffold would write, so nothing a person wrote
    is overwritten. ``medtrace.toml`` is created first, and only if it does not exist:
    of two at once, one creates the project and the other is refused; the scaffold is
    then written under the new project's lock. A project made inside another one writes
    into it: the enclosing project's lock is held meanwhile.
    """
    if example is not None and example not in EXAMPLES:
        raise ProjectError(f"unknown example {example!r} (known: {', '.join(EXAMPLES)})")
    with _enclosing_lock(target, on_wait):
        if (target / CONFIG_FILE).exists():
            raise ProjectError(f"{target / CONFIG_FILE}: a project already exists here")
        if example is None:
            title = name or target.resolve().name or "medtrace project"
            taken = [p for p in SCAFFOLD_FOLDERS if scaffold and (target / p).exists()]
            if taken:
                raise ProjectError(f"{target / taken[0]}: exists already; nothing was written")
            _claim(target, EMPTY_CONFIG.format(name=_toml_text(title)).encode())
            with contextlib.suppress(WriteError):  # (one the person has is kept)
                write_new(target / ".gitignore", GITIGNORE.encode())
            if not scaffold:
                return 2
            with project_writer(target, on_wait=on_wait):
                return 2 + write_scaffold(target, title)
        if target.exists() and any(target.iterdir()):
            raise ProjectError(f"{target}: folder is not empty; give a new or empty folder")
        source = resources.files("medtrace.examples").joinpath(example)
        _claim(target, source.joinpath(CONFIG_FILE).read_bytes())
        written = _copy_tree(source, target) + 1
        write_atomic(target / ".gitignore", GITIGNORE.encode())
        return written + 1


def _claim(target: Path, config: bytes) -> None:
    """Create ``target``'s medtrace.toml, refused when it appeared meanwhile."""
    try:
        write_new(target / CONFIG_FILE, config)
    except WriteError as error:
        if (target / CONFIG_FILE).exists():
            raise ProjectError(f"{target / CONFIG_FILE}: a project already exists here") from None
        raise error


def _enclosing_lock(
    target: Path, on_wait: OnWait | None
) -> contextlib.AbstractContextManager[None]:
    """The lock of the project ``target`` is made inside, if there is one."""
    parent = target.resolve().parent
    try:
        enclosing = find_root(parent) if parent.exists() else None
    except ProjectError:
        enclosing = None
    if enclosing is None or enclosing == target.resolve():
        return contextlib.nullcontext()
    return project_lock(enclosing, on_wait=on_wait)


def _copy_tree(source: Traversable, target: Path, claimed: Path | None = None) -> int:
    """Copy ``source`` into ``target`` (but the file ``claimed``, written already)."""
    claimed = claimed or target / CONFIG_FILE
    written = 0
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name in _NOT_COPIED:
            continue
        if entry.is_dir():
            written += _copy_tree(entry, target / entry.name, claimed)
        elif target / entry.name != claimed:
            write_atomic(target / entry.name, entry.read_bytes())
            written += 1
    return written


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')

"""Create a project: an empty one, or a copy of a bundled example."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from medtrace.api.scaffold import scaffold as write_scaffold
from medtrace.errors import ProjectError
from medtrace.model import CONFIG_FILE
from medtrace.store import write_atomic

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
) -> int:
    """Create a project in ``target``; returns the number of files written.

    With ``scaffold``, a new project gets its plans (a section for each planning clause,
    to be written), its software system and the attestation stubs it needs
    (:mod:`medtrace.api.scaffold`), so that its first check lists what to write next.
    Refuses to touch a folder that already holds a project, or (for an example, or a
    scaffold) any folder with files the scaffold would write, so nothing a person wrote
    is overwritten.
    """
    if (target / CONFIG_FILE).exists():
        raise ProjectError(f"{target / CONFIG_FILE}: a project already exists here")
    if example is None:
        title = name or target.resolve().name or "medtrace project"
        taken = [p for p in SCAFFOLD_FOLDERS if scaffold and (target / p).exists()]
        if taken:
            raise ProjectError(f"{target / taken[0]}: exists already; nothing was written")
        write_atomic(target / CONFIG_FILE, EMPTY_CONFIG.format(name=_toml_text(title)).encode())
        if not (target / ".gitignore").exists():
            write_atomic(target / ".gitignore", GITIGNORE.encode())
        return 2 + (write_scaffold(target, title) if scaffold else 0)
    if example not in EXAMPLES:
        raise ProjectError(f"unknown example {example!r} (known: {', '.join(EXAMPLES)})")
    if target.exists() and any(target.iterdir()):
        raise ProjectError(f"{target}: folder is not empty; give a new or empty folder")
    source = resources.files("medtrace.examples").joinpath(example)
    written = _copy_tree(source, target)
    write_atomic(target / ".gitignore", GITIGNORE.encode())
    return written + 1


def _copy_tree(source: Traversable, target: Path) -> int:
    written = 0
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name in _NOT_COPIED:
            continue
        if entry.is_dir():
            written += _copy_tree(entry, target / entry.name)
        else:
            write_atomic(target / entry.name, entry.read_bytes())
            written += 1
    return written


def _toml_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')

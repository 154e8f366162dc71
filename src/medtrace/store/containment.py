"""The containment rule: every path medtrace reads or writes for a project is inside it.

A path that comes from the project (a setting of ``medtrace.toml``, an id that
names a file, a file found under an item path or a configured folder) is used
only when it lies inside the project root once symbolic links are resolved.
Otherwise it is refused in one line that names the setting or option it came
from, before anything is read from it or written to it. Paths the person
running medtrace names on the command line as the input or output of an import
or export (``migrate reqif FILE``, ``--out``) are theirs to choose and are not
confined.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from medtrace.errors import ProjectError
from medtrace.model import CONFIG_FILE, ProjectConfig


class OutsideProjectError(ProjectError):
    """A path from the project's settings or data leads outside the project."""


def is_inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (absolute, or relative to ``root``) lies inside ``root`` once
    every symbolic link on it is resolved (a part that does not exist yet counts as
    written)."""
    top = root.resolve()
    return (top / path).resolve().is_relative_to(top)


def inside(root: Path, path: str | os.PathLike[str], setting: str) -> Path:
    """``root / path``, refused with :class:`OutsideProjectError` naming ``setting``
    (``[soup] folder``, ``--id``) when it leads outside the project."""
    candidate = root / path
    if not is_inside(root, candidate):
        raise OutsideProjectError(
            f"{setting} {os.fspath(path)[:200]!r} leads outside the project {root} "
            "(after resolving links); nothing was read or written",
            hint="name a place inside the project",
        )
    return candidate


def named_inside(root: Path, path: Path) -> bool:
    """Whether ``path`` names a place inside ``root`` as written (links not followed)."""
    return Path(os.path.abspath(root / path)).is_relative_to(root.resolve())


def fence_for(root: Path, path: Path) -> Path | None:
    """What the files found below ``path`` must stay inside: the project, when ``path``
    is named inside it; nothing, when the person named a place outside it."""
    return root if named_inside(root, path) else None


def confined(root: Path, path: Path, option: str) -> Path:
    """``path`` as the person named it on the command line: a place they named outside
    the project is theirs to choose, but one named inside it may not lead out of it
    through a link (a checked-out branch can plant such a link)."""
    if named_inside(root, path) and not is_inside(root, path):
        raise OutsideProjectError(
            f"{option} {os.fspath(path)[:200]!r} links outside the project {root}; "
            "nothing was read or written",
            hint="name the file itself, not a link to it",
        )
    return path


def configured_places(config: ProjectConfig) -> Iterator[tuple[str, str]]:
    """Every path setting of ``config`` but the item paths: (setting, value). (An item
    path outside the project is a ``config/path-invalid`` finding of the project's
    load: its items are not read, and nothing is written below it.)"""
    for source in config.soup.sources:
        yield "[soup] sources", source
    yield "[soup] folder", config.soup.folder
    yield "[soup] advisories", config.soup.advisories
    yield "[problems] folder", config.problems.folder
    # (below the first item path, which has its own finding when it is outside)
    yield "[reqif] folder", (Path(config.paths[0]) / config.reqif.folder).as_posix()
    yield "[docs] output", config.docs.output
    yield "[docs] templates", config.docs.templates
    yield "[docs] reference-docx", config.docs.reference_docx


def check_settings(root: Path, config: ProjectConfig) -> None:
    """Refuse (:class:`OutsideProjectError`) a project whose settings lead outside it."""
    first_path_inside = is_inside(root, Path(config.paths[0]))
    for setting, value in configured_places(config):
        if value and (first_path_inside or setting != "[reqif] folder"):
            inside(root, value, f"{CONFIG_FILE} {setting}")

"""Options of the command group, passed to every command (no globals)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import click

# Every command's own settings, so its help reads the same however it is invoked.
SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


@dataclass(frozen=True, slots=True)
class Context:
    debug: bool = False


_F = TypeVar("_F", bound=Callable[..., Any])


def wait_message(message: str) -> None:
    """Tell the person, on stderr, that the command waits for another writer."""
    click.echo(f"medtrace: {message}", err=True)


def format_option(*choices: str, default: str) -> Callable[[_F], _F]:
    """The ``--format`` option of a reporting command (passed as ``output_format``)."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


_PATH_HELP = "The project (or a folder inside it)."

# How every command takes the project: ``--path`` (positional arguments are the
# command's own: items, files, revisions, versions).
project_option = click.option(
    "--path",
    type=click.Path(path_type=Path),
    default=".",
    show_default=True,
    help=_PATH_HELP,
)


class _OldPositionalPath(click.Argument):
    """The project as a positional argument, as medtrace 0.1 took it on commands with no
    other argument: still read for one release, with a deprecation message, and left
    out of the usage line and the help."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return []


def project_path(function: _F) -> _F:
    """``--path`` on a command whose only subject is the project; for one release the
    old ``COMMAND PATH`` is read too, with a deprecation message on stderr."""

    @functools.wraps(function)
    def run(*args: Any, old_path: Path | None, path: Path | None, **kwargs: Any) -> Any:
        return function(*args, path=the_project(old_path, path), **kwargs)

    return cast(_F, old_path_argument(path_option(run)))


# ``--path`` without a default, to tell it from the old positional form.
path_option = click.option(
    "--path", type=click.Path(path_type=Path), default=None, help=f"{_PATH_HELP}  [default: .]"
)
old_path_argument = click.argument(
    "old_path", cls=_OldPositionalPath, required=False, type=click.Path(path_type=Path)
)


def deprecated(old: str, new: str) -> None:
    """Say on stderr that ``old`` is spelled ``new`` now."""
    click.echo(
        f"medtrace: '{old}' is deprecated: use '{new}' (the old form goes in the next release)",
        err=True,
    )


def the_project(old_path: Path | None, path: Path | None) -> Path:
    """The project of ``--path`` or of the old positional PATH (deprecated)."""
    if old_path is None:
        return path if path is not None else Path(".")
    if path is not None:
        raise click.UsageError("give the project once, with --path")
    name = click.get_current_context().command_path
    deprecated(f"{name} PATH", f"{name} --path PATH")
    return old_path

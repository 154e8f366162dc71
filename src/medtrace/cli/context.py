"""Options of the command group, passed to every command (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

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


# The ``--path`` option of commands that take other arguments: the project (or a folder in it).
project_option = click.option(
    "--path",
    type=click.Path(path_type=Path),
    default=".",
    show_default=True,
    help="The project (or a folder inside it).",
)

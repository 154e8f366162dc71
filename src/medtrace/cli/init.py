"""``medtrace init``: create an empty project or a bundled example."""

from __future__ import annotations

from pathlib import Path

import click

from medtrace.api import EXAMPLES, init_project
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_path, wait_message


@click.command(context_settings=SETTINGS)
@click.option(
    "--example",
    type=click.Choice(EXAMPLES),
    default=None,
    help="Copy a complete example project instead of creating an empty one.",
)
@click.option("--name", default=None, help="Project name for an empty project.")
@click.pass_obj
@project_path
def init(obj: Context, path: Path, example: str | None, name: str | None) -> None:
    """Create a medtrace project in the folder --path (default: the current folder).

    Never overwrites: refuses a folder that already has a medtrace.toml, and
    (with --example) any folder that is not empty.
    """
    with user_errors(obj.debug):
        written = init_project(path, example=example, name=name, on_wait=wait_message)
    what = f"example project {example!r}" if example else "empty project"
    click.echo(f"Created {what} in {path} ({written} files).")
    click.echo(f"Next: medtrace check --path {path}")

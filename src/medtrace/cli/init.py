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
@click.option("--name", default=None, help="Project name for a new project.")
@click.option(
    "--bare",
    is_flag=True,
    help="Only medtrace.toml and .gitignore: no plans, software system or attestation stubs.",
)
@click.pass_obj
@project_path
def init(obj: Context, path: Path, example: str | None, name: str | None, bare: bool) -> None:
    """Create a medtrace project in the folder --path (default: the current folder).

    A new project gets its plans, with a section for each planning clause still to
    write, its software system and the attestation stubs it needs (unless --bare):
    its first check lists what to write next. Never overwrites: refuses a folder
    that already has a medtrace.toml or the scaffold's folders, and (with
    --example) any folder that is not empty.
    """
    with user_errors(obj.debug):
        written = init_project(
            path, example=example, name=name, scaffold=not bare, on_wait=wait_message
        )
    what = f"example project {example!r}" if example else "empty project" if bare else "new project"
    click.echo(f"Created {what} in {path} ({written} files).")
    click.echo(f"Next: medtrace check --path {path}")

"""``medtrace fda``: the FDA documentation level and the documents it implies."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medtrace.api import load_project
from medtrace.cli.boundary import EXIT_FINDINGS, EXIT_OK, user_errors
from medtrace.cli.context import SETTINGS, Context, format_option, project_path
from medtrace.graph import TraceGraph
from medtrace.standard.fda import DOCUMENTS, documentation_level


@click.command(context_settings=SETTINGS)
@format_option("text", "json", default="text")
@click.pass_obj
@project_path
def fda(obj: Context, path: Path, output_format: str) -> None:
    """Show the FDA documentation level (Basic or Enhanced) recorded for the project
    (--path), whether its answers support it, and the software documents of a
    premarket submission at that level. Exit 1 when the decision has a problem.
    """
    with user_errors(obj.debug):
        project = load_project(path)
    decision = documentation_level(TraceGraph(project.items, project.config.schema))
    level = decision.level
    if output_format == "json":
        document = {
            "record": decision.record.id if decision.record else None,
            "level": level.value,
            "problems": list(decision.problems),
            "documents": [{"name": d.name, "content": d.content(level)} for d in DOCUMENTS],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        where = f" ({decision.record.id})" if decision.record else ""
        click.echo(f"FDA documentation level: {level.value}{where}")
        for problem in decision.problems:
            click.echo(f"  problem: {problem}")
        for entry in DOCUMENTS:
            click.echo(f"- {entry.name}: {entry.content(level)}")
    raise SystemExit(EXIT_FINDINGS if decision.problems else EXIT_OK)

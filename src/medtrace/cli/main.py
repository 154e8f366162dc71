"""The ``medtrace`` command group and the process entry point."""

from __future__ import annotations

import gc
import sys

import click

from medtrace import __version__
from medtrace.cli.boundary import EXIT_FAILURE
from medtrace.cli.changes import baseline, change_control, diff, history
from medtrace.cli.check import check
from medtrace.cli.classify import classify_command
from medtrace.cli.context import SETTINGS, Context
from medtrace.cli.docs import docs
from medtrace.cli.fda import fda
from medtrace.cli.gaps import gaps
from medtrace.cli.init import init
from medtrace.cli.migrate import migrate
from medtrace.cli.problems import problems
from medtrace.cli.release import release
from medtrace.cli.results import results
from medtrace.cli.review import review
from medtrace.cli.risk import risk
from medtrace.cli.scan import scan
from medtrace.cli.soup import soup
from medtrace.cli.trace import coverage, orphans, trace
from medtrace.cli.verify import verify


@click.group(context_settings=SETTINGS)
@click.version_option(__version__, prog_name="medtrace")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(context: click.Context, debug: bool) -> None:
    """medtrace: IEC 62304 lifecycle and traceability, kept as plain text in git.

    Exit codes: 0 clean, 1 findings at or above the failing severity,
    2 usage error or unreadable input.
    """
    context.obj = Context(debug=debug)


cli.add_command(init)
cli.add_command(check)
cli.add_command(gaps)
cli.add_command(classify_command)
cli.add_command(fda)
cli.add_command(review)
cli.add_command(trace)
cli.add_command(coverage)
cli.add_command(orphans)
cli.add_command(diff)
cli.add_command(history)
cli.add_command(baseline)
cli.add_command(change_control)
cli.add_command(results)
cli.add_command(verify)
cli.add_command(scan)
cli.add_command(soup)
cli.add_command(problems)
cli.add_command(risk)
cli.add_command(release)
cli.add_command(docs)
cli.add_command(migrate)


def main() -> None:
    """Console-script entry point: never lets a traceback reach the user unasked."""
    debug = "--debug" in sys.argv[1:]
    # A command is a short-lived process whose objects form no reference cycles
    # worth collecting; the cyclic collector would only rescan them (a third of a
    # cold check of a large project).
    gc.disable()
    try:
        cli.main(prog_name="medtrace", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if debug:
            raise
        click.echo(
            f"medtrace: internal error: {type(error).__name__}: {error} "
            "(rerun with --debug for a traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_FAILURE)

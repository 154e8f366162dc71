"""The ``medtrace`` command group and the process entry point."""

from __future__ import annotations

import gc
import importlib
import sys

import click

from medtrace import __version__
from medtrace.cli.boundary import EXIT_FAILURE
from medtrace.cli.context import SETTINGS, Context
from medtrace.cli.terminal import escape_output

# The commands: name -> module and attribute, imported when the command is looked up (a
# command runs with only its own modules loaded: importing them all took 0.7 s).
COMMANDS = {
    "approve": ("medtrace.cli.approve", "approve_command"),
    "audit": ("medtrace.cli.audit", "audit"),
    "baseline": ("medtrace.cli.changes", "baseline"),
    "change-control": ("medtrace.cli.changes", "change_control"),
    "bind": ("medtrace.cli.approve", "bind_command"),
    "check": ("medtrace.cli.check", "check"),
    "classify": ("medtrace.cli.classify", "classify_command"),
    "coverage": ("medtrace.cli.trace", "coverage"),
    "diff": ("medtrace.cli.changes", "diff"),
    "docs": ("medtrace.cli.docs", "docs"),
    "fda": ("medtrace.cli.fda", "fda"),
    "gaps": ("medtrace.cli.gaps", "gaps"),
    "history": ("medtrace.cli.changes", "history"),
    "init": ("medtrace.cli.init", "init"),
    "migrate": ("medtrace.cli.migrate", "migrate"),
    "orphans": ("medtrace.cli.trace", "orphans"),
    "problems": ("medtrace.cli.problems", "problems"),
    "release": ("medtrace.cli.release", "release"),
    "results": ("medtrace.cli.results", "results"),
    "review": ("medtrace.cli.review", "review"),
    "risk": ("medtrace.cli.risk", "risk"),
    "scan": ("medtrace.cli.scan", "scan"),
    "serve": ("medtrace.cli.serve", "serve"),
    "server": ("medtrace.cli.server", "server"),
    "sign": ("medtrace.cli.sign", "sign_command"),
    "signers": ("medtrace.cli.sign", "signers"),
    "soup": ("medtrace.cli.soup", "soup"),
    "trace": ("medtrace.cli.trace", "trace"),
    "users": ("medtrace.cli.serve", "users"),
    "verify": ("medtrace.cli.verify", "verify"),
}


class _Commands(click.Group):
    """The top-level group: its commands (:data:`COMMANDS`) imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command) and command.name == cmd_name
            self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=_Commands, context_settings=SETTINGS)
@click.version_option(__version__, prog_name="medtrace")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(context: click.Context, debug: bool) -> None:
    """medtrace: IEC 62304 lifecycle and traceability, kept as plain text in git.

    Exit codes: 0 clean, 1 findings at or above the failing severity,
    2 usage error or unreadable input.
    """
    wrapped = escape_output({"stdout": sys.stdout, "stderr": sys.stderr})
    sys.stdout, sys.stderr = wrapped["stdout"], wrapped["stderr"]  # (see cli.terminal)
    context.obj = Context(debug=debug)


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
    except OSError as error:  # the system refused a file (a full disk, permissions)
        if debug:
            raise
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"medtrace: {where}{error.strerror or error}", err=True)
        sys.exit(EXIT_FAILURE)
    except Exception as error:
        if debug:
            raise
        click.echo(
            f"medtrace: internal error: {type(error).__name__}: {error} "
            "(rerun with --debug for a traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_FAILURE)

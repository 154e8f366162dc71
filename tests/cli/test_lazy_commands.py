"""The top-level commands are imported when used: every name resolves to its command,
and the group alone loads none of them."""

from __future__ import annotations

import subprocess
import sys

import click

from medtrace.cli.main import COMMANDS, cli


def test_every_command_name_resolves_to_a_command_of_that_name() -> None:
    context = click.Context(cli, info_name="medtrace")
    assert cli.list_commands(context) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
    assert cli.get_command(context, "nope") is None


def test_the_group_imports_no_command_and_a_command_only_its_own() -> None:
    script = (
        "import sys\n"
        "from medtrace.cli.main import cli\n"
        "print(sorted(m for m in sys.modules if m.startswith('medtrace.cli.')))\n"
        "import click\n"
        "cli.get_command(click.Context(cli), 'migrate')\n"
        "print('medtrace.api.check' in sys.modules, 'medtrace.cli.migrate' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    group = ["medtrace.cli.boundary", "medtrace.cli.context", "medtrace.cli.main"]
    assert out[0] == str([*group, "medtrace.cli.terminal"])
    assert out[1] == "False True"

"""Issue 19: text from a project never drives the terminal: control sequences in titles
and messages are shown escaped, and rich markup in them is shown as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.cli.main import cli

HOSTILE = "Alarm [/] [bold]loud\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202egnp.exe\x9b1A"
TITLE_YAML = '"Alarm [/] [bold]loud\\e]0;pwned\\a\\e[2J\\e[31mred\\u202egnp.exe\\x9b1A"'


@pytest.fixture
def hostile(project: Path) -> Path:
    (project / "items").mkdir()
    (project / "items" / "SYS-1.md").write_text(
        f"---\nid: SYS-1\nkind: system-requirement\ntitle: {TITLE_YAML}\n---\nText.\n", "utf-8"
    )
    (project / "items" / "SRS-1.md").write_text(
        "---\nid: SRS-1\nkind: software-requirement\ntitle: Plain\nderived-from: [SYS-1]\n"
        "---\nText.\n",
        "utf-8",
    )
    (project / "items" / "SYS-2.md").write_text(  # an orphan: listed with its title
        f"---\nid: SYS-2\nkind: system-requirement\ntitle: {TITLE_YAML}\n---\nText.\n", "utf-8"
    )
    return project


COMMANDS = [
    ["orphans"],
    ["trace", "--from", "system-requirement", "--to", "software-requirement"],
    ["check"],
    ["coverage"],
    ["gaps"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_control_sequences_from_a_project_are_shown_escaped(
    runner: CliRunner, hostile: Path, command: list[str]
) -> None:
    result = runner.invoke(cli, [*command, "--path", str(hostile)])
    assert result.exit_code in (0, 1), result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.output, (raw, result.output)
    assert "internal error" not in result.output


def test_rich_markup_in_a_title_is_shown_as_written(runner: CliRunner, hostile: Path) -> None:
    for command in COMMANDS[:2]:
        result = runner.invoke(cli, [*command, "--path", str(hostile)])
        assert result.exit_code in (0, 1), result.output
        assert not result.exception or isinstance(result.exception, SystemExit), result.exception
        shown = "".join(result.output.split())  # (a table may fold the title)
        assert "Alarm[/][bold]loud" in shown, result.output
        assert "\\u001b]0;pwned" in shown, result.output  # visible, not run


def test_json_output_stays_valid_json(runner: CliRunner, hostile: Path) -> None:
    import json

    result = runner.invoke(cli, ["check", "--path", str(hostile), "--format", "json"])
    document = json.loads(result.output)
    assert isinstance(document, dict)
    assert "\x9b" not in result.output and "\u202e" not in result.output

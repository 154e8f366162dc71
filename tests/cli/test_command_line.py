"""Issue 19: one way to name the project (``--path``) on every command; the old spellings
work for one release with a deprecation message; ``classify`` asks until it is answered."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from medtrace.cli.main import cli
from medtrace.cli.reference import _commands

SYSTEM = "---\nid: SWS-001\nkind: software-system\ntitle: Pump software\n---\nText.\n"


def _leaves() -> list[tuple[str, click.Command]]:
    return [
        (" ".join(path), command)
        for path, command in _commands(cli, ("medtrace",))
        if not isinstance(command, click.Group)
    ]


@pytest.mark.parametrize(("name", "command"), _leaves(), ids=[name for name, _ in _leaves()])
def test_a_command_takes_the_project_as_path_and_nothing_else_by_that_name(
    name: str, command: click.Command
) -> None:
    shown = [p for p in command.params if "path" in {p.name, *getattr(p, "opts", ())}]
    visible = [
        p
        for p in shown
        if isinstance(p, click.Option) or p.get_usage_pieces(click.Context(command))
    ]
    for param in visible:
        assert isinstance(param, click.Option), f"{name}: PATH is an argument"
        assert param.opts == ["--path"], f"{name}: {param.opts}"
        assert param.name == "path", f"{name}: --path is {param.name}, not the project"


LEGACY = [
    ["check", "{p}"],
    ["gaps", "{p}"],
    ["verify", "{p}"],
    ["coverage", "{p}"],
    ["orphans", "{p}"],
    ["risk", "{p}"],
    ["fda", "{p}"],
    ["scan", "{p}"],
    ["problems", "trend", "{p}"],
]


@pytest.mark.parametrize("args", LEGACY, ids=lambda a: " ".join(a[:-1]))
def test_the_old_positional_project_still_works_with_a_deprecation_message(
    runner: CliRunner, example: Path, args: list[str]
) -> None:
    new = runner.invoke(cli, [*args[:-1], "--path", str(example)])
    old = runner.invoke(cli, [a.format(p=example) for a in args])
    assert old.exit_code == new.exit_code, old.output
    assert old.stdout == new.stdout
    assert "deprecated" in old.stderr and "--path" in old.stderr
    assert "deprecated" not in new.stderr


def test_trace_names_its_link_steps_via_and_the_old_path_steps_still_work(
    runner: CliRunner, example: Path
) -> None:
    base = ["trace", "--from", "system-requirement", "--to", "test-case", "--format", "json"]
    steps = "derived-from<,verifies<"
    new = runner.invoke(cli, [*base, "--path", str(example), "--via", steps])
    assert new.exit_code == 0, new.output
    old = runner.invoke(cli, [*base[:1], str(example), *base[1:], "--path", steps])
    assert old.exit_code == 0, old.output
    assert old.stdout == new.stdout
    assert "deprecated" in old.stderr and "--via" in old.stderr


def test_init_takes_the_folder_as_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", "--path", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "medtrace.toml").is_file()


def _system(project: Path) -> None:
    (project / "items").mkdir()
    (project / "items" / "SWS-001.md").write_text(SYSTEM, "utf-8")


def test_classify_does_not_take_an_empty_answer_as_no(
    runner: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _system(project)
    monkeypatch.setattr("medtrace.cli.classify.interactive", lambda: True)
    # Q1 answered with Enter first: asked again, then yes; Q2 yes; Q3; no hazards.
    answers = "SWS-001\n\ny\ny\nnon-serious-injury\n\nThe pump can over-deliver.\n"
    result = runner.invoke(cli, ["classify", "--path", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert "Class B" in result.stdout  # (an Enter taken as "no" would have made it A)
    assert result.stdout.count("Q1:") == 2


def test_classify_keeps_the_earlier_answers_when_a_later_one_is_wrong(
    runner: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _system(project)
    monkeypatch.setattr("medtrace.cli.classify.interactive", lambda: True)
    # The hazard id is wrong: asked again (not starting over), then none.
    answers = "SWS-001\ny\ny\nnon-serious-injury\nHAZ-404\n\nThe pump can over-deliver.\n"
    result = runner.invoke(cli, ["classify", "--path", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert "HAZ-404: no hazard" in result.output
    assert result.stdout.count("Q1:") == 1 and "Class B" in result.stdout

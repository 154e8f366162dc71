"""``medtrace classify``: decide and record a software system's safety class (4.3)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from medtrace.api.classify import (
    CONTROL_KINDS,
    HAZARD_KINDS,
    SYSTEM_KINDS,
    Answers,
    classify,
    edition2,
    missing_items,
)
from medtrace.cli.boundary import user_errors
from medtrace.cli.context import SETTINGS, Context, project_path, wait_message
from medtrace.model.kinds import INJURY_LEVELS

_Q1 = "Q1: Can the software system contribute to a hazardous situation?"
_Q2 = (
    "Q2: Does a failure of the software system lead to unacceptable risk, crediting only "
    "risk controls external to it?"
)
_Q3 = "Q3: What is the worst possible harm?"
_ED2 = (
    "Edition 2 draft: can the software contribute to harm (worst case; only negligible harm "
    "or very unlikely scenarios excluded)?"
)


@click.command(name="classify", context_settings=SETTINGS)
@click.option("--system", help="Id of the software system to classify.")
@click.option(
    "--contributes/--no-contributes",
    default=None,
    help=f"{_Q1} (Under the Edition 2 draft: can it contribute to harm?)",
)
@click.option("--unacceptable-risk/--no-unacceptable-risk", default=None, help=_Q2)
@click.option("--worst-harm", type=click.Choice(INJURY_LEVELS), default=None, help=_Q3)
@click.option("--rationale", help="Why: the reasoning an auditor reads.")
@click.option("--hazard", "hazards", multiple=True, help="A hazard considered (repeatable).")
@click.option("--credit", "credits", multiple=True, help="An external risk control credited.")
@click.option("--id", "record_id", help="Id of the record [default: the next SCL-NNN].")
@click.pass_obj
@project_path
def classify_command(
    obj: Context,
    path: Path,
    system: str | None,
    contributes: bool | None,
    unacceptable_risk: bool | None,
    worst_harm: str | None,
    rationale: str | None,
    hazards: tuple[str, ...],
    credits: tuple[str, ...],
    record_id: str | None,
) -> None:
    """Classify a software system by the IEC 62304 Amendment 1 decision procedure.

    Asks each question not given as an option (when run at a terminal), decides
    the class, and writes a safety-classification record next to the system's
    item file for review. It never changes an existing record. Under the Edition 2
    draft (standard = "iec62304:ed2-draft") it asks the draft's question instead
    and records the rigor level (I or II).
    """
    ask = interactive()
    if ask and system is None:
        system = _ask_ids(path, "Software system id", SYSTEM_KINDS, "software system", one=True)[0]
    system = system or _need(ask, "--system", lambda: "")
    with user_errors(obj.debug):
        draft = edition2(path)
    if contributes is None:
        first = _ED2 if draft else _Q1
        contributes = _need(ask, "--contributes", lambda: click.confirm(first, default=None))
    if draft:
        unacceptable_risk, worst_harm = bool(contributes), None  # one question in the draft
    elif contributes and unacceptable_risk is None:
        unacceptable_risk = _need(
            ask, "--unacceptable-risk", lambda: click.confirm(_Q2, default=None)
        )
    if contributes and unacceptable_risk and worst_harm is None and not draft:
        choice = click.Choice(INJURY_LEVELS[1:])
        worst_harm = _need(ask, "--worst-harm", lambda: click.prompt(_Q3, type=choice))
    if ask and contributes and not hazards:
        question = "Hazards considered (ids, comma-separated)"
        hazards = _ask_ids(path, question, HAZARD_KINDS, "hazard")
    if ask and contributes and not unacceptable_risk and not credits and not draft:
        question = "External risk controls credited (ids, comma-separated)"
        credits = _ask_ids(path, question, CONTROL_KINDS, "risk control")
    rationale = rationale or _need(ask, "--rationale", lambda: click.prompt("Rationale"))
    answers = Answers(
        system=system,
        contributes=contributes,
        unacceptable_risk=bool(unacceptable_risk),
        worst_harm=worst_harm,
        rationale=rationale,
        hazards=hazards,
        credits=credits,
        record_id=record_id,
    )
    with user_errors(obj.debug):
        written, decided = classify(path, answers, on_wait=wait_message)
    click.echo(f"{system} is {decided}; recorded in {written} (status: draft).")


_T = TypeVar("_T")


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _ask_ids(
    path: Path, question: str, kinds: frozenset[str], what: str, *, one: bool = False
) -> tuple[str, ...]:
    """Ask for ids until they are all items of ``kinds`` (asking again for a wrong one,
    the answers before it kept); one id when ``one``."""
    while True:
        ids = _ids(click.prompt(question, default="" if not one else None, show_default=False))
        if one and len(ids) != 1:
            click.echo("give one id", err=True)
            continue
        with user_errors(False):
            wrong = missing_items(path, ids, kinds)
        if not wrong:
            return ids
        click.echo(f"{', '.join(wrong)}: no {what} with this id in the project; again", err=True)


def interactive() -> bool:
    """Whether a person can answer questions (standard input is a terminal)."""
    return sys.stdin.isatty()


def _need(ask: bool, option: str, prompt: Callable[[], _T]) -> _T:
    if not ask:
        raise click.UsageError(f"{option} is required when not run at a terminal")
    return prompt()

"""Record a software system's safety classification (4.3) as a reviewable item file.

Under the Edition 2 draft (``standard = "iec62304:ed2-draft"``) the record answers the
draft's one question instead: can the software contribute to harm? No gives rigor
level I, yes level II; software that implements a risk control is level II whatever
the answer (E2R3).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from medtrace.api.load import load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.ingest.item_file import ID_PATTERN
from medtrace.model import ProjectConfig, SafetyClass
from medtrace.standard.classes import RIGOR_OF, compute_classes, decide_class, level_label
from medtrace.standard.context import ED2_DRAFT, RuleContext
from medtrace.store.containment import inside
from medtrace.store.files import write_new

SYSTEM_KINDS = frozenset({"software-system"})
HAZARD_KINDS = frozenset({"hazard", "hazardous-situation", "harm"})
CONTROL_KINDS = frozenset({"risk-control"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Answers:
    """The answers to the Amendment 1 decision procedure, and what backs them."""

    system: str
    contributes: bool
    unacceptable_risk: bool
    worst_harm: str | None  # non-serious-injury | serious-injury-or-death; None if not asked
    rationale: str
    hazards: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    record_id: str | None = None


def edition2(start: Path) -> bool:
    """Whether the project at ``start`` is checked against the Edition 2 draft."""
    return load_project(start).config.standard == ED2_DRAFT


def classify(start: Path, answers: Answers, *, on_wait: OnWait | None = None) -> tuple[Path, str]:
    """Write the classification record; returns its path and the class (or, under the
    Edition 2 draft, the rigor level) decided, as reports name it (``Class C``).

    Refuses (ProjectError) when the system, a hazard or a credited control does
    not exist, or a record already classifies the system: it never rewrites one.
    """
    with project_writer(start, on_wait=on_wait):
        project = load_project(start)
        graph = TraceGraph(project.items, project.config.schema)
        system = graph.get(answers.system)
        if system is None or system.kind != "software-system":
            raise ProjectError(f"{answers.system}: no software-system with this id in the project")
        existing = graph.sources(system.id, "classifies")
        if existing:
            raise ProjectError(
                f"{existing[0].source}: {existing[0].id} already classifies {system.id}; "
                "edit that record instead"
            )
        _require(graph, answers.hazards, HAZARD_KINDS, "hazard")
        _require(graph, answers.credits, CONTROL_KINDS, "risk control")
        ed2 = project.config.standard == ED2_DRAFT
        decided = _decide(graph, project.config, answers, ed2=ed2)
        record_id = answers.record_id or _next_id(graph, "SCL")
        if not ID_PATTERN.match(record_id):
            raise ProjectError(
                f"--id {record_id[:80]!r} is not a valid item id (nothing was written)",
                hint="an id starts with a letter and holds letters, digits, '.', '_' or '-'",
            )
        if graph.get(record_id) is not None:
            raise ProjectError(f"{record_id}: an item with this id already exists")
        root = Path(project.root)
        path = inside(root, Path(system.source.path).parent / f"{record_id}.md", "--id")
        if path.exists():
            raise ProjectError(f"{path}: file exists")
        render = _render_ed2 if ed2 else _render
        write_new(path, render(record_id, system.id, answers, decided).encode("utf-8"))
        return path, level_label(decided, ed2)


def _decide(
    graph: TraceGraph, config: ProjectConfig, answers: Answers, *, ed2: bool
) -> SafetyClass:
    """The class the answers give; under the Edition 2 draft, Class C stands for rigor
    level II (the software can contribute to harm, or implements a risk control)."""
    if not ed2:
        return decide_class(answers.contributes, answers.unacceptable_risk, answers.worst_harm)
    context = RuleContext(graph=graph, config=config, classes=compute_classes(graph))
    return SafetyClass.C if answers.contributes or context.controls_in_software else SafetyClass.A


def missing_items(start: Path, ids: Sequence[str], kinds: Collection[str]) -> tuple[str, ...]:
    """Those of ``ids`` that are no item of ``kinds`` in the project (to ask again for)."""
    if not ids:
        return ()
    project = load_project(start)
    kind_of = {item.id: item.kind for item in project.items}
    return tuple(item_id for item_id in ids if kind_of.get(item_id) not in kinds)


def _require(graph: TraceGraph, ids: tuple[str, ...], kinds: Collection[str], what: str) -> None:
    for item_id in ids:
        item = graph.get(item_id)
        if item is None or item.kind not in kinds:
            raise ProjectError(f"{item_id}: no {what} with this id in the project")


def _next_id(graph: TraceGraph, prefix: str) -> str:
    numbers = [
        int(match.group(1))
        for item in graph
        if (match := re.fullmatch(rf"{prefix}-(\d+)", item.id)) is not None
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _render(record_id: str, system: str, answers: Answers, decided: SafetyClass) -> str:
    front: dict[str, object] = {
        "id": record_id,
        "kind": "safety-classification",
        "title": f"Software safety classification of {system}",
        "status": "draft",
        "classifies": [system],
        "contributes-to-hazardous-situation": answers.contributes,
        "unacceptable-risk": answers.unacceptable_risk,
        "safety-class": decided.value,
    }
    if answers.worst_harm is not None:
        front["worst-harm"] = answers.worst_harm
    if answers.hazards:
        front["considers"] = list(answers.hazards)
    if answers.credits:
        front["credits"] = list(answers.credits)
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=96)
    body = (
        f"{answers.rationale.strip()}\n\n"
        f"Decision (IEC 62304:2006+A1:2015, 4.3): Q1 contributes to a hazardous situation: "
        f"{_yes(answers.contributes)}; Q2 unacceptable risk after external risk controls: "
        f"{_yes(answers.unacceptable_risk)}; Q3 worst harm: "
        f"{answers.worst_harm or 'not asked'}; Class {decided.value}.\n"
    )
    rationale = yaml.safe_dump({"rationale": answers.rationale.strip()}, allow_unicode=True)
    return f"---\n{text}{rationale}---\n{body}"


def _render_ed2(record_id: str, system: str, answers: Answers, decided: SafetyClass) -> str:
    level = RIGOR_OF[decided]
    front: dict[str, object] = {
        "id": record_id,
        "kind": "safety-classification",
        "title": f"Rigor level of {system} (IEC 62304 Edition 2 draft)",
        "status": "draft",
        "classifies": [system],
        "contributes-to-harm": answers.contributes,
        "rigor-level": level,
    }
    if answers.hazards:
        front["considers"] = list(answers.hazards)
    if answers.credits:
        front["credits"] = list(answers.credits)
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=96)
    why = "" if answers.contributes or level == "I" else " (software implements a risk control)"
    body = (
        f"{answers.rationale.strip()}\n\n"
        "Decision (IEC 62304 Edition 2 draft, not a published standard): can the software "
        f"contribute to harm: {_yes(answers.contributes)}; rigor level {level}{why}.\n"
    )
    rationale = yaml.safe_dump({"rationale": answers.rationale.strip()}, allow_unicode=True)
    return f"---\n{text}{rationale}---\n{body}"


def _yes(answer: bool) -> str:
    return "yes" if answer else "no"

"""Safety classification rules (4.3, 5.3.5, 7.2.2): records, inheritance, segregation.

The effective classes themselves are computed in :mod:`medtrace.standard.classes`.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item, SafetyClass
from medtrace.standard.classes import decide_class, level_label, risk_class
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule

_SOFTWARE = ("software-item", "software-unit")


@rule(
    code="62304.4.3/classification-missing",
    clause="4.3",
    summary="Each software system has a safety classification record (else it is Class C).",
)
def systems_are_classified(ctx: RuleContext) -> Iterator[Violation]:
    for system in ctx.items("software-system"):
        if not ctx.graph.sources(system.id, "classifies"):
            yield Violation(
                system,
                f"{system.id} has no safety classification record, so it is treated as "
                f"{_named(ctx, SafetyClass.C)}: medtrace classify --system {system.id}",
            )


@rule(
    code="62304.4.3/classification-inconsistent",
    clause="4.3",
    summary="A classification record's class is what its answers give, with a rationale and "
    "the hazards considered.",
)
def classification_follows_the_decision_procedure(ctx: RuleContext) -> Iterator[Violation]:
    for record in ctx.graph.of_kind("safety-classification"):
        yield from _record_problems(ctx, record)


def _named(ctx: RuleContext, found: SafetyClass) -> str:
    return level_label(found, ctx.edition2)


def _differ(ctx: RuleContext, one: SafetyClass, other: SafetyClass) -> bool:
    """Whether two classes differ as the project reads them (under the Edition 2 draft, B
    and C are both rigor level II)."""
    return _named(ctx, one) != _named(ctx, other)


def _record_problems(ctx: RuleContext, record: Item) -> Iterator[Violation]:
    if record.field("rigor-level") is not None or (
        ctx.edition2 and record.field("safety-class") is None
    ):
        yield from _edition2_problems(ctx, record)
        return
    recorded = SafetyClass.parse(record.field("safety-class"))
    contributes = record.field("contributes-to-hazardous-situation")
    unacceptable = record.field("unacceptable-risk")
    harm = record.field("worst-harm")
    if recorded is None:
        yield Violation(record, f"{record.id} records no safety-class")
        return
    unanswered = contributes is None or (contributes and unacceptable is None)
    if unanswered or (contributes and unacceptable and not harm):
        yield Violation(record, f"{record.id} does not answer the classification questions")
        return
    decided = decide_class(bool(contributes), bool(unacceptable), str(harm) if harm else None)
    if recorded < decided:  # a stricter class than the answers give is the manufacturer's choice
        message = f"{record.id} records Class {recorded.value} but its answers give {decided.value}"
        yield Violation(record, message)
    for system in ctx.graph.targets(record.id, "classifies"):
        stated = SafetyClass.parse(system.field("safety-class"))
        if stated is not None and stated is not recorded:
            yield Violation(
                record,
                f"{record.id} records Class {recorded.value} but {system.id} states "
                f"safety-class {stated.value}",
            )
    if not str(record.field("rationale") or "").strip():
        yield Violation(record, f"{record.id} gives no rationale")
    if contributes and not ctx.graph.targets(record.id, "considers"):
        yield Violation(record, f"{record.id} names no hazards considered (considers: [...])")
    initial = SafetyClass.parse(record.field("initial-class"))
    if initial is not None and recorded < initial and not ctx.graph.targets(record.id, "credits"):
        yield Violation(
            record,
            f"{record.id} lowers Class {initial.value} to {recorded.value} without naming the "
            "external risk controls credited (credits: [...])",
        )


def _edition2_problems(ctx: RuleContext, record: Item) -> Iterator[Violation]:
    """An Edition 2 draft record: the rigor level its answer gives (E2R2), Level II for
    software implementing a risk control (E2R3), credited controls verified (E2R4)."""
    level = record.field("rigor-level")
    contributes = record.field("contributes-to-harm")
    if level is None:
        yield Violation(record, f"{record.id} records no rigor-level (I or II)")
        return
    if contributes is None:
        yield Violation(
            record,
            f"{record.id} does not answer the Edition 2 question: can the software contribute "
            "to harm (contributes-to-harm: true or false)?",
        )
        return
    if contributes and level == "I":
        yield Violation(
            record, f"{record.id} records rigor level I but the software can contribute to harm"
        )
    if level == "I" and ctx.controls_in_software:
        yield Violation(
            record,
            f"{record.id} records rigor level I, but software of the project implements a risk "
            "control, which makes it rigor level II",
        )
    for control in ctx.graph.targets(record.id, "credits"):
        if not (ctx.graph.sources(control.id, "verifies") or control.field("verification")):
            yield Violation(
                record,
                f"{record.id} credits {control.id} to lower the level, but {control.id}'s "
                "effectiveness is not verified (a test case verifying it, or verification:)",
            )
    if not str(record.field("rationale") or "").strip():
        yield Violation(record, f"{record.id} gives no rationale")


@rule(
    code="62304.4.3/lower-class-without-segregation",
    clause="4.3",
    summary="An item classed below its parent gives the segregation that allows it.",
)
def lower_classes_are_justified(ctx: RuleContext) -> Iterator[Violation]:
    for kind in _SOFTWARE:
        for item in ctx.graph.of_kind(kind):
            parent_class = _parent_class(ctx, item)
            own = ctx.classes.software.get(item.id)
            if parent_class is None or own is None or own >= parent_class:
                continue
            if not _differ(ctx, own, parent_class):
                continue  # the same rigor level under the Edition 2 draft
            if not str(item.field("segregation") or "").strip():
                yield Violation(
                    item,
                    f"{item.id} is {_named(ctx, own)} below its parent's "
                    f"{_named(ctx, parent_class)} without a segregation rationale (segregation:)",
                )


@rule(
    code="62304.4.3/system-below-item",
    clause="4.3",
    summary="A software system is not classed below its highest item.",
)
def systems_are_not_below_their_items(ctx: RuleContext) -> Iterator[Violation]:
    for system in ctx.graph.of_kind("software-system"):
        own = ctx.classes.software[system.id]
        for child in ctx.graph.descendants(system.id, ["part-of"]):
            declared = ctx.classes.declared.get(child.id)
            if declared is not None and declared > own and _differ(ctx, declared, own):
                yield Violation(
                    system,
                    f"{system.id} is {_named(ctx, own)} but its item {child.id} is "
                    f"{_named(ctx, declared)}",
                )


@rule(
    code="62304.5.3.5/segregation-evidence-missing",
    clause="5.3.5",
    summary="Below a Class C parent, the segregation's mechanism has evidence that it works.",
)
def segregation_has_evidence(ctx: RuleContext) -> Iterator[Violation]:
    for kind in _SOFTWARE:
        for item in ctx.graph.of_kind(kind):
            parent_class = _parent_class(ctx, item)
            own = ctx.classes.software.get(item.id)
            if parent_class is not SafetyClass.C or own is None or own >= parent_class:
                continue
            if not str(item.field("segregation-evidence") or "").strip():
                yield Violation(
                    item,
                    f"{item.id} is segregated from Class C {_parent_id(ctx, item)} but names no "
                    "evidence that the segregation works (segregation-evidence:)",
                )


@rule(
    code="62304.7.2.2/class-below-risk",
    clause="7.2.2",
    summary="Software implementing a risk control is not classed below the risk it controls.",
)
def implementers_match_their_risks(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.graph.of_kind("risk-control"):
        needed = risk_class(ctx.graph, control)
        if needed not in ctx.applies_at:
            continue
        for item in _implementers(ctx, control):
            own = ctx.classes.software.get(item.id)
            if own is not None and own < needed and _differ(ctx, own, needed):
                yield Violation(
                    item,
                    f"{item.id} implements {control.id}, which controls a "
                    f"{_named(ctx, needed)} risk, but is {_named(ctx, own)}",
                )


def _implementers(ctx: RuleContext, control: Item) -> list[Item]:
    found = list(ctx.graph.sources(control.id, "implements-risk-control"))
    for requirement in list(found):
        found.extend(ctx.graph.sources(requirement.id, "implements"))
    return sorted({i.id: i for i in found if i.kind in _SOFTWARE}.values(), key=lambda i: i.id)


def _parent_id(ctx: RuleContext, item: Item) -> str:
    parent = next(iter(ctx.graph.targets(item.id, "part-of")), None)
    return parent.id if parent is not None else "?"


def _parent_class(ctx: RuleContext, item: Item) -> SafetyClass | None:
    parent = next(iter(ctx.graph.targets(item.id, "part-of")), None)
    return ctx.classes.software.get(parent.id) if parent is not None else None

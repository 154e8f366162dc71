"""Rules for clause 7 of IEC 62304: software risk management.

A hazardous situation is judged at the project's class, a SOUP component at
the class of the software that uses it, and a risk control at the class of
the software that implements it (see :mod:`medtrace.standard.classes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medtrace.graph import TraceGraph
from medtrace.graph.evidence import APPROVING_RECORD, Binding, pin
from medtrace.model import Item
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank, blank_fields

_SITUATION = "hazardous-situation"


@rule(
    code="62304.7.1.1/situation-causes-missing",
    clause="7.1.1",
    summary="Each hazardous situation names the software or SOUP that could contribute to it, "
    "or says none can (software-contributes: false).",
)
def situations_name_their_causes(ctx: RuleContext) -> Iterator[Violation]:
    for situation in ctx.items(_SITUATION):
        if situation.field("software-contributes") is False:
            continue
        if not ctx.graph.targets(situation.id, "caused-by"):
            yield Violation(
                situation,
                f"{situation.id} names no software item or SOUP that could contribute to it: "
                "add caused-by: [...], or software-contributes: false",
            )


@rule(
    code="62304.7.1.3/soup-anomalies-not-evaluated",
    clause="7.1.3",
    summary="Each SOUP component points to its published anomaly list and evaluates it.",
)
def soup_anomalies_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        missing = blank_fields(soup, ("anomaly-list", "anomaly-evaluation"))
        if missing:
            yield Violation(
                soup,
                f"{soup.id}'s known anomalies are not evaluated: add "
                f"{' and '.join(f'{name}:' for name in missing)}",
            )


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
FILE_REFERENCE = re.compile(r"^[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]+$|^[\w.-]+(?:/[\w.-]+)+/?$")
_REVISION = re.compile(r"\b(?:rev(?:ision)?|version|edition|issue|v)\.?\s*[\w.-]*\d", re.IGNORECASE)


def anomaly_reference(value: str, graph: TraceGraph) -> str | None:
    """What a SOUP's ``anomaly-list`` names: ``url``, ``item`` (an id of the project),
    ``file`` (a path in the repository, whose existence the loader checks) or
    ``document`` (a named document with its revision); None for anything else."""
    text = value.strip()
    if _URL.match(text):
        return "url"
    if text in graph:
        return "item"
    if FILE_REFERENCE.match(text):
        return "file"
    if _REVISION.search(text) and len(text.split()) > 1:
        return "document"
    return None


@rule(
    code="62304.7.1.3/anomaly-list-unclear",
    clause="7.1.3",
    summary="A SOUP's anomaly-list names where its known anomalies are published: a URL, a "
    "file in the repository, an item id of the project, or a named document with its "
    "revision.",
)
def anomaly_lists_are_named(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        value = soup.field("anomaly-list")
        if blank(value) or anomaly_reference(str(value), ctx.graph) is not None:
            continue
        yield Violation(
            soup,
            f"{soup.id}'s anomaly-list {str(value)[:60]!r} is not a URL, a file, an item id or "
            "a named document with its revision (e.g. 'Vendor errata, revision 7')",
        )


@rule(
    code="62304.7.1.4/sequence-of-events-missing",
    clause="7.1.4",
    summary="Each hazardous situation documents the sequence of events that leads to it.",
)
def situations_describe_their_sequence(ctx: RuleContext) -> Iterator[Violation]:
    for situation in ctx.items(_SITUATION):
        if blank(situation.field("sequence-of-events")):
            yield Violation(
                situation,
                f"{situation.id} does not say how it comes about: add sequence-of-events:",
            )


@rule(
    code="62304.7.2.1/situation-not-controlled",
    clause="7.2.1",
    summary="Each hazardous situation software contributes to has a risk control mitigating it.",
)
def situations_are_controlled(ctx: RuleContext) -> Iterator[Violation]:
    for situation in ctx.items(_SITUATION):
        if not ctx.graph.targets(situation.id, "caused-by"):
            continue
        controls = ctx.graph.sources(situation.id, "mitigates")
        if not any(control.kind == "risk-control" for control in controls):
            yield Violation(
                situation,
                f"{situation.id} has software causes but no risk control: add a risk-control "
                f"with mitigates: [{situation.id}]",
            )


@rule(
    code="62304.7.3.1/risk-control-not-verified",
    clause="7.3.1",
    summary="Each risk control carried out in software has verification of its own: a test "
    "case that verifies the control, a current review record of it, or a verification entry "
    "on it; a test of a requirement that implements it does not show the control works.",
)
def risk_controls_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.items("risk-control"):
        if control.field("implemented-in") not in (None, "software"):
            continue  # verified by the hardware or usability file, not the software tests
        if own_verification(ctx, control):
            continue
        through = [
            r.id
            for r in ctx.graph.sources(control.id, "implements-risk-control")
            if r.kind == "software-requirement" and _tested(ctx, r.id)
        ]
        why = (
            f" (only {', '.join(through)}, which implement{'s' if len(through) == 1 else ''} "
            "it, are tested)"
            if through
            else ""
        )
        yield Violation(
            control,
            f"{control.id} has no verification of its own{why}: add a test-case with "
            f"verifies: [{control.id}], or say in verification: how the control was verified",
        )


def own_verification(ctx: RuleContext, control: Item) -> bool:
    """Whether evidence is recorded against the control itself (7.3.1)."""
    if _tested(ctx, control.id) or not blank(control.field("verification")):
        return True
    for record in ctx.graph.sources(control.id, "reviews"):
        if record.kind == APPROVING_RECORD:
            found = pin(record, control.id, ctx.fingerprints)
            if found is not None and found.binding is Binding.CURRENT:
                return True
    return False


def _tested(ctx: RuleContext, item_id: str) -> bool:
    return any(test.kind == "test-case" for test in ctx.graph.sources(item_id, "verifies"))


_TRACES = (("arises-from", "hazard", "HAZ-..."), ("may-cause", "harm", "HARM-..."))


@rule(
    code="62304.7.3.3/situation-not-traced",
    clause="7.3.3",
    summary="Each hazardous situation traces to the hazard it arises from and the harm it may "
    "cause.",
)
def situations_are_traced(ctx: RuleContext) -> Iterator[Violation]:
    for situation in ctx.items(_SITUATION):
        missing = [t for t in _TRACES if not ctx.graph.targets(situation.id, t[0])]
        if missing:
            what = " or ".join(noun for _, noun, _ in missing)
            add = " and ".join(f"{role}: [{example}]" for role, _, example in missing)
            yield Violation(situation, f"{situation.id} is not traced to its {what}: add {add}")

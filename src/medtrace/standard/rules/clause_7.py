"""Rules for clause 7 of IEC 62304: software risk management.

A hazardous situation is judged at the project's class, a SOUP component at
the class of the software that uses it, and a risk control at the class of
the software that implements it (see :mod:`medtrace.standard.classes`).
"""

from __future__ import annotations

from collections.abc import Iterator

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
    summary="Each risk control is verified by a test case, directly or through a software "
    "requirement that implements it.",
)
def risk_controls_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.items("risk-control"):
        if control.field("implemented-in") not in (None, "software"):
            continue  # verified by the hardware or usability file, not the software tests
        verified = [control.id]
        for requirement in ctx.graph.sources(control.id, "implements-risk-control"):
            if requirement.kind == "software-requirement":
                verified.append(requirement.id)
        if not any(_tested(ctx, item_id) for item_id in verified):
            yield Violation(
                control,
                f"{control.id} is verified by no test case: add a test-case with "
                f"verifies: [{control.id}] or verify a requirement that implements it",
            )


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

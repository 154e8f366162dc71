"""Rules on the risk management file: risk estimated on the plan's scales, residual risk
acceptable, new hazards from controls analysed (4.2: ISO 14971), and risk controls
verified by passing tests (7.3.1).

Levels are read as :mod:`medtrace.graph.risk` reads them, on the ``[risk]``
scales of ``medtrace.toml``. A hazardous situation and a harm are judged at the
project's class, a risk control at the class of the software that implements it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medtrace.graph.risk import (
    CONTROL,
    SITUATION,
    ChainStatus,
    ControlChain,
    Level,
    RiskLevel,
    control_chain,
    read_level,
    situation_risk,
)
from medtrace.graph.verification import BAD_OUTCOMES
from medtrace.model import Item
from medtrace.model.results import Outcome
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


def _scale(levels: Sequence[str]) -> str:
    return ", ".join(level.split()[0] for level in levels)


def _off_scale(item: Item, fields: Sequence[tuple[str, Level]], levels: str) -> Violation:
    said = "; ".join(
        f"{name} {level.value!r} is not on the scale" if level.value else f"no {name}"
        for name, level in fields
    )
    return Violation(
        item, f"{item.id}'s risk cannot be estimated: {said} (levels of [risk]: {levels})"
    )


@rule(
    code="62304.4.2/risk-level-unknown",
    clause="4.2",
    summary="Each hazardous situation's probabilities and each harm's severity are levels of "
    "the [risk] scales of the risk management plan.",
)
def risk_levels_are_on_the_scales(ctx: RuleContext) -> Iterator[Violation]:
    risk = ctx.config.risk
    for harm in ctx.items("harm"):
        severity = read_level(harm.field("severity"), risk.severity)
        if not severity.known:
            yield _off_scale(harm, [("severity", severity)], _scale(risk.severity))
    for situation in ctx.items(SITUATION):
        entry = situation_risk(ctx.graph, risk, situation, {})
        unknown = [
            (name, level)
            for name, level in entry.unknown_levels
            if name.endswith("probability") or situation.field(name) is not None
        ]
        if unknown:
            levels = _scale(risk.probability)
            if any(name.endswith("severity") for name, _ in unknown):
                levels = f"{levels}; {_scale(risk.severity)}"
            yield _off_scale(situation, unknown, levels)


@rule(
    code="62304.4.2/residual-risk-unacceptable",
    clause="4.2",
    summary="No hazardous situation's residual risk, after its risk controls, is in an "
    "unacceptable (U) cell of the acceptability matrix.",
)
def residual_risks_are_acceptable(ctx: RuleContext) -> Iterator[Violation]:
    for situation in ctx.items(SITUATION):
        entry = situation_risk(ctx.graph, ctx.config.risk, situation, {})
        if entry.after is RiskLevel.UNACCEPTABLE:
            yield Violation(
                situation,
                f"{situation.id}'s residual risk is unacceptable: "
                f"{entry.residual_severity.short} at {entry.residual_probability.short} is a U "
                "cell of the [risk] matrix; reduce it with further risk controls and record "
                "the residual-probability (or residual-severity) they achieve",
            )


@rule(
    code="62304.4.2/introduced-hazard-not-analysed",
    clause="4.2",
    summary="Each hazard a risk control introduces has a hazardous situation arising from it "
    "(ISO 14971 7.5).",
)
def introduced_hazards_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.items(CONTROL):
        for hazard in ctx.graph.targets(control.id, "introduces"):
            if hazard.kind != "hazard":
                continue
            arising = ctx.graph.sources(hazard.id, "arises-from")
            if not any(s.kind == SITUATION for s in arising):
                yield Violation(
                    control,
                    f"{control.id} introduces {hazard.id}, but no hazardous situation arises "
                    f"from it: add one with arises-from: [{hazard.id}] and estimate its risk",
                )


@rule(
    code="62304.7.3.1/risk-control-verification-failed",
    clause="7.3.1",
    summary="No test of a software risk control, or of a requirement implementing it, fails; "
    "once results are imported, each has a result.",
)
def risk_controls_pass_their_tests(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.has_results:
        return  # no test has a result: none failed, and none is missing one yet
    for control in ctx.items(CONTROL):
        chain = control_chain(ctx.graph, control, ctx.results, ctx.status)
        failed = chain.status is ChainStatus.FAILED
        if failed or (chain.status is ChainStatus.NOT_RUN and ctx.runs):
            situations = [s.id for s in ctx.graph.targets(control.id, "mitigates")]
            yield Violation(
                control,
                f"{control.id} is not verified{_mitigating(situations)}: {_problems(chain)}",
            )


def _mitigating(situations: Sequence[str]) -> str:
    return f" (it mitigates {', '.join(situations)})" if situations else ""


def _problems(chain: ControlChain) -> str:
    failed: dict[str, None] = {}
    unrun: dict[str, None] = {}
    for link in chain.links:
        for evidence in link.evidence:
            if evidence.outcome in BAD_OUTCOMES:
                failed[evidence.test] = None
            elif evidence.outcome in (None, Outcome.SKIPPED):
                unrun[evidence.test] = None
    parts = []
    if failed:
        parts.append(f"{', '.join(failed)} failed in the latest result")
    if unrun:
        parts.append(f"no result for {', '.join(unrun)}")
    return "; ".join(parts)

"""Rules of cybersecurity: what the FDA's premarket cybersecurity guidance (September 2023,
updated June 2025) and IEC 81001-5-1 ask of SOUP records and security risk management.

SOUP is identified under 8.1.2; the FDA asks the SBOM to give each component's level of
support and end-of-support date, so a SOUP record of software at class B or C names both.
A threat model is ``threat`` items; the security risk controls that mitigate them are
``risk-control`` items, so the safety rules' verification closure (7.3.1) holds for them
too, and at every class a security control is carried out by a security requirement,
whose tests the 5.7.1 rules ask for.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.cvss import base_score
from medtrace.graph.soup import advisories_of
from medtrace.model import Item, SafetyClass
from medtrace.model.kinds import serves
from medtrace.model.kinds_security import STRIDE
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank, blank_fields

_BC = frozenset({SafetyClass.B, SafetyClass.C})


@rule(
    code="62304.8.1.2/soup-support-missing",
    clause="8.1.2",
    summary="A SOUP record of class B or C software names its support-level and "
    "end-of-support date, which the SBOM carries (FDA premarket cybersecurity guidance, SBOM "
    "elements).",
    classes=_BC,
)
def soup_support_is_known(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        if soup.field("status") == "obsolete":
            continue
        missing = blank_fields(soup, ("support-level", "end-of-support"))
        if missing:
            yield Violation(soup, f"{soup.id} does not set {' or '.join(missing)}")


def _threats(ctx: RuleContext) -> list[Item]:
    return [t for t in ctx.items("threat") if t.field("status") != "obsolete"]


@rule(
    code="62304.4.2/threat-incomplete",
    clause="4.2",
    summary="A threat of the threat model names the asset, its STRIDE categories, the attack "
    "vector and what it threatens (IEC 81001-5-1 5.2; FDA premarket cybersecurity, threat "
    "modelling).",
)
def threats_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for threat in _threats(ctx):
        missing = blank_fields(threat, ("asset", "stride", "attack-vector"))
        if not threat.targets("threatens"):
            missing.append("threatens")
        stride = threat.field("stride")
        unknown = [c for c in stride if c not in STRIDE] if isinstance(stride, tuple) else []
        problems = [f"does not set {', '.join(missing)}"] if missing else []
        if unknown:
            problems.append(f"names {', '.join(unknown)}, not a STRIDE category")
        if problems:
            yield Violation(threat, f"{threat.id} {'; '.join(problems)}")


@rule(
    code="62304.4.2/threat-not-controlled",
    clause="4.2",
    summary="Each threat is mitigated by a security risk control, or its residual risk is "
    "accepted with a reason (IEC 81001-5-1 7.x, security risk management).",
)
def threats_are_controlled(ctx: RuleContext) -> Iterator[Violation]:
    for threat in _threats(ctx):
        controls = [
            c for c in ctx.graph.sources(threat.id, "mitigates") if c.kind == "risk-control"
        ]
        if not controls and blank(threat.field("risk-acceptance")):
            yield Violation(
                threat,
                f"{threat.id} has no risk control: add a risk-control with mitigates: "
                f"[{threat.id}], or risk-acceptance: with the reason",
            )


@rule(
    code="62304.5.2.2/security-control-not-in-requirements",
    clause="5.2.2",
    summary="A security risk control (one that mitigates a threat) is carried out by a "
    "software requirement of category security, which its tests then verify (IEC 81001-5-1 "
    "5.2, 5.7; FDA premarket cybersecurity, traceability).",
)
def security_controls_are_required(ctx: RuleContext) -> Iterator[Violation]:
    for control in ctx.items("risk-control"):
        threats = [t.id for t in ctx.graph.targets(control.id, "mitigates") if t.kind == "threat"]
        if not threats:
            continue
        requirements = ctx.graph.sources(control.id, "implements-risk-control")
        if not any(r.field("category") == "security" for r in requirements):
            yield Violation(
                control,
                f"{control.id} mitigates {', '.join(threats)} but no software requirement of "
                f"category security implements it (implements-risk-control: [{control.id}])",
            )


@rule(
    code="62304.6.1/vulnerability-disclosure-plan-missing",
    clause="6.1",
    summary="A project with a threat model has a coordinated vulnerability disclosure plan "
    "(a plan of plan-type vulnerability-disclosure; IEC 81001-5-1, FDA premarket "
    "cybersecurity).",
)
def disclosure_is_planned(ctx: RuleContext) -> Iterator[Violation]:
    threats = _threats(ctx)
    if not threats or not ctx.applies_to_project:
        return
    plans = [
        p
        for p in ctx.graph.of_kind("plan")
        if serves(p, "vulnerability-disclosure") and p.field("status") != "obsolete"
    ]
    if not plans:
        yield Violation(
            None,
            f"the project has a threat model ({threats[0].id}...) but no coordinated "
            "vulnerability disclosure plan: add a plan with plan-type: vulnerability-disclosure",
        )


@rule(
    code="62304.7.1.3/vulnerability-severity-missing",
    clause="7.1.3",
    summary="The evaluation of an advisory that carries a CVSS vector states that vector, its "
    "base score and whether the vulnerability is known to be exploited (FDA premarket "
    "cybersecurity, vulnerability assessment).",
)
def severities_are_assessed(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.advisories is None:
        return
    for soup in ctx.items("soup"):
        for match, evaluation in advisories_of(ctx.graph, soup, ctx.advisories):
            vectors = [score for kind, score in match.advisory.severity if kind.startswith("CVSS")]
            if evaluation is None or not vectors:
                continue
            problems = []
            vector = str(evaluation.field("cvss-vector") or "")
            if vector not in vectors:
                problems.append(f"cvss-vector: {vectors[0]}")
                vector = vectors[0]
            score, stated = base_score(vector), evaluation.field("cvss-score")
            if score is not None and (
                not isinstance(stated, int | float) or round(float(stated), 1) != score
            ):
                problems.append(f"cvss-score: {score:g} (the vector's base score)")
            if not isinstance(evaluation.field("known-exploited"), bool):
                problems.append("known-exploited: true or false (CISA KEV)")
            if problems:
                yield Violation(
                    evaluation,
                    f"{evaluation.id} evaluates {match.advisory.id} without its severity: "
                    f"add {' and '.join(problems)}",
                )

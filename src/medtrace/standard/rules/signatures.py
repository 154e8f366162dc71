"""Electronic signatures (21 CFR Part 11, EU Annex 11): every record verified by ``check``.

Each finding names the IEC 62304 clause the signed item's approval or review serves
(as review records do, :data:`~medtrace.standard.rules.evidence.REVIEW_CLAUSES`) and the
Part 11 section in its message. A forged, unauthorised or void signature is reported
at every class: whatever it signs, nobody may rely on it. A missing signature is
reported where ``[signatures] required`` names the kind, unless the kind's approval
has a rule of its own (software requirements 5.2.6, the development plan 5.1.1,
attestations), which then says it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from medtrace.graph.evidence import approval_problem
from medtrace.model import ALL_CLASSES, Item, Severity
from medtrace.model.kinds import serves
from medtrace.model.signature import SignatureState
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.evidence import OTHER_REVIEWS, REVIEW_CLAUSES

_OWN_RULES = frozenset({"software-requirement", "attestation"})
# The clauses where a kind without an approval rule of its own may be required signed.
_MISSING_CLAUSES = frozenset(
    {c for kind, c in REVIEW_CLAUSES.items() if kind not in _OWN_RULES} | {OTHER_REVIEWS}
)
_SECTIONS = {
    SignatureState.FORGED: "21 CFR 11.70",
    SignatureState.UNAUTHORISED: "21 CFR 11.10(g), 11.100",
    SignatureState.VOID: "21 CFR 11.70",
}


def clause_of(kind: str) -> str:
    return REVIEW_CLAUSES.get(kind, OTHER_REVIEWS)


def _verdicts(ctx: RuleContext, clause: str, state: SignatureState) -> Iterator[Violation]:
    signatures = ctx.signatures
    if signatures is None:
        return
    for checked in signatures.checked:
        verdict = checked.verdict
        if verdict.state is not state:
            continue
        target = ctx.graph.get(verdict.item)
        if clause_of(target.kind if target is not None else "") != clause:
            continue
        record = ctx.graph.get(verdict.record)
        again = f"sign again: medtrace sign {verdict.item} --meaning {verdict.meaning}"
        yield Violation(
            record,
            f"{_SECTIONS[state]}: {verdict.meaning} signature {verdict.record} by "
            f"{verdict.name or verdict.signer} on {verdict.item} is {state.value}: "
            f"{verdict.problem} ({again})",
        )


def _owns_approval_rule(item: Item) -> bool:
    return item.kind in _OWN_RULES or serves(item, "development")


def _missing(ctx: RuleContext, clause: str) -> Iterator[Violation]:
    signatures = ctx.signatures
    if signatures is None:
        return
    for kind in signatures.policy.required:
        if clause_of(kind) != clause:
            continue
        for item in ctx.items(kind):
            if _owns_approval_rule(item):
                continue
            problem = approval_problem(item, ctx.fingerprints, signatures)
            if problem is not None:
                yield Violation(
                    item,
                    f"21 CFR 11.50: {item.id} {problem} ([signatures] required names "
                    f"{kind}; sign it: medtrace sign {item.id} --meaning approved)",
                )


def _register(clause: str) -> None:
    checks: list[tuple[str, SignatureState, Severity, str]] = [
        ("forged", SignatureState.FORGED, Severity.ERROR,
         "verifies: its Ed25519 signature over the record's canonical form holds under a "
         "registered key (not edited, not copied)"),
        ("unauthorised", SignatureState.UNAUTHORISED, Severity.ERROR,
         "is by a signer in the register, active at the time, whose role may sign that "
         "meaning on that kind"),
        ("void", SignatureState.VOID, Severity.WARNING,
         "is on the content as it is now (the item did not change since it was signed)"),
    ]  # fmt: skip
    for name, state, severity, summary in checks:
        rule(
            code=f"62304.{clause}/signature-{name}",
            clause=clause,
            summary=f"An electronic signature on what {clause} covers {summary}.",
            severity=severity,
            classes=ALL_CLASSES,
        )(_verdict_check(clause, state))
    if clause not in _MISSING_CLAUSES:
        return  # every kind there has an approval rule of its own, which reports it
    rule(
        code=f"62304.{clause}/signature-missing",
        clause=clause,
        summary=f"What {clause} covers, of a kind [signatures] required names, is approved "
        "by a valid electronic signature on its content as it is now.",
    )(_missing_check(clause))


def _verdict_check(
    clause: str, state: SignatureState
) -> Callable[[RuleContext], Iterator[Violation]]:
    def check(ctx: RuleContext) -> Iterator[Violation]:
        yield from _verdicts(ctx, clause, state)

    return check


def _missing_check(clause: str) -> Callable[[RuleContext], Iterator[Violation]]:
    def check(ctx: RuleContext) -> Iterator[Violation]:
        yield from _missing(ctx, clause)

    return check


for _clause in sorted(set(REVIEW_CLAUSES.values()) | {OTHER_REVIEWS}):
    _register(_clause)

"""Clauses no data can decide, wholly or in part: each needs a signed attestation naming
its evidence.

An attestation item lists the clauses it covers and names the plan section or
checklist entry that shows them (``evidence``); it counts once it is signed
off (``signed-by`` and ``signed-date`` on the item, or an approving
review-record that ``reviews`` it) and while neither it nor the evidence it
names (``documented-in``) changed since: the attestation records their
fingerprints (``medtrace bind``, :mod:`medtrace.graph.evidence`).

An attestation is asked for only while its clause applies at the project's
class and is about something in the project (:mod:`medtrace.standard.scopes`):
the legacy clauses only for legacy software, the maintenance clauses only once
something is released. For a clause decided partly by rules, the finding says
what the rules check and what the person attests.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.evidence import Binding, Pin, approvals, pin, record_pins
from medtrace.model import Item, Severity
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.scopes import due

ATTESTATION_NEEDED = "attestation-needed"


def signed_off(ctx: RuleContext, attestation: Item) -> bool:
    return attestation_problem(ctx, attestation) is None


def attestation_problem(ctx: RuleContext, attestation: Item) -> str | None:
    """Why ``attestation`` does not count now (None: it is signed off, bound to what it says
    and to the evidence it names, and none of them changed since)."""
    fingerprints = ctx.fingerprints
    named = [p for p in record_pins(attestation, fingerprints) if p.target != attestation.id]
    stale = [p for p in named if p.binding is not Binding.CURRENT]
    signatures = ctx.signatures
    by_fields = signatures is None or not signatures.policy.requires(attestation.kind)
    if by_fields and attestation.field("signed-by") and attestation.field("signed-date"):
        own = pin(attestation, attestation.id, fingerprints)
        if own is not None and own.binding is not Binding.CURRENT:
            stale.insert(0, own)
        signed = True
    else:
        found = [
            a for a in approvals(attestation, fingerprints, signatures) if a.via != attestation.id
        ]
        signed = any(a.current for a in found)
        if found and not signed:
            return "is void: " + "; ".join([a.describe() for a in found] + _described(stale))
        elif not found:
            return "is not signed off (signed-by and signed-date, or an approving review record)"
    if not stale and signed:
        return None
    return "is void: " + "; ".join(_described(stale))


def _described(pins: list[Pin]) -> list[str]:
    return [p.describe() for p in pins]


def attestations_of(ctx: RuleContext, number: str) -> tuple[Item, ...]:
    """Attestation items naming clause ``number``."""
    return tuple(item for item in ctx.graph.of_kind("attestation") if number in _clauses_of(item))


def _clauses_of(item: Item) -> tuple[str, ...]:
    value = item.field("clauses")
    return value if isinstance(value, tuple) else ()


def asked(clause: Clause) -> str:
    """What the finding asks a person to attest, and for a clause partly decided by rules,
    which part the rules check."""
    what = clause.attest or "it"
    if clause.method is Method.RULES_AND_ATTESTATION:
        return f"the rules check the records; attest {what}"
    return f"attest {what}"


def _register(clause: Clause) -> None:
    def check(ctx: RuleContext) -> Iterator[Violation]:
        if not ctx.applies_to_project or not due(ctx, clause.number):
            return
        found = attestations_of(ctx, clause.number)
        problems = [(item, attestation_problem(ctx, item)) for item in found]
        if any(problem is None for _, problem in problems):
            return
        if found:
            yield Violation(
                found[0],
                "; ".join(f"attestation {item.id} for {clause.number} {p}" for item, p in problems),
            )
        else:
            yield Violation(
                None,
                f"{clause.number} {clause.title}: {asked(clause)} (an attestation item naming "
                "the evidence, signed off)",
            )

    summary = (
        f"{clause.title}: the part no data can show needs a signed attestation naming its evidence."
        if clause.method is Method.RULES_AND_ATTESTATION
        else f"{clause.title}: needs a signed attestation naming its evidence."
    )
    rule(
        code=f"62304.{clause.number}/{ATTESTATION_NEEDED}",
        clause=clause.number,
        summary=summary,
        severity=Severity.WARNING,
    )(check)


for _clause in CLAUSES:
    if _clause.attestation:
        _register(_clause)

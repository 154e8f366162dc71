"""Clauses no data can decide: each needs a signed attestation naming its evidence.

An attestation item lists the clauses it covers and names the plan section or
checklist entry that shows them (``evidence``); it counts once it is signed
off: ``signed-by`` and ``signed-date`` on the item, or an approving
review-record that ``reviews`` it.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item, Severity
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule


def signed_off(ctx: RuleContext, attestation: Item) -> bool:
    if attestation.field("signed-by") and attestation.field("signed-date"):
        return True
    return any(
        review.kind == "review-record" and review.field("meaning") == "approved"
        for review in ctx.graph.sources(attestation.id, "reviews")
    )


def attestations_of(ctx: RuleContext, number: str) -> tuple[Item, ...]:
    """Attestation items naming clause ``number``."""
    return tuple(item for item in ctx.graph.of_kind("attestation") if number in _clauses_of(item))


def _clauses_of(item: Item) -> tuple[str, ...]:
    value = item.field("clauses")
    return value if isinstance(value, tuple) else ()


def _register(clause: Clause) -> None:
    def check(ctx: RuleContext) -> Iterator[Violation]:
        if not ctx.applies_to_project:
            return
        found = attestations_of(ctx, clause.number)
        if any(signed_off(ctx, item) for item in found):
            return
        if found:
            names = ", ".join(item.id for item in found)
            yield Violation(found[0], f"attestation {names} for {clause.number} is not signed off")
        else:
            yield Violation(
                None,
                f"{clause.number} {clause.title}: attest it with the plan section or checklist "
                "entry that shows it, signed off (an attestation item)",
            )

    rule(
        code=f"62304.{clause.number}/attestation-needed",
        clause=clause.number,
        summary=f"{clause.title}: needs a signed attestation naming its evidence.",
        severity=Severity.WARNING,
    )(check)


for _clause in CLAUSES:
    if _clause.method is Method.ATTESTATION:
        _register(_clause)

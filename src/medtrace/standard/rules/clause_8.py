"""Rules for clause 8 of IEC 62304: software configuration management."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Change request states that mean the change was approved before work went on.
_PAST_APPROVAL = frozenset({"approved", "implemented", "verified", "closed"})


@rule(
    code="62304.8.1.2/soup-identification",
    clause="8.1.2",
    summary="Each SOUP component names its manufacturer and exact version.",
)
def soup_is_identified(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        missing = [name for name in ("manufacturer", "version") if blank(soup.field(name))]
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            yield Violation(soup, f"{soup.id} is not identified: add {add}")


@rule(
    code="62304.8.2.1/change-not-approved",
    clause="8.2.1",
    summary="A change request past approval records who approved it and when.",
)
def changes_are_approved(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") not in _PAST_APPROVAL:
            continue
        missing = [name for name in ("approved-by", "approved-date") if blank(change.field(name))]
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            state = change.field("state")
            yield Violation(change, f"{change.id} is {state} with no approval recorded: add {add}")

"""Rules for clause 8 of IEC 62304: software configuration management."""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import Item, Severity
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# Change request states that mean the change was approved before work went on.
_PAST_APPROVAL = frozenset({"approved", "implemented", "verified", "closed"})
_IMPLEMENTED = frozenset({"implemented", "verified", "closed"})
_VERIFIED = frozenset({"verified", "closed"})


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


@rule(
    code="62304.7.4.1/change-safety-impact-missing",
    clause="7.4.1",
    summary="A change request past approval records the analysis of its effect on safety.",
)
def changes_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _PAST_APPROVAL and blank(change.field("safety-impact")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} with no safety analysis: add "
                "safety-impact: (what the change can do to safety, the risk controls it "
                "touches, the regression scope)",
            )


@rule(
    code="62304.8.2.3/change-not-verified",
    clause="8.2.3",
    summary="A change request that is verified or closed says how the change was verified.",
)
def changes_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _VERIFIED and blank(change.field("verification")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but does not say how the change was "
                "verified: add verification: (the tests and results, at which revision)",
            )


@rule(
    code="62304.8.2.4/change-commits-missing",
    clause="8.2.4",
    summary="A change request that is implemented, verified or closed names the commits "
    "that implement it.",
    severity=Severity.WARNING,
)
def changes_are_traced_to_commits(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _IMPLEMENTED and blank(change.field("commits")):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but names no commits: add commits: "
                "[...] (the git commits that implement it)",
            )


@rule(
    code="62304.8.1.1/not-under-version-control",
    clause="8.1.1",
    summary="The project is in a git repository with at least one commit: each configuration "
    "item is identified by its file and id, its version by the commit.",
    severity=Severity.WARNING,
)
def project_is_versioned(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.applies_to_project and ctx.versioned is False:
        yield Violation(
            None,
            "the project is not in a git repository with a commit: configuration items have "
            "no versions (git init, then commit)",
        )


@rule(
    code="62304.8.2.2/change-items-not-named",
    clause="8.2.2",
    summary="A change request that is implemented, verified or closed names the items it "
    "changes (changes), so that what must be repeated for them can be checked.",
)
def changes_name_their_items(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if change.field("state") in _IMPLEMENTED and not change.targets("changes"):
            yield Violation(
                change,
                f"{change.id} is {change.field('state')} but names nothing it changes: add "
                "changes: [...] (the requirements, design, units, tests or SOUP it changed)",
            )


@rule(
    code="62304.8.3/change-state-missing",
    clause="8.3",
    summary="Each change request records its state, so that the status of every change can "
    "be reported.",
)
def changes_have_a_state(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        if blank(change.field("state")):
            yield Violation(
                change,
                f"{change.id} records no state: add state: (proposed, approved, implemented, "
                "verified, closed or rejected)",
            )


@rule(
    code="62304.7.4.2/affected-control-not-analysed",
    clause="7.4.2",
    summary="A change request past approval names, in its safety-impact, each risk control "
    "carried out by what it changes (directly, through requirements, units or SOUP).",
)
def affected_controls_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for change in ctx.items("change-request"):
        impact = str(change.field("safety-impact") or "")
        if change.field("state") not in _PAST_APPROVAL or not impact.strip():
            continue  # without a safety analysis 7.4.1 speaks
        missing = [c for c in touched_controls(ctx, change) if c not in impact]
        if missing:
            yield Violation(
                change,
                f"{change.id} changes what carries out {', '.join(missing)}; its safety-impact "
                "does not say whether the change could interfere with "
                + ("it" if len(missing) == 1 else "them"),
            )


def touched_controls(ctx: RuleContext, change: Item) -> list[str]:
    """The risk controls carried out by what ``change`` changes, by id."""
    graph = ctx.graph
    reached: dict[str, Item] = {}
    for item in graph.targets(change.id, "changes"):
        reached[item.id] = item
        if item.kind == "soup":
            reached.update((u.id, u) for u in graph.targets(item.id, "used-by"))
        for unit in graph.targets(item.id, "design-of"):
            reached[unit.id] = unit
    controls: set[str] = set()
    for item in list(reached.values()):
        if item.kind == "risk-control":
            controls.add(item.id)
        controls.update(c.id for c in graph.targets(item.id, "implements-risk-control"))
        for requirement in graph.targets(item.id, "implements"):
            controls.update(c.id for c in graph.targets(requirement.id, "implements-risk-control"))
    return sorted(controls)

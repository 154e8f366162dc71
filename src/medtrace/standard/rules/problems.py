"""Rules on the life of a problem report (9.1, 9.2, 9.8): its state history follows the
problem resolution state machine, a closed report had a verified fix, and a report
on software the risk analysis names is judged for safety.

The state machine (``state-history``, oldest entry first)::

    open -> investigating -> resolved -> verified -> closed
                 ^               |           |          |
                 +---------------+-----------+----------+   re-opened (or back to open)

A report starts open and is closed only once verified.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from medtrace.graph import TraceGraph
from medtrace.model import Item
from medtrace.model.issues import StateEntry, parse_state_entry
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

REOPENED = ("investigating", "open")
# The states each state may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("investigating",),
    "investigating": ("resolved",),
    "resolved": ("verified", *REOPENED),
    "verified": ("closed", *REOPENED),
    "closed": REOPENED,
}
_FIXED = frozenset({"verified", "closed"})
_INVESTIGATED = frozenset({"resolved", "verified", "closed"})


def history(report: Item) -> tuple[str, ...]:
    """The report's ``state-history`` entries as written (empty when it has none)."""
    value = report.field("state-history")
    if isinstance(value, tuple):
        return value
    return (str(value),) if value is not None and str(value).strip() else ()


@rule(
    code="62304.9.1/problem-state-transition-invalid",
    clause="9.1",
    summary=(
        "A problem report's state-history is well formed, starts open, follows the state "
        "machine (closed only from verified), never goes back in time, and ends in its state."
    ),
)
def problem_states_follow_the_lifecycle(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        entries = history(report)
        if not entries:
            continue
        problems = _history_problems(report, entries)
        if problems:
            yield Violation(report, f"{report.id} state-history: " + "; ".join(problems))


def _history_problems(report: Item, entries: Sequence[str]) -> list[str]:
    parsed = [parse_state_entry(text) for text in entries]
    problems = [
        f"entry {number} {text.strip()[:60]!r} is not 'YYYY-MM-DD state[: who and why]'"
        for number, (text, entry) in enumerate(zip(entries, parsed, strict=True), 1)
        if entry is None
    ]
    first = parsed[0]
    if first is not None:
        problems += _start_problems(first, str(report.field("reported-date") or ""))
    for number in range(2, len(parsed) + 1):
        before, entry = parsed[number - 2], parsed[number - 1]
        if before is not None and entry is not None:
            problems += _step_problems(number, before, entry)
    last, state = parsed[-1], report.field("state")
    if last is not None and state is not None and last.state != state:
        problems.append(f"the last entry ({len(parsed)}) is {last.state} but state: is {state}")
    return problems


def _start_problems(first: StateEntry, reported: str) -> list[str]:
    problems = []
    if first.state != "open":
        problems.append(f"entry 1 starts at {first.state}: a report starts open")
    if reported and first.date < reported[:10]:
        problems.append(f"entry 1 ({first.date}) is before the reported-date {reported[:10]}")
    return problems


def _step_problems(number: int, before: StateEntry, entry: StateEntry) -> list[str]:
    problems = []
    allowed = TRANSITIONS[before.state]
    if entry.state not in allowed:
        why = (
            "closed only from verified"
            if entry.state == "closed"
            else f"from {before.state}: {', '.join(allowed)}"
        )
        problems.append(f"entry {number}: {before.state} -> {entry.state} is not allowed ({why})")
    if entry.date < before.date:
        problems.append(
            f"entry {number} ({entry.date}) is before entry {number - 1} ({before.date})"
        )
    return problems


@rule(
    code="62304.9.8/problem-closed-without-verified-fix",
    clause="9.8",
    summary=(
        "A problem report that is verified or closed had its fix verified: a change request "
        "that resolves it is verified or closed, or its state-history passed through verified "
        "since it was last opened."
    ),
)
def closed_problems_have_a_verified_fix(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        state = report.field("state")
        if state not in _FIXED:
            continue
        if any(change.field("state") in _FIXED for change in _changes(ctx.graph, report)):
            continue
        if _verified_since_opened(history(report)):
            continue
        yield Violation(
            report,
            f"{report.id} is {state} without a verified fix: no change request that resolves "
            "it is verified or closed, and its state-history does not pass through verified",
        )


def _verified_since_opened(entries: Sequence[str]) -> bool:
    states = [entry.state for text in entries if (entry := parse_state_entry(text))]
    opened = max((i for i, state in enumerate(states) if state in REOPENED), default=-1)
    return "verified" in states[opened + 1 :]


@rule(
    code="62304.9.2/problem-safety-relevance-missing",
    clause="9.2",
    summary=(
        "A problem report on software, SOUP, requirements or controls the risk analysis names "
        "records safety-relevant:, and a safety-relevant one that is resolved, verified or "
        "closed has a change request that records its safety-impact."
    ),
)
def problems_are_judged_for_safety(ctx: RuleContext) -> Iterator[Violation]:
    for report in ctx.items("problem-report"):
        relevant = report.field("safety-relevant")
        if blank(relevant):
            named = [
                t.id for t in ctx.graph.targets(report.id, "affects") if _at_risk(ctx.graph, t)
            ]
            if named:
                yield Violation(
                    report,
                    f"{report.id} affects {', '.join(named)}, which the risk analysis names: "
                    "record safety-relevant: (true or false)",
                )
        elif relevant is True and report.field("state") in _INVESTIGATED:
            changes = _changes(ctx.graph, report)
            if not any(not blank(change.field("safety-impact")) for change in changes):
                yield Violation(
                    report,
                    f"{report.id} is safety-relevant and {report.field('state')} but no change "
                    "request that resolves it records safety-impact:",
                )


def _changes(graph: TraceGraph, report: Item) -> list[Item]:
    return [c for c in graph.sources(report.id, "resolves") if c.kind == "change-request"]


def _at_risk(graph: TraceGraph, item: Item) -> bool:
    """Is ``item`` (or what it is directly part of) named by the risk analysis?"""
    return _named_by_risk(graph, item) or any(
        _named_by_risk(graph, parent) for parent in graph.targets(item.id, "part-of")
    )


def _named_by_risk(graph: TraceGraph, item: Item) -> bool:
    if item.kind == "risk-control" or graph.targets(item.id, "implements-risk-control"):
        return True
    if any(s.kind == "hazardous-situation" for s in graph.sources(item.id, "caused-by")):
        return True
    return any(
        graph.targets(requirement.id, "implements-risk-control")
        for requirement in graph.targets(item.id, "implements")
    )

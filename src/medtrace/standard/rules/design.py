"""Rules on the architecture and the detailed design: interfaces written down (5.3.2,
5.4.3) and the design verified (5.3.6, 5.4.4), and the requirement content categories
(5.2.2).

Verification of a design is its approval bound to its content: the item's own
``status: approved`` with its fingerprint, or an approving review record that
``reviews`` it (:func:`medtrace.graph.evidence.approval_problem`); a design changed
since it was approved is not verified.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph import TraceGraph
from medtrace.graph.evidence import approval_problem
from medtrace.model import Item
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# The content categories of 5.2.2: a value of a software requirement's ``category``,
# the letters of 5.2.2 it stands for, and what it covers.
REQUIREMENT_CATEGORIES = (
    ("functional", "a", "functional and capability"),
    ("performance", "a", "performance"),
    ("interface", "b, c", "inputs, outputs and interfaces to other systems"),
    ("alarm", "d", "alarms, warnings and operator messages"),
    ("security", "e", "security"),
    ("usability", "f", "user interface (usability)"),
    ("data", "g", "data definition and database"),
    ("installation", "h", "installation and acceptance"),
    ("operation", "i", "operation methods"),
    ("maintenance", "i, k", "maintenance methods and user maintenance"),
    ("network", "j", "IT-network aspects"),
    ("regulatory", "l", "regulatory"),
)


def declared_not_applicable(graph: TraceGraph) -> dict[str, list[str]]:
    """Each category a software system names in ``categories-not-applicable``, with the
    systems that name it."""
    declared: dict[str, list[str]] = {}
    for system in graph.of_kind("software-system"):
        value = system.field("categories-not-applicable")
        for category in value if isinstance(value, tuple) else ():
            declared.setdefault(str(category).strip(), []).append(system.id)
    return declared


def uncovered_categories(graph: TraceGraph) -> list[str]:
    """The 5.2.2 categories no software requirement has and no system declares not
    applicable, in the order of the standard."""
    used = {str(r.field("category")) for r in graph.of_kind("software-requirement")}
    declared = declared_not_applicable(graph)
    return [c for c, _, _ in REQUIREMENT_CATEGORIES if c not in used and c not in declared]


@rule(
    code="62304.5.2.2/requirement-category-missing",
    clause="5.2.2",
    summary="Every content category of 5.2.2 has a software requirement, or the software "
    "system names it in categories-not-applicable with categories-rationale.",
)
def requirement_categories_are_covered(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project or not ctx.graph.of_kind("software-requirement"):
        return
    systems = ctx.graph.of_kind("software-system")
    missing = uncovered_categories(ctx.graph)
    if missing and systems:
        yield Violation(
            systems[0],
            f"no software requirement has category {', '.join(missing)}: add them, or name "
            f"those that do not apply in {systems[0].id}'s categories-not-applicable, with "
            "categories-rationale",
        )
    for system in systems:
        if system.field("categories-not-applicable") and blank(
            system.field("categories-rationale")
        ):
            yield Violation(
                system,
                f"{system.id} names categories not applicable without saying why: add "
                "categories-rationale:",
            )


@rule(
    code="62304.5.3.2/interfaces-missing",
    clause="5.3.2",
    summary="Each software item describes its interfaces with other items and with hardware "
    "and software outside (interfaces).",
)
def items_describe_their_interfaces(ctx: RuleContext) -> Iterator[Violation]:
    for item in ctx.items("software-item"):
        if blank(item.field("interfaces")):
            yield Violation(
                item,
                f"{item.id} does not describe its interfaces: add interfaces: (with which items "
                "and outside components, what passes, how errors are handled)",
            )


def _unverified(ctx: RuleContext, item: Item, what: str) -> Violation | None:
    problem = approval_problem(item, ctx.fingerprints)
    if problem is None:
        return None
    return Violation(
        item, f"{item.id} {problem}: verify the {what} and approve it (medtrace approve {item.id})"
    )


@rule(
    code="62304.5.3.6/architecture-not-verified",
    clause="5.3.6",
    summary="The software system and each software item are approved as they are now (the "
    "architecture is verified against requirements, interfaces and SOUP).",
)
def architecture_is_verified(ctx: RuleContext) -> Iterator[Violation]:
    for kind in ("software-system", "software-item"):
        for item in ctx.items(kind):
            found = _unverified(ctx, item, "architecture")
            if found is not None:
                yield found


@rule(
    code="62304.5.4.3/design-interfaces-missing",
    clause="5.4.3",
    summary="Each detailed design describes the design of its unit's interfaces (interfaces).",
)
def designs_describe_interfaces(ctx: RuleContext) -> Iterator[Violation]:
    for design in ctx.items("detailed-design"):
        if blank(design.field("interfaces")):
            yield Violation(
                design,
                f"{design.id} does not design its unit's interfaces: add interfaces: (to "
                "other units and outside components, in enough detail to implement them)",
            )


@rule(
    code="62304.5.4.4/design-not-verified",
    clause="5.4.4",
    summary="Each detailed design is approved as it is now (verified against the architecture).",
)
def designs_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    for design in ctx.items("detailed-design"):
        found = _unverified(ctx, design, "detailed design against the architecture")
        if found is not None:
            yield found

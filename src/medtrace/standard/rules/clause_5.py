"""Rules for clause 5 of IEC 62304: the software development process.

Each rule reads only the trace graph; the engine decides the classes it
applies at from the clause table, so the rules use ``ctx.items`` (or
``ctx.applies_to_project``) and never name a class.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.evidence import approval_problem
from medtrace.model import Item
from medtrace.model.kinds import SOFTWARE_KINDS, serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

_DECOMPOSITION = frozenset({"software-item", "software-unit"})


def _linked_from(ctx: RuleContext, item: Item, role: str, kinds: frozenset[str]) -> list[Item]:
    """Items of ``kinds`` that link to ``item`` with link type ``role``."""
    return [source for source in ctx.graph.sources(item.id, role) if source.kind in kinds]


def _unapproved(ctx: RuleContext, item: Item, how: str) -> Violation | None:
    """A violation when ``item`` has no approval bound to its content as it is now."""
    problem = approval_problem(item, ctx.fingerprints, ctx.signatures)
    if problem is None:
        return None
    return Violation(item, f"{item.id} {problem} ({how})")


def _development_plans(ctx: RuleContext) -> Iterator[Item]:
    for plan in ctx.items("plan"):
        if serves(plan, "development"):
            yield plan


@rule(
    code="62304.5.1.1/development-plan-missing",
    clause="5.1.1",
    summary="The project has a software development plan (a plan whose plan-type includes "
    "development).",
)
def development_plan_exists(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project:
        return
    if not any(serves(p, "development") for p in ctx.graph.of_kind("plan")):
        yield Violation(
            None, "no software development plan (add a plan item with plan-type: development)"
        )


@rule(
    code="62304.5.1.1/development-plan-not-approved",
    clause="5.1.1",
    summary="The software development plan is approved.",
)
def development_plan_is_approved(ctx: RuleContext) -> Iterator[Violation]:
    for plan in _development_plans(ctx):
        found = _unapproved(ctx, plan, f"approve it: medtrace approve {plan.id}")
        if found is not None:
            yield found


@rule(
    code="62304.5.2.1/requirement-not-derived",
    clause="5.2.1",
    summary="Each software requirement is derived, directly or through others, from a system "
    "requirement.",
)
def requirements_are_derived(ctx: RuleContext) -> Iterator[Violation]:
    for requirement in ctx.items("software-requirement"):
        above = ctx.graph.ancestors(requirement.id, ["derived-from"])
        if not any(item.kind == "system-requirement" for item in above):
            yield Violation(
                requirement,
                f"{requirement.id} is not derived from a system requirement (add derived-from: "
                "[SYS-...], or derive it from a software requirement that is)",
            )


@rule(
    code="62304.5.2.3/risk-control-not-in-requirements",
    clause="5.2.3",
    summary="Each risk control measure carried out in software is in a software requirement.",
)
def risk_controls_are_required(ctx: RuleContext) -> Iterator[Violation]:
    requirements = frozenset({"software-requirement"})
    for control in ctx.items("risk-control"):
        if control.field("implemented-in") not in (None, "software"):
            continue  # a hardware, labelling or procedural control is not a software requirement
        if not _linked_from(ctx, control, "implements-risk-control", requirements):
            yield Violation(
                control,
                f"{control.id} is in no software requirement (add a software-requirement with "
                f"implements-risk-control: [{control.id}])",
            )


@rule(
    code="62304.5.2.6/requirement-not-approved",
    clause="5.2.6",
    summary="Each software requirement is verified and approved.",
)
def requirements_are_approved(ctx: RuleContext) -> Iterator[Violation]:
    for requirement in ctx.items("software-requirement"):
        found = _unapproved(ctx, requirement, f"approve it: medtrace approve {requirement.id}")
        if found is not None:
            yield found


@rule(
    code="62304.5.3.1/requirement-not-allocated",
    clause="5.3.1",
    summary="Each software requirement is allocated to a software system, item or unit.",
)
def requirements_are_allocated(ctx: RuleContext) -> Iterator[Violation]:
    for requirement in ctx.items("software-requirement"):
        if not _linked_from(ctx, requirement, "implements", SOFTWARE_KINDS):
            yield Violation(
                requirement,
                f"{requirement.id} is allocated to no software item (add implements: "
                f"[{requirement.id}] to the system, item or unit that realises it)",
            )


@rule(
    code="62304.5.3.3/soup-functional-requirements-missing",
    clause="5.3.3",
    summary="Each SOUP component states the functional and performance requirements it must meet.",
)
def soup_has_functional_requirements(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        if blank(soup.field("functional-requirements")):
            yield Violation(
                soup,
                f"{soup.id} states no functional or performance requirements (add "
                "functional-requirements:)",
            )


@rule(
    code="62304.5.3.4/soup-system-requirements-missing",
    clause="5.3.4",
    summary="Each SOUP component states the hardware and software it needs.",
)
def soup_has_system_requirements(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        if blank(soup.field("system-requirements")):
            yield Violation(
                soup,
                f"{soup.id} states no system hardware and software it needs (add "
                "system-requirements:)",
            )


@rule(
    code="62304.5.4.1/item-not-decomposed",
    clause="5.4.1",
    summary="Each software item is decomposed into software units (or smaller items).",
)
def items_are_decomposed(ctx: RuleContext) -> Iterator[Violation]:
    for item in ctx.items("software-item"):
        if not _linked_from(ctx, item, "part-of", _DECOMPOSITION):
            yield Violation(
                item,
                f"{item.id} is not decomposed (add software units or items with part-of: "
                f"[{item.id}])",
            )


@rule(
    code="62304.5.4.2/detailed-design-missing",
    clause="5.4.2",
    summary="Each software unit has a detailed design.",
)
def units_have_detailed_design(ctx: RuleContext) -> Iterator[Violation]:
    designs = frozenset({"detailed-design"})
    for unit in ctx.items("software-unit"):
        if not _linked_from(ctx, unit, "design-of", designs):
            yield Violation(
                unit,
                f"{unit.id} has no detailed design (add a detailed-design item with design-of: "
                f"[{unit.id}])",
            )


@rule(
    code="62304.5.5.1/unit-source-missing",
    clause="5.5.1",
    summary="Each software unit names the source files that implement it.",
)
def units_have_source(ctx: RuleContext) -> Iterator[Violation]:
    for unit in ctx.items("software-unit"):
        if blank(unit.field("source-files")):
            yield Violation(
                unit, f"{unit.id} names no source files (add source-files: [path/to/file])"
            )


@rule(
    code="62304.5.5.5/unit-not-verified",
    clause="5.5.5",
    summary="Each software unit is verified by a test case, directly or through its design.",
)
def units_are_verified(ctx: RuleContext) -> Iterator[Violation]:
    tests = frozenset({"test-case"})
    designs = frozenset({"detailed-design"})
    for unit in ctx.items("software-unit"):
        verified = [unit, *_linked_from(ctx, unit, "design-of", designs)]
        if not any(_linked_from(ctx, target, "verifies", tests) for target in verified):
            yield Violation(
                unit,
                f"{unit.id} is verified by no test case (add a test-case with verifies: "
                f"[{unit.id}] or its detailed design)",
            )


@rule(
    code="62304.5.6.3/item-not-integration-tested",
    clause="5.6.3",
    summary="Each software item is verified by an integration test.",
)
def items_are_integration_tested(ctx: RuleContext) -> Iterator[Violation]:
    tests = frozenset({"test-case"})
    for item in ctx.items("software-item"):
        found = _linked_from(ctx, item, "verifies", tests)
        if not any(test.field("level") == "integration" for test in found):
            yield Violation(
                item,
                f"{item.id} has no integration test (add a test-case with level: integration "
                f"and verifies: [{item.id}])",
            )


@rule(
    code="62304.5.7.1/requirement-not-tested",
    clause="5.7.1",
    summary="Each software requirement is verified by a test case.",
)
def requirements_are_tested(ctx: RuleContext) -> Iterator[Violation]:
    tests = frozenset({"test-case"})
    for requirement in ctx.items("software-requirement"):
        if not _linked_from(ctx, requirement, "verifies", tests):
            yield Violation(
                requirement,
                f"{requirement.id} is verified by no test case (add a test-case with verifies: "
                f"[{requirement.id}])",
            )


@rule(
    code="62304.5.7.5/manual-test-without-record",
    clause="5.7.5",
    summary="Each manual test case has a record of its execution.",
)
def manual_tests_are_recorded(ctx: RuleContext) -> Iterator[Violation]:
    records = frozenset({"test-record"})
    for test in ctx.items("test-case"):
        if test.field("method") == "manual" and not _linked_from(ctx, test, "executes", records):
            yield Violation(
                test,
                f"{test.id} is a manual test with no execution record (add a test-record with "
                f"executes: [{test.id}])",
            )

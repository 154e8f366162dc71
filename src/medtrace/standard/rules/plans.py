"""Rules on the plans' sections (5.1.3-5.1.12, 5.5.2-5.5.4, 6.1) and on the verification
records being bound to a commit (5.1.11).

A plan addresses a planning clause in a *section*: a Markdown heading of its body
that names the clause in parentheses at its end, such as ``## 9 Configuration
management (5.1.9, 5.1.10)``, ``## 17 Unit verification (5.5.2 to 5.5.4)`` or
``## 6 Maintenance (6.1)``. A number names its sub-clauses too (``(8.2)`` covers
8.2.1); ``A to B`` (or ``A-B``) a range. The section is the text up to the next
heading of the same or a higher level; it is *written* when it holds text that
does not start with ``TODO`` (``medtrace init`` scaffolds sections as TODO).

The section must be in a plan that serves the clause's purpose (``plan-type``,
one purpose or a list): the development plan for every clause of 5.1 and 5.5,
or a plan of its own for integration (5.1.5), verification (5.1.6), risk
management (5.1.7) and configuration management (5.1.9-5.1.11); the
maintenance plan for 6.1. Whether the plan is adequate is the judgement its
approval records (5.1.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from medtrace.model import Item, Severity, SourceLocation
from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule

# The purposes of a plan that may hold each clause's section, besides development.
SECTION_CLAUSES: dict[str, tuple[str, ...]] = {
    "5.1.1": ("development",),
    "5.1.3": ("development",),
    "5.1.4": ("development",),
    "5.1.5": ("development", "integration"),
    "5.1.6": ("development", "verification"),
    "5.1.7": ("development", "risk-management"),
    "5.1.8": ("development",),
    "5.1.9": ("development", "configuration-management"),
    "5.1.10": ("development", "configuration-management"),
    "5.1.11": ("development", "configuration-management"),
    "5.1.12": ("development",),
    "5.5.2": ("development", "verification"),
    "5.5.3": ("development", "verification"),
    "5.5.4": ("development", "verification"),
    "6.1": ("maintenance",),
}
# What each section is about, for the message that asks for it.
TOPICS = {
    "5.1.1": "Processes, deliverables, traceability and problem resolution",
    "5.1.3": "Link to system requirements and system design",
    "5.1.4": "Standards, methods and tools",
    "5.1.5": "Integration and integration testing",
    "5.1.6": "Verification",
    "5.1.7": "Software risk management",
    "5.1.8": "Documentation",
    "5.1.9": "Configuration management",
    "5.1.10": "Supporting items under configuration control",
    "5.1.11": "Configuration control before verification",
    "5.1.12": "Common software defects",
    "5.5.2": "Unit verification process",
    "5.5.3": "Unit acceptance criteria",
    "5.5.4": "Additional unit acceptance criteria",
    "6.1": "Software maintenance",
}
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TAGS = re.compile(r"\(([^()]*)\)\s*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_RANGE = re.compile(r"(\d+(?:\.\d+)*)\s*(?:to|-|\u2013)\s*(\d+(?:\.\d+)*)")
_PLACEHOLDER = re.compile(r"^\s*TODO\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSection:
    """One section of a plan: its heading, the clauses it names, and its text."""

    heading: str
    line: int  # of the heading, counted in the item file when the body's line is known
    clauses: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # (first, last) ranges
    text: str

    @property
    def title(self) -> str:
        """The heading without the clauses it names."""
        return _TAGS.sub("", self.heading).strip()

    @property
    def written(self) -> bool:
        return bool(self.text.strip()) and not _PLACEHOLDER.match(self.text)

    def addresses(self, number: str) -> bool:
        key = _key(number)
        return any(
            first <= key <= last or key[: len(first)] == first for first, last in self.clauses
        )


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _named(tags: str) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    found = []
    for part in re.split(r",|;|\band\b", tags):
        ranged = _RANGE.search(part)
        if ranged is not None:
            found.append((_key(ranged.group(1)), _key(ranged.group(2))))
            continue
        number = _NUMBER.match(part.strip())
        if number is not None:
            found.append((_key(number.group(0)), _key(number.group(0))))
    return tuple(found)


def plan_sections(plan: Item) -> tuple[PlanSection, ...]:
    """The sections of ``plan``'s body whose headings name clauses."""
    lines = plan.body.splitlines()
    headings: list[tuple[int, int, str]] = []  # (index, level, text)
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)) is not None:
            headings.append((index, len(match.group(1)), match.group(2)))
    first_line = plan.body_line or 1
    sections = []
    for position, (index, level, text) in enumerate(headings):
        tags = _TAGS.search(text)
        named = _named(tags.group(1)) if tags is not None else ()
        if not named:
            continue
        end = next((i for i, lvl, _ in headings[position + 1 :] if lvl <= level), len(lines))
        body = "\n".join(line for line in lines[index + 1 : end] if not _HEADING.match(line))
        sections.append(
            PlanSection(heading=text, line=first_line + index, clauses=named, text=body)
        )
    return tuple(sections)


def _section_check(number: str) -> None:
    purposes = SECTION_CLAUSES[number]

    def check(ctx: RuleContext) -> Iterator[Violation]:
        if not ctx.applies_to_project:
            return
        plans = [p for p in ctx.graph.of_kind("plan") if any(serves(p, x) for x in purposes)]
        found = [(p, s) for p in plans for s in plan_sections(p) if s.addresses(number)]
        if any(section.written for _, section in found):
            return
        topic = TOPICS[number]
        for plan, section in found:
            yield Violation(
                plan,
                f"{plan.id} section '{section.title}' is not written yet (TODO)",
                SourceLocation(path=plan.source.path, line=section.line),
            )
        if found:
            return
        kinds = " or ".join(purposes)
        heading = f"'## {topic} ({number})'"
        if plans:
            yield Violation(
                plans[0],
                f"{plans[0].id} has no section for {number} ({topic.lower()}): add a heading "
                f"naming it, such as {heading}, and write it",
            )
        else:
            yield Violation(
                None,
                f"no {kinds} plan has a section for {number} ({topic.lower()}): add one with "
                f"a heading such as {heading}",
            )

    rule(
        code=f"62304.{number}/plan-section-missing",
        clause=number,
        summary=f"A plan serving {', '.join(purposes)} has a written section whose heading "
        f"names {number} ({TOPICS[number].lower()}).",
    )(check)


for _number in SECTION_CLAUSES:
    _section_check(_number)


@rule(
    code="62304.5.1.11/result-not-bound-to-commit",
    clause="5.1.11",
    summary="Each imported test run names the commit it tested and was made without "
    "uncommitted changes: what was verified was under configuration control.",
    severity=Severity.WARNING,
)
def results_are_bound_to_commits(ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.applies_to_project:
        return
    for run in ctx.runs:
        if not run.commit:
            why = "names no commit (it was imported outside git)"
        elif run.uncommitted:
            count = len(run.uncommitted)
            why = f"was made with {count} uncommitted file{'s' if count != 1 else ''}"
        else:
            continue
        yield Violation(
            None,
            f"the run of {run.revision} imported {run.imported[:10]} {why}: verify committed "
            "work (commit, then run and import the tests again)",
        )

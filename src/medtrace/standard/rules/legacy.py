"""Rules for legacy software (4.4.1-4.4.5), which apply only where a software system or
item declares ``legacy: true``: otherwise the clauses are not applicable.

A ``legacy-assessment`` that ``assesses`` the legacy software records the 4.4 route:
the post-production feedback reviewed and the hazards considered (4.4.2), a gap
analysis with one entry per clause compared, ``CLAUSE: close|accept: why`` (4.4.3:
5.2 and 5.7, and at Class B and C 5.3 and 7), change requests that ``resolves`` it
for the gaps to close (4.4.4), and the version used with the rationale for going on
using it, approved (4.4.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medtrace.graph.evidence import approval_problem
from medtrace.model import Item, SafetyClass
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank_fields

_GAP_ENTRY = re.compile(r"^\s*(\d+(?:\.\d+)*)\s*:\s*(close|accept)\s*:\s*\S", re.IGNORECASE)
_ALWAYS = ("5.2", "5.7")
_AT_B_AND_C = ("5.3", "7")


def _legacy(ctx: RuleContext) -> Iterator[tuple[Item, tuple[Item, ...]]]:
    """Each legacy system or item at a class the rule applies to, with its assessments."""
    for kind in ("software-system", "software-item"):
        for item in ctx.items(kind):
            if item.field("legacy") is True:
                found = ctx.graph.sources(item.id, "assesses")
                yield item, tuple(a for a in found if a.kind == "legacy-assessment")


def _unassessed(item: Item, what: str) -> Violation:
    return Violation(item, f"{item.id} is legacy software but no legacy assessment {what}")


@rule(
    code="62304.4.4.1/legacy-assessment-missing",
    clause="4.4.1",
    summary="Software declared legacy (legacy: true) has a legacy-assessment that assesses it.",
)
def legacy_software_is_assessed(ctx: RuleContext) -> Iterator[Violation]:
    for item, assessments in _legacy(ctx):
        if not assessments:
            yield Violation(
                item,
                f"{item.id} is legacy software (legacy: true) but no legacy assessment "
                f"assesses it: add a legacy-assessment with assesses: [{item.id}]",
            )


@rule(
    code="62304.4.4.2/legacy-risk-review-missing",
    clause="4.4.2",
    summary="A legacy assessment records the post-production feedback reviewed and the hazards "
    "and hazardous situations considered for continued use.",
)
def legacy_risks_are_reviewed(ctx: RuleContext) -> Iterator[Violation]:
    for item, assessments in _legacy(ctx):
        if not assessments:
            yield _unassessed(item, "reviews its feedback and risks (4.4.2)")
        for assessment in assessments:
            missing = blank_fields(assessment, ("feedback-review",))
            if not ctx.graph.targets(assessment.id, "considers"):
                missing.append("considers: [the hazards and situations reviewed]")
            if missing:
                add = " and ".join(m if ":" in m else f"{m}:" for m in missing)
                yield Violation(assessment, f"{assessment.id} does not review the risks: add {add}")


@rule(
    code="62304.4.4.3/legacy-gap-analysis-incomplete",
    clause="4.4.3",
    summary="A legacy assessment's gap analysis has an entry 'CLAUSE: close|accept: why' for "
    "5.2 and 5.7, and at Class B and C for 5.3 and 7.",
)
def legacy_gaps_are_analysed(ctx: RuleContext) -> Iterator[Violation]:
    for item, assessments in _legacy(ctx):
        if not assessments:
            yield _unassessed(item, "analyses its gaps (4.4.3)")
        needed = _ALWAYS if ctx.class_of(item) is SafetyClass.A else (*_ALWAYS, *_AT_B_AND_C)
        for assessment in assessments:
            entries = _entries(assessment)
            malformed = [e for e in entries if _GAP_ENTRY.match(e) is None]
            covered = {m.group(1) for e in entries if (m := _GAP_ENTRY.match(e)) is not None}
            missing = [number for number in needed if number not in covered]
            problems = []
            if missing:
                problems.append(f"no entry for {', '.join(missing)}")
            if malformed:
                problems.append(f"{malformed[0][:40]!r} is not 'CLAUSE: close|accept: why'")
            if problems:
                yield Violation(
                    assessment,
                    f"{assessment.id}'s gap-analysis is incomplete: {'; '.join(problems)}",
                )


def _entries(assessment: Item) -> tuple[str, ...]:
    value = assessment.field("gap-analysis")
    return value if isinstance(value, tuple) else ()


@rule(
    code="62304.4.4.4/legacy-gaps-not-closed",
    clause="4.4.4",
    summary="Gaps a legacy assessment decides to close are taken up by change requests that "
    "resolve it.",
)
def legacy_gaps_are_closed(ctx: RuleContext) -> Iterator[Violation]:
    for item, assessments in _legacy(ctx):
        if not assessments:
            yield _unassessed(item, "plans the closing of its gaps (4.4.4)")
        for assessment in assessments:
            closing = [
                m.group(1)
                for e in _entries(assessment)
                if (m := _GAP_ENTRY.match(e)) is not None and m.group(2).lower() == "close"
            ]
            resolving = ctx.graph.sources(assessment.id, "resolves")
            changes = [c for c in resolving if c.kind == "change-request"]
            if closing and not changes:
                yield Violation(
                    assessment,
                    f"{assessment.id} decides to close the gaps of {', '.join(closing)} but no "
                    f"change request takes them up (add one with resolves: [{assessment.id}])",
                )


@rule(
    code="62304.4.4.5/legacy-rationale-missing",
    clause="4.4.5",
    summary="A legacy assessment records the version of the legacy software and the rationale "
    "for its continued use, and is approved.",
)
def legacy_use_is_justified(ctx: RuleContext) -> Iterator[Violation]:
    for item, assessments in _legacy(ctx):
        if not assessments:
            yield _unassessed(item, "records its version and the rationale for using it (4.4.5)")
        for assessment in assessments:
            missing = blank_fields(assessment, ("legacy-version", "rationale"))
            if missing:
                add = " and ".join(f"{name}:" for name in missing)
                yield Violation(assessment, f"{assessment.id} does not justify the use: add {add}")
            elif (problem := approval_problem(assessment, ctx.fingerprints)) is not None:
                yield Violation(
                    assessment,
                    f"{assessment.id} {problem} (approve it: medtrace approve {assessment.id})",
                )

"""Rules on SOUP against its sources and its published anomalies (8.1.2, 7.1.3, 7.4.1).

The source rules speak when ``[soup] sources`` names lockfiles or SBOMs; the
vulnerability rule when ``[soup] advisories`` names OSV records. A SOUP
record's class is that of the software that uses it.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph.soup import advisories_of, compare, monitored_elsewhere, not_audited
from medtrace.model import Item, Severity, SourceLocation
from medtrace.model.components import Component
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank

# What an evaluation of each state must say.
_STATE_NEEDS = {
    "not-affected": ("reason",),
    "affected": ("risk-assessment", "mitigation"),
    "fixed": ("mitigation",),
}


def _counted(ctx: RuleContext) -> list[tuple[str, Component]]:
    scopes = set(ctx.config.soup.scopes)
    return [
        (source.path, component)
        for source in ctx.components or ()
        for component in source.components
        if component.scope in scopes
    ]


@rule(
    code="62304.8.1.2/soup-not-recorded",
    clause="8.1.2",
    summary="Every component the lockfiles and SBOMs of [soup] sources list has a SOUP record.",
)
def components_are_recorded(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.components is None:
        return
    counted = _counted(ctx)
    drift = compare(ctx.graph.of_kind("soup"), [c for _, c in counted])
    where = {id(component): path for path, component in counted}
    for component in drift.new:
        version = f" {component.version}" if component.version else ""
        yield Violation(
            None,
            f"{component.name}{version} is listed but has no SOUP record (run medtrace soup sync)",
            SourceLocation(path=where[id(component)], line=component.line),
        )


@rule(
    code="62304.8.1.2/soup-version-drift",
    clause="8.1.2",
    summary="A SOUP record names the version its lockfile or SBOM holds.",
)
def soup_versions_match(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.components is None:
        return
    drift = compare(ctx.graph.of_kind("soup"), [c for _, c in _counted(ctx)])
    for change in drift.changed:
        yield Violation(
            change.record,
            f"{change.record.id} says {change.before or 'no version'} but the sources hold "
            f"{change.component.name} {change.component.version or '(unpinned)'} "
            "(run medtrace soup sync)",
        )


@rule(
    code="62304.8.1.2/soup-not-in-sources",
    clause="8.1.2",
    summary="A SOUP record of a package ecosystem the sources cover is still listed by one.",
    severity=Severity.WARNING,
)
def soup_records_are_current(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.components is None:
        return
    drift = compare(ctx.graph.of_kind("soup"), [c for _, c in _counted(ctx)])
    for record in drift.removed:
        yield Violation(
            record,
            f"{record.id} is listed by no source any more: remove it, or set status: obsolete",
        )


def _outdated(soup: Item) -> bool:
    """Whether the SOUP names a version other than the one its anomalies were evaluated for
    (a record with no version is 8.1.2's finding about the record, not a version change)."""
    evaluated, version = soup.field("evaluated-version"), soup.field("version")
    return not blank(evaluated) and not blank(version) and str(evaluated) != str(version)


@rule(
    code="62304.7.1.3/soup-evaluation-outdated",
    clause="7.1.3",
    summary="A SOUP record's anomaly evaluation was made for the version it now names "
    "(evaluated-version).",
)
def soup_evaluations_are_current(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        if _outdated(soup):
            yield Violation(
                soup,
                f"{soup.id} is at {soup.field('version')} but its anomalies were evaluated for "
                f"{soup.field('evaluated-version')}: evaluate them again and set "
                "evaluated-version",
            )


@rule(
    code="62304.7.4.1/soup-change-not-analysed",
    clause="7.4.1",
    summary="Software that uses a SOUP component whose version changed since its evaluation is "
    "analysed for the change's effect on safety.",
)
def soup_changes_reach_users(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.graph.of_kind("soup"):
        if not _outdated(soup):
            continue
        for user in ctx.graph.targets(soup.id, "used-by"):
            if ctx.applies(user):
                yield Violation(
                    user,
                    f"{user.id} uses {soup.id}, now {soup.field('version')} (evaluated for "
                    f"{soup.field('evaluated-version')}): analyse the change's effect on "
                    "safety, then update the SOUP evaluation",
                )


@rule(
    code="62304.7.1.3/vulnerability-not-evaluated",
    clause="7.1.3",
    summary="Every published vulnerability (OSV record) that affects a SOUP version has an "
    "evaluation for that version.",
)
def vulnerabilities_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.advisories is None:
        return
    for soup in ctx.items("soup"):
        version = soup.field("version")
        for match, evaluation in advisories_of(ctx.graph, soup, ctx.advisories):
            if evaluation is None:
                yield Violation(
                    soup,
                    f"{soup.id} {match.affected.name} {version} is affected by "
                    f"{match.advisory.id} ({match.reason}) and no vulnerability-evaluation of "
                    f"it holds for {version}",
                )


@rule(
    code="62304.7.1.3/soup-not-audited",
    clause="7.1.3",
    summary="Where advisories are configured, every SOUP record can be matched against them "
    "(a purl of an ecosystem OSV covers, and a version), or says how its vulnerabilities "
    "are followed otherwise (vulnerability-monitoring).",
    severity=Severity.WARNING,
)
def soups_are_audited(ctx: RuleContext) -> Iterator[Violation]:
    if ctx.advisories is None:
        return
    for soup in ctx.items("soup"):
        if soup.field("status") == "obsolete":
            continue
        why = not_audited(soup)
        if why is not None and not monitored_elsewhere(soup):
            yield Violation(
                soup,
                f"{soup.id} {soup.title} is not audited against the advisories: {why} (give it "
                "a purl such as pkg:pypi/NAME@VERSION, or say in vulnerability-monitoring how "
                "its vulnerabilities are followed)",
            )


@rule(
    code="62304.7.1.3/vulnerability-evaluation-incomplete",
    clause="7.1.3",
    summary="A vulnerability evaluation says its state, and gives the reason when not affected "
    "or the risk assessment and mitigation when affected.",
)
def vulnerability_evaluations_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for evaluation in ctx.graph.of_kind("vulnerability-evaluation"):
        soups = ctx.graph.targets(evaluation.id, "evaluates")
        if soups and not any(ctx.applies(soup) for soup in soups):
            continue
        state = evaluation.field("state")
        if blank(state):
            yield Violation(evaluation, f"{evaluation.id} has no state: add state:")
            continue
        missing = [
            name for name in _STATE_NEEDS.get(str(state), ()) if blank(evaluation.field(name))
        ]
        if state == "not-affected" and not blank(evaluation.field("justification")):
            missing = [name for name in missing if name != "reason"]
        if missing:
            yield Violation(
                evaluation,
                f"{evaluation.id} is {state} but does not say "
                + " and ".join(f"{name}:" for name in missing),
            )

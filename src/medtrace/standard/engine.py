"""Run every registered rule at the right class and collect findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.verification import ResultIndex
from medtrace.model import CONFIG_FILE, Finding, ProjectConfig, SourceLocation
from medtrace.model.components import ComponentList
from medtrace.model.results import ResultRun
from medtrace.model.review import LinkBase, Review
from medtrace.standard.classes import compute_classes
from medtrace.standard.clauses import clause
from medtrace.standard.context import RuleContext, Signing
from medtrace.standard.registry import Rule, Violation, all_rules

if TYPE_CHECKING:
    from medtrace.graph.advisory_match import AdvisoryIndex
    from medtrace.model.signature import Register, SigningPolicy

NO_SYSTEM = "62304.4.3/no-software-system"
# Kinds whose ids a test's name may carry to say what it verifies.
VERIFIED_KINDS = ("software-requirement", "software-item", "software-unit", "detailed-design")


def evaluate(
    graph: TraceGraph,
    config: ProjectConfig,
    reviews: tuple[Review, ...] = (),
    runs: tuple[ResultRun, ...] = (),
    components: tuple[ComponentList, ...] | None = None,
    advisories: AdvisoryIndex | None = None,
    code: Mapping[str, str] | None = None,
    link_bases: Mapping[tuple[str, str], LinkBase] | None = None,
    known: Mapping[str, str] | None = None,
    at_head: Mapping[str, tuple[str, str]] | None = None,
    signing: tuple[Register, SigningPolicy] | None = None,
    versioned: bool | None = None,
    commit_dates: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings of every rule, each evaluated at the classes its clause applies to.

    A project without a software system gets only the finding that says so:
    there is nothing to classify, so no other clause can be judged. ``code`` maps
    each item with source files to their digest (:func:`~medtrace.graph.fingerprint.code_digest`);
    ``link_bases`` say when each trace link was made (from git history); ``known`` are
    the items' own fingerprints where the loader computed them; ``at_head`` each item's own
    and deep fingerprint at the commit checked out (from the link history); ``signing``
    the register and policy signature records are verified against; ``versioned``
    whether the project is in git with a commit (None: not known); ``commit_dates`` the
    dates of the commits change requests name, where git knows them.
    """
    verified = [item.id for kind in VERIFIED_KINDS for item in graph.of_kind(kind)]
    fingerprints = Fingerprints(graph, config.non_normative, code, known, at_head)
    context = RuleContext(
        graph=graph,
        config=config,
        classes=compute_classes(graph),
        reviews=reviews,
        link_bases=link_bases or {},
        runs=runs,
        results=ResultIndex.build(runs, verified, fingerprints=fingerprints),
        components=components,
        advisories=advisories,
        given_fingerprints=fingerprints,
        signing=Signing(*signing) if signing is not None else None,
        versioned=versioned,
        commit_dates=commit_dates or {},
    )
    rules = all_rules()
    if not graph.of_kind("software-system"):
        rules = tuple(r for r in rules if r.code == NO_SYSTEM)
    findings: list[Finding] = []
    for current in rules:
        applies = current.classes if current.classes is not None else clause(current.clause).classes
        for violation in current.check(context.for_classes(applies)):
            findings.append(_finding(current, violation))
    return findings


def _finding(current: Rule, violation: Violation) -> Finding:
    item = violation.item
    location = violation.location
    if location is None:
        location = item.source if item is not None else SourceLocation(path=CONFIG_FILE)
    return Finding(
        code=current.code,
        severity=current.severity,
        message=violation.message,
        location=location,
        item=item.id if item is not None else None,
        clause=current.clause,
    )

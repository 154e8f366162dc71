"""Rules on AI/ML-enabled software: planning, data provenance, independent test data,
performance evaluated at the shipped model version, and changes within a PCCP.

Sources (paraphrased in docs/rules.md and ../shared/standard): IEC 62304 Edition 2
(AI development life cycle planning); FDA, AI-enabled device software functions, draft
guidance January 2025 (data lineage, test data independence, subgroup performance with
confidence intervals, the model version of each result); FDA, predetermined change control
plans for AI-enabled device software functions, final guidance December 2024.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.graph import TraceGraph
from medtrace.model import Item
from medtrace.model.ai import Criterion, Metric, metric_key, parse_criterion, parse_metric
from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank, blank_fields


def _live(items: Iterator[Item] | tuple[Item, ...]) -> list[Item]:
    return [item for item in items if item.field("status") != "obsolete"]


def _entries(item: Item, name: str) -> tuple[str, ...]:
    value = item.field(name)
    return value if isinstance(value, tuple) else ()


def _version(item: Item) -> str:
    return str(item.field("model-version") or "")


@rule(
    code="62304.5.1.1/ai-lifecycle-not-planned",
    clause="5.1.1",
    summary="A project with machine learning models plans the AI development life cycle "
    "(data management, training, evaluation, deployment monitoring) in its development "
    "plan's ai-lifecycle (IEC 62304 Edition 2).",
)
def ai_lifecycle_is_planned(ctx: RuleContext) -> Iterator[Violation]:
    models = _live(ctx.items("ml-model"))
    if not models:
        return
    plans = [p for p in _live(ctx.graph.of_kind("plan")) if serves(p, "development")]
    if any(not blank(plan.field("ai-lifecycle")) for plan in plans):
        return
    where = plans[0] if plans else models[0]
    yield Violation(
        where,
        f"{models[0].id} is a machine learning model but no development plan sets "
        "ai-lifecycle: plan data management, training, evaluation and deployment monitoring",
    )


_PROVENANCE = ("source", "collection-period")


@rule(
    code="62304.8.1.1/data-set-provenance-missing",
    clause="8.1.1",
    summary="A data set records its provenance: source, collection period, a content hash or "
    "manifest, and for test data the reference standard (FDA AI-enabled functions, data "
    "lineage).",
)
def data_sets_have_provenance(ctx: RuleContext) -> Iterator[Violation]:
    for data in _live(ctx.items("data-set")):
        missing = blank_fields(data, _PROVENANCE)
        if blank(data.field("content-hash")) and blank(data.field("manifest")):
            missing.append("content-hash or manifest")
        if data.field("purpose") == "test" and blank(data.field("reference-standard")):
            missing.append("reference-standard")
        if blank(data.field("purpose")):
            missing.append("purpose")
        if missing:
            yield Violation(data, f"{data.id} does not record its provenance: {', '.join(missing)}")


@rule(
    code="62304.8.1.1/model-training-record-missing",
    clause="8.1.1",
    summary="A machine learning model names its version and artefact hash, and a training "
    "run records how that version was produced (data set versions, code commit, environment, "
    "seed).",
)
def models_have_training_records(ctx: RuleContext) -> Iterator[Violation]:
    for model in _live(ctx.items("ml-model")):
        missing = blank_fields(model, ("model-version", "artefact-hash"))
        if missing:
            yield Violation(model, f"{model.id} does not set {', '.join(missing)}")
            continue
        runs = [
            r for r in ctx.graph.sources(model.id, "produces") if _version(r) == _version(model)
        ]
        if not runs:
            yield Violation(
                model,
                f"{model.id} {_version(model)} has no training run that produced it",
            )
            continue
        for run in runs:
            gaps = blank_fields(run, ("code-commit", "environment", "seed"))
            if not run.targets("trained-with"):
                gaps.append("trained-with")
            if gaps:
                yield Violation(run, f"{run.id} does not record {', '.join(gaps)}")


def _training_sets(ctx: RuleContext, model: Item) -> dict[str, Item]:
    found = {data.id: data for data in ctx.graph.targets(model.id, "trained-on")}
    for run in ctx.graph.sources(model.id, "produces"):
        if _version(run) == _version(model):
            found.update((data.id, data) for data in ctx.graph.targets(run.id, "trained-with"))
    return found


def _shared(ctx: RuleContext, test: Item, training: dict[str, Item]) -> str | None:
    if test.id in training:
        return f"{test.id} is itself training data"
    digest = str(test.field("content-hash") or "")
    for other in training.values():
        if digest and str(other.field("content-hash") or "") == digest:
            return f"{test.id} has the content hash of training data set {other.id}"
    declared = {d.id for d in ctx.graph.targets(test.id, "overlaps-with")}
    declared |= {d.id for d in ctx.graph.sources(test.id, "overlaps-with")}
    for other_id in sorted(declared & set(training)):
        return f"{test.id} overlaps with training data set {other_id}"
    return None


@rule(
    code="62304.5.7.1/test-data-not-independent",
    clause="5.7.1",
    summary="A performance evaluation's test data shares no content with the model's training "
    "data: not the same set, no equal content hash, no declared overlap (FDA AI-enabled "
    "functions, test data independence).",
)
def test_data_is_independent(ctx: RuleContext) -> Iterator[Violation]:
    for evaluation in _live(ctx.items("performance-evaluation")):
        for model in ctx.graph.targets(evaluation.id, "evaluates-model"):
            training = _training_sets(ctx, model)
            for test in ctx.graph.targets(evaluation.id, "tested-on"):
                shared = _shared(ctx, test, training)
                if shared is not None:
                    yield Violation(
                        evaluation,
                        f"{evaluation.id} tests {model.id} on data it was trained on: {shared}",
                    )


def _evaluations(ctx: RuleContext, model: Item) -> list[Item]:
    """The live evaluations of the model version that ships."""
    return [
        e
        for e in _live(ctx.graph.sources(model.id, "evaluates-model"))
        if _version(e) == _version(model)
    ]


@rule(
    code="62304.5.7.1/model-not-evaluated",
    clause="5.7.1",
    summary="Every performance requirement of a machine learning model is verified by a "
    "performance evaluation of the model version that ships (FDA AI-enabled functions).",
)
def models_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    for model in _live(ctx.items("ml-model")):
        requirements = ctx.graph.targets(model.id, "specified-by")
        if not requirements:
            yield Violation(model, f"{model.id} names no performance requirement (specified-by)")
            continue
        verified = {
            r.id for e in _evaluations(ctx, model) for r in ctx.graph.targets(e.id, "verifies")
        }
        for requirement in requirements:
            if requirement.id not in verified:
                yield Violation(
                    model,
                    f"{model.id} {_version(model) or '(no version)'} has no performance "
                    f"evaluation that verifies {requirement.id}",
                )


def criteria_of(graph: TraceGraph, evaluation: Item) -> tuple[list[Criterion], list[str]]:
    """The criteria that hold for ``evaluation`` (its own, its requirements', and for a
    model shipping other than its authorised version, its PCCP modifications'), and the
    entries that do not read as one."""
    sources = [evaluation, *graph.targets(evaluation.id, "verifies")]
    for model in graph.targets(evaluation.id, "evaluates-model"):
        authorised = str(model.field("authorised-version") or "")
        if authorised and authorised != _version(evaluation):
            sources += graph.sources(model.id, "permits-change-of")
    criteria: list[Criterion] = []
    bad: list[str] = []
    for source in sources:
        for entry in _entries(source, "acceptance-criteria"):
            found = parse_criterion(entry)
            if found is None:
                bad.append(f"{source.id}: {entry!r}")
            elif found not in criteria:
                criteria.append(found)
    return criteria, bad


def _results(evaluation: Item) -> tuple[list[Metric], list[str]]:
    metrics: list[Metric] = []
    bad: list[str] = []
    for name, subgroup in (("metrics", False), ("subgroup-results", True)):
        for entry in _entries(evaluation, name):
            found = parse_metric(entry, subgroup=subgroup)
            if found is None:
                bad.append(f"{name}: {entry!r}")
            else:
                metrics.append(found)
    return metrics, bad


def _misses(criteria: list[Criterion], metrics: list[Metric]) -> list[str]:
    misses = []
    for criterion in criteria:
        overall = [m for m in metrics if m.name == criterion.name and m.subgroup is None]
        if not overall:
            misses.append(f"no overall {criterion.name} for {criterion}")
        for metric in metrics:
            if metric.name == criterion.name and not criterion.met_by(metric):
                misses.append(f"{metric} misses {criterion}")
    return misses


@rule(
    code="62304.5.7.1/evaluation-criterion-missed",
    clause="5.7.1",
    summary="A performance evaluation of the shipped model version is judged against "
    "acceptance criteria (its own, its requirements', and its PCCP's for a changed model) and "
    "meets each overall and in every subgroup.",
)
def evaluations_meet_criteria(ctx: RuleContext) -> Iterator[Violation]:
    for model in _live(ctx.items("ml-model")):
        for evaluation in _evaluations(ctx, model):
            criteria, bad = criteria_of(ctx.graph, evaluation)
            metrics, unread = _results(evaluation)
            problems = [f"cannot read {entry}" for entry in bad + unread]
            if not criteria:
                problems.append("no acceptance criteria")
            problems += _misses(criteria, metrics)
            if evaluation.field("outcome") != "passed":
                problems.append(f"outcome is {evaluation.field('outcome') or 'not set'}")
            if problems:
                yield Violation(evaluation, f"{evaluation.id}: {'; '.join(problems)}")


@rule(
    code="62304.5.7.1/subgroup-results-missing",
    clause="5.7.1",
    summary="A performance evaluation reports results for every subgroup its test data set "
    "declares (FDA AI-enabled functions, subgroup analysis).",
)
def subgroups_are_reported(ctx: RuleContext) -> Iterator[Violation]:
    for evaluation in _live(ctx.items("performance-evaluation")):
        metrics, _ = _results(evaluation)
        reported = {metric_key(m.subgroup) for m in metrics if m.subgroup is not None}
        declared = [
            group
            for data in ctx.graph.targets(evaluation.id, "tested-on")
            for group in _entries(data, "subgroups")
        ]
        missing = sorted({g for g in declared if metric_key(g) not in reported})
        if missing:
            yield Violation(
                evaluation, f"{evaluation.id} reports no result for subgroup {', '.join(missing)}"
            )


@rule(
    code="62304.8.2.1/model-change-outside-pccp",
    clause="8.2.1",
    summary="A model version other than the authorised one is a modification a PCCP permits; "
    "outside it, the change needs a new submission and full re-verification (FDA PCCP "
    "guidance).",
)
def model_changes_are_permitted(ctx: RuleContext) -> Iterator[Violation]:
    for model in _live(ctx.items("ml-model")):
        authorised = str(model.field("authorised-version") or "")
        if not authorised or authorised == _version(model):
            continue
        if _live(ctx.graph.sources(model.id, "permits-change-of")):
            continue
        yield Violation(
            model,
            f"{model.id} ships {_version(model)} but {authorised} is authorised and no PCCP "
            "modification permits the change: a new submission and full re-verification are "
            "needed (then set authorised-version)",
        )


_PCCP_PARTS = ("modification", "protocol", "acceptance-criteria", "impact-assessment")


@rule(
    code="62304.8.2.1/pccp-incomplete",
    clause="8.2.1",
    summary="A PCCP modification describes what may change, the modification protocol, the "
    "acceptance criteria and the impact assessment (FDA PCCP guidance).",
)
def pccp_modifications_are_complete(ctx: RuleContext) -> Iterator[Violation]:
    for modification in _live(ctx.items("pccp-modification")):
        missing = blank_fields(modification, _PCCP_PARTS)
        if not modification.targets("permits-change-of"):
            missing.append("permits-change-of")
        if missing:
            yield Violation(modification, f"{modification.id} does not set {', '.join(missing)}")

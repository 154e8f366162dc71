"""The AI model file and the cybersecurity report of the document set.

The AI model file (produced when the project has AI items) holds what the FDA's
AI-enabled device software functions guidance (draft, January 2025) and its PCCP guidance
(December 2024) expect, and Edition 2's AI life cycle plan: data management, the model
description and its training records, the performance evaluation report (metrics with
confidence intervals, per subgroup, against the criteria) and the PCCP. The cybersecurity
report (every class; IEC 81001-5-1, FDA premarket cybersecurity) holds the threat model,
the security risk controls and their verification, the SBOM summary and the vulnerability
assessment. What the rules find missing shows as gaps here too.
"""

from __future__ import annotations

from medtrace.export.documents.content import Sources, blocks, field_text, listed_gap, section
from medtrace.graph import TraceGraph
from medtrace.model import Item, SafetyClass
from medtrace.model.ai import parse_metric
from medtrace.model.documents import Block, Gap, Paragraph, Section, Table
from medtrace.standard.rules.ai import criteria_of

AI_KINDS = ("data-set", "ml-model", "training-run", "performance-evaluation", "pccp-modification")


def has_ai(graph: TraceGraph) -> bool:
    return any(graph.of_kind(kind) for kind in AI_KINDS)


def ai_file(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    return (
        _planning(graph),
        _data(graph),
        _models(graph),
        _evaluations(graph),
        section(
            "Predetermined change control plan",
            _pccp_table(graph),
            blocks(graph, graph.of_kind("pccp-modification")),
        ),
    )


def _planning(graph: TraceGraph) -> Section:
    plans = [p for p in graph.of_kind("plan") if field_text(p, "ai-lifecycle")]
    parts: list[Block] = [
        Paragraph(text=f"**{p.id} {p.title}**: {field_text(p, 'ai-lifecycle')}") for p in plans
    ]
    if not plans:
        parts.append(Gap(message="No development plan plans the AI life cycle (ai-lifecycle)",
                         clause="5.1.1"))  # fmt: skip
    return section("AI development life cycle plan", parts)


def _data(graph: TraceGraph) -> Section:
    sets = graph.of_kind("data-set")
    rows = tuple(
        (d.id, d.title, field_text(d, "purpose"), field_text(d, "version"),
         field_text(d, "collection-period"), field_text(d, "size"), field_text(d, "subgroups"),
         field_text(d, "content-hash") or field_text(d, "manifest"))
        for d in sets
    )  # fmt: skip
    headers = ("Data set", "Title", "Purpose", "Version", "Collected", "Size", "Subgroups",
               "Content hash or manifest")  # fmt: skip
    unproven = [d.id for d in sets if not field_text(d, "source")]
    return section(
        "Data management",
        [Table(headers=headers, rows=rows, caption="Data sets and their splits")] if rows else [],
        listed_gap("Data sets without a source", unproven, "8.1.1"),
        blocks(graph, sets),
    )


def _models(graph: TraceGraph) -> Section:
    models = graph.of_kind("ml-model")
    runs = graph.of_kind("training-run")
    rows = tuple(
        (r.id, ", ".join(r.targets("produces")), field_text(r, "model-version"),
         ", ".join(r.targets("trained-with")), field_text(r, "code-commit")[:12],
         field_text(r, "seed"))
        for r in runs
    )  # fmt: skip
    headers = ("Training run", "Model", "Version", "Data sets", "Code commit", "Seed")
    return section(
        "Model description and training",
        [Table(headers=headers, rows=rows, caption="Training runs")] if rows else [],
        blocks(graph, models),
        blocks(graph, runs),
    )


def _evaluations(graph: TraceGraph) -> Section:
    evaluations = graph.of_kind("performance-evaluation")
    subsections = [_evaluation(graph, e) for e in evaluations]
    parts: list[Block] = []
    if not evaluations and graph.of_kind("ml-model"):
        parts.append(Gap(message="No performance evaluation of a model", clause="5.7.1"))
    return section("Performance evaluation report", parts, sections=subsections)


def _evaluation(graph: TraceGraph, evaluation: Item) -> Section:
    criteria, _ = criteria_of(graph, evaluation)
    rows = []
    for name, subgroup in (("metrics", False), ("subgroup-results", True)):
        for entry in _list(evaluation, name):
            metric = parse_metric(entry, subgroup=subgroup)
            if metric is None:
                continue
            interval = f"{metric.low:g} to {metric.high:g}" if metric.low is not None else ""
            mine = [c for c in criteria if c.name == metric.name]
            verdict = ("met" if all(c.met_by(metric) for c in mine) else "NOT MET") if mine else ""
            rows.append((metric.subgroup or "overall", metric.name, f"{metric.value:g}",
                         interval, ", ".join(str(c) for c in mine), verdict))  # fmt: skip
    summary = (
        f"{', '.join(evaluation.targets('evaluates-model'))} version "
        f"{field_text(evaluation, 'model-version', 'not stated')} on test data "
        f"{', '.join(evaluation.targets('tested-on')) or 'not stated'}, verifying "
        f"{', '.join(evaluation.targets('verifies')) or 'no requirement'}: outcome "
        f"{field_text(evaluation, 'outcome', 'not stated')} (commit "
        f"{field_text(evaluation, 'commit', 'not stated')[:12]})."
    )
    headers = ("Population", "Metric", "Value", "95 % CI", "Criteria", "Verdict")
    return section(
        f"{evaluation.id} {evaluation.title}",
        [Paragraph(text=summary)],
        [Table(headers=headers, rows=tuple(rows))] if rows else [],
        blocks(graph, [evaluation]),
    )


def _pccp_table(graph: TraceGraph) -> list[Block]:
    rows = tuple(
        (p.id, ", ".join(p.targets("permits-change-of")), field_text(p, "acceptance-criteria"))
        for p in graph.of_kind("pccp-modification")
    )
    if not rows:
        return [Paragraph(text="No predetermined change control plan is recorded.")]
    return [Table(headers=("Modification", "Model", "Acceptance criteria"), rows=rows)]


def _list(item: Item, name: str) -> tuple[str, ...]:
    value = item.field(name)
    return value if isinstance(value, tuple) else ()


# --- Cybersecurity report -------------------------------------------------------------


def cybersecurity(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    return (_threat_model(graph), _controls(src), _sbom(src), _vulnerabilities(graph))


def _threat_model(graph: TraceGraph) -> Section:
    threats = graph.of_kind("threat")
    rows = tuple(
        (t.id, t.title, field_text(t, "asset"), field_text(t, "stride"),
         field_text(t, "attack-vector"),
         ", ".join(c.id for c in graph.sources(t.id, "mitigates")) or
         ("accepted" if field_text(t, "risk-acceptance") else ""))
        for t in threats
    )  # fmt: skip
    headers = ("Threat", "Title", "Asset", "STRIDE", "Attack vector", "Controls")
    parts: list[Block] = (
        [Table(headers=headers, rows=rows)]
        if rows
        else [Paragraph(text="No threat model is recorded (kind: threat).")]
    )
    return section("Threat model", parts, blocks(graph, threats))


def _controls(src: Sources) -> Section:
    graph = src.graph
    status = {s.requirement.id: s for s in src.requirements}
    rows = []
    for control in graph.of_kind("risk-control"):
        threats = [t.id for t in graph.targets(control.id, "mitigates") if t.kind == "threat"]
        if not threats:
            continue
        requirements = [
            r for r in graph.sources(control.id, "implements-risk-control")
            if r.kind == "software-requirement"
        ]  # fmt: skip
        candidates: list[Item | None] = [*requirements] or [None]
        for requirement in candidates:
            found = status.get(requirement.id) if requirement is not None else None
            tests = ", ".join(e.test for e in found.evidence) if found else ""
            rows.append((control.id, ", ".join(threats),
                         requirement.id if requirement else "", tests,
                         found.status.value if found else "not covered"))  # fmt: skip
    headers = ("Control", "Threats", "Security requirement", "Tests", "Verification")
    parts: list[Block] = (
        [Table(headers=headers, rows=tuple(rows))]
        if rows
        else [Paragraph(text="No risk control mitigates a threat.")]
    )
    return section("Security risk controls and their verification", parts)


def _sbom(src: Sources) -> Section:
    soups = [s for s in src.graph.of_kind("soup") if s.field("status") != "obsolete"]
    rows = tuple(
        (s.id, s.title, field_text(s, "version"), field_text(s, "support-level"),
         field_text(s, "end-of-support"), ", ".join(s.targets("depends-on")))
        for s in soups
    )  # fmt: skip
    text = (
        f"The SBOM (`medtrace soup sbom`, CycloneDX 1.6/1.7 or SPDX 2.3) lists "
        f"{len(soups)} component(s); the support of each:"
    )
    unknown = [
        s.id
        for s in soups
        if not (field_text(s, "support-level") and field_text(s, "end-of-support"))
    ]
    gaps = listed_gap("SOUP without support-level or end-of-support", unknown, "8.1.2")
    headers = ("SOUP", "Title", "Version", "Support level", "End of support", "Depends on")
    table = [Table(headers=headers, rows=rows)] if rows else []  # an empty table breaks PDF
    return section(
        "SBOM summary",
        [Paragraph(text=text)],
        table,
        gaps if src.at_least(SafetyClass.B) else (),
    )


def _vulnerabilities(graph: TraceGraph) -> Section:
    evaluations = graph.of_kind("vulnerability-evaluation")
    rows = tuple(
        (v.id, field_text(v, "vulnerability"), ", ".join(v.targets("evaluates")),
         field_text(v, "state"), field_text(v, "cvss-score"), field_text(v, "cvss-vector"),
         field_text(v, "known-exploited"))
        for v in evaluations
    )  # fmt: skip
    headers = ("Evaluation", "Vulnerability", "SOUP", "State", "CVSS", "Vector",
               "Known exploited")  # fmt: skip
    parts: list[Block] = (
        [Table(headers=headers, rows=rows)]
        if rows
        else [Paragraph(text="No published vulnerability affects the SOUP versions in use.")]
    )
    return section("Vulnerability assessment", parts)


__all__ = ["ai_file", "cybersecurity", "has_ai"]

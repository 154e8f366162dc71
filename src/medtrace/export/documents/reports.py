"""The reports of the document set: test plan and report, risk management file, SOUP
list, release notes, trace and compliance matrices (see :mod:`.content`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from medtrace.export.documents.content import (
    IDS_SHOWN,
    Sources,
    applies,
    blocks,
    field_text,
    listed_gap,
    section,
)
from medtrace.export.verification import bound_to
from medtrace.graph import TraceGraph
from medtrace.graph.verification import RequirementStatus, Status, evidence_of
from medtrace.model import Item, SafetyClass
from medtrace.model.documents import Gap, Paragraph, Section, Table
from medtrace.standard.classes import level_label
from medtrace.standard.context import ED2_DRAFT

TEST_LEVELS = (("unit", "5.5.5"), ("integration", "5.6.3"), ("system", "5.7.1"))
CLOSED_PROBLEM_STATES = frozenset({"closed"})


# --- Verification ---------------------------------------------------------------------


def _levels(src: Sources) -> tuple[tuple[str, str, bool], ...]:
    """(level, clause, required at the project's class)."""
    return tuple(
        (level, clause, applies((clause,), src.project_class)) for level, clause in TEST_LEVELS
    )


def test_plan(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    tests = graph.of_kind("test-case")
    by_level: dict[str, list[Item]] = {}
    for test in tests:
        by_level.setdefault(field_text(test, "level", "unspecified"), []).append(test)
    required = [level for level, _, needed in _levels(src) if needed]
    strategy = (
        f"At {src.level or f'Class {src.project_class.value}'} the plan covers "
        f"{', '.join(required)} testing. "
        "Each test case names what it verifies; automated ones name their test in the "
        "runner's report (test-id)."
    )
    sections = [section("Strategy", [Paragraph(text=strategy)])]
    known = [level for level, _ in TEST_LEVELS]
    for level, clause, needed in (
        *_levels(src),
        *((lv, "", False) for lv in sorted(set(by_level) - set(known))),
    ):
        found = by_level.get(level, [])
        if not found and not needed:
            continue
        rows = tuple(
            (
                t.id,
                t.title,
                field_text(t, "method", "automated"),
                ", ".join(t.targets("verifies")),
                field_text(t, "test-id"),
            )
            for t in found
        )
        missing = () if found else (Gap(message=f"No {level} test cases", clause=clause),)
        headers = ("Test case", "Title", "Method", "Verifies", "Test id")
        sections.append(
            section(
                f"{level.capitalize()} tests",
                missing,
                [Table(headers=headers, rows=rows)] if rows else [],
                blocks(graph, found),
            )
        )
    return tuple(sections)


def _status_rows(statuses: Sequence[RequirementStatus]) -> tuple[tuple[str, ...], ...]:
    def result(status: RequirementStatus) -> str:
        return "; ".join(
            f"{e.test}: {e.outcome.value if e.outcome else 'no result'}"
            + (f" ({bound_to(e)})" if e.outcome else "")
            for e in status.evidence
        )

    return tuple(
        (s.requirement.id, s.requirement.title, s.status.value, result(s)) for s in statuses
    )


def _status_section(title: str, statuses: Sequence[RequirementStatus], clause: str) -> Section:
    counts = dict.fromkeys(Status, 0)
    for s in statuses:
        counts[s.status] += 1
    summary = ", ".join(f"{count} {status.value}" for status, count in counts.items())
    table = Table(
        headers=("Item", "Title", "Status", "Tests and latest results"), rows=_status_rows(statuses)
    )
    return section(
        title,
        [Paragraph(text=f"{len(statuses)} in all: {summary}.")],
        [table] if statuses else [],
        listed_gap(
            "No test case",
            [s.requirement.id for s in statuses if s.status is Status.NOT_COVERED],
            clause,
        ),
        listed_gap(
            "No recorded result for a test",
            [s.requirement.id for s in statuses if s.status is Status.NOT_RUN],
            "5.7.5",
        ),
        listed_gap(
            "Verified only by results whose covered content changed since (stale)",
            [s.requirement.id for s in statuses if s.status is Status.STALE],
            clause,
        ),
    )


def test_report(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    sections = [
        _status_section("Software requirements", src.requirements, "5.7.1"),
    ]
    if src.at_least(SafetyClass.B):
        sections.append(_status_section("Software units", src.units, "5.5.5"))
    rows = []
    for test in graph.of_kind("test-case"):
        evidence = evidence_of(graph, test, src.results)
        outcome = evidence.outcome.value if evidence.outcome else "no result"
        if evidence.stale:
            outcome += f" (stale: {', '.join(evidence.changed)} changed since)"
        where = evidence.record or evidence.commit[:12] or evidence.revision
        rows.append((test.id, test.title, outcome, where, evidence.date, evidence.environment))
    headers = ("Test case", "Title", "Latest result", "Commit or record", "Date", "Environment")
    records = graph.of_kind("test-record")
    sections += [
        section("Test results", [Table(headers=headers, rows=tuple(rows))] if rows else []),
        section("Test execution records", blocks(graph, records)),
    ]
    return tuple(sections)


# --- SOUP list ------------------------------------------------------------------------


def soup_list(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    soups = graph.of_kind("soup")
    rows = tuple(
        (
            s.id,
            s.title,
            field_text(s, "version"),
            field_text(s, "manufacturer"),
            field_text(s, "license"),
            ", ".join(s.targets("used-by")),
            field_text(s, "evaluated-version")
            or ("yes" if field_text(s, "anomaly-evaluation") else ""),
        )
        for s in soups
    )
    gaps = [
        *listed_gap(
            "SOUP without a version", [s.id for s in soups if not field_text(s, "version")], "8.1.2"
        ),
        *listed_gap(
            "SOUP without a manufacturer",
            [s.id for s in soups if not field_text(s, "manufacturer")],
            "8.1.2",
        ),
    ]
    if src.at_least(SafetyClass.B):
        unevaluated = [s.id for s in soups if not field_text(s, "anomaly-evaluation")]
        gaps += listed_gap(
            "SOUP without an evaluation of its known anomalies", unevaluated, "7.1.3"
        )
    evaluations = graph.of_kind("vulnerability-evaluation")
    ve_rows = tuple(
        (
            v.id,
            field_text(v, "vulnerability"),
            ", ".join(v.targets("evaluates")),
            field_text(v, "soup-version"),
            field_text(v, "state"),
            field_text(v, "justification"),
        )
        for v in evaluations
    )
    headers = ("SOUP", "Title", "Version", "Manufacturer", "Licence", "Used by", "Evaluated")
    ve_headers = ("Evaluation", "Vulnerability", "SOUP", "Version", "State", "Justification")
    return (
        section(
            "SOUP components",
            [Table(headers=headers, rows=rows)] if rows else [Paragraph(text="No SOUP items.")],
            gaps,
            blocks(graph, soups),
        ),
        section(
            "Vulnerability evaluations",
            [Table(headers=ve_headers, rows=ve_rows)] if ve_rows else [],
            blocks(graph, evaluations),
        ),
    )


# --- Release notes --------------------------------------------------------------------


def release_notes(src: Sources) -> tuple[Section, ...]:
    graph = src.graph
    problems = graph.of_kind("problem-report")
    residual = [p for p in problems if field_text(p, "state", "open") not in CLOSED_PROBLEM_STATES]
    closed = [p for p in problems if p not in residual]
    headers = ("Problem", "Title", "State", "Criticality", "Safety relevant", "Evaluation")

    def rows(found: Sequence[Item]) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (
                p.id,
                p.title,
                field_text(p, "state", "open"),
                field_text(p, "criticality"),
                field_text(p, "safety-relevant"),
                field_text(p, "root-cause"),
            )
            for p in found
        )

    unevaluated: tuple[Gap, ...] = ()
    if src.at_least(SafetyClass.B):
        unevaluated = listed_gap(
            "Residual anomalies without an evaluation (root-cause)",
            [p.id for p in residual if not field_text(p, "root-cause")],
            "5.8.3",
        )
    releases = graph.of_kind("release")
    changes = graph.of_kind("change-request")
    change_rows = tuple(
        (
            c.id,
            c.title,
            field_text(c, "state"),
            ", ".join(c.targets("resolves")),
            field_text(c, "approved-by"),
        )
        for c in changes
    )
    none = [Paragraph(text="None.")]
    return (
        section("Releases", blocks(graph, releases) or none),
        section(
            "Known residual anomalies",
            [Table(headers=headers, rows=rows(residual))] if residual else none,
            unevaluated,
            blocks(graph, residual),
        ),
        section(
            "Closed problem reports",
            [Table(headers=headers, rows=rows(closed))] if closed else none,
            blocks(graph, closed),
        ),
        section(
            "Change requests",
            [
                Table(
                    headers=("Change", "Title", "State", "Resolves", "Approved by"),
                    rows=change_rows,
                )
            ]
            if change_rows
            else none,
            blocks(graph, changes),
        ),
        section("Reviews and approvals", blocks(graph, graph.of_kind("review-record")) or none),
    )


# --- Matrices -------------------------------------------------------------------------


def trace_sections(
    graph: TraceGraph,
    specs: Iterable[tuple[str, str, tuple[str, ...], Callable[[Item], Sequence[Item]]]],
) -> tuple[Section, ...]:
    """One table per (label, source kind, target kinds, step) with what each source reaches."""
    sections = []
    for label, kind, targets, step in specs:
        rows = []
        for item in graph.of_kind(kind):
            reached = sorted(t.id for t in step(item) if t.kind in targets)
            rows.append((item.id, item.title, ", ".join(reached) or "—"))
        covered = sum(1 for row in rows if row[2] != "—")
        summary = f"{covered} of {len(rows)} {kind} items reach {' or '.join(targets)}."
        headers = (kind, "Title", " or ".join(targets))
        sections.append(
            section(
                label,
                [Paragraph(text=summary)],
                [Table(headers=headers, rows=tuple(rows))] if rows else [],
            )
        )
    return tuple(sections)


def trace_matrix(src: Sources) -> tuple[Section, ...]:
    graph = src.graph

    def down(role: str) -> Callable[[Item], Sequence[Item]]:
        return lambda item: graph.sources(item.id, role)

    specs = (
        (
            "Software requirements to tests",
            "software-requirement",
            ("test-case",),
            down("verifies"),
        ),
        (
            "System to software requirements",
            "system-requirement",
            ("software-requirement",),
            down("derived-from"),
        ),
        (
            "Software requirements to software items and units",
            "software-requirement",
            ("software-item", "software-unit"),
            down("implements"),
        ),
        (
            "Hazardous situations to risk controls",
            "hazardous-situation",
            ("risk-control",),
            down("mitigates"),
        ),
        (
            "Risk controls to requirements",
            "risk-control",
            ("software-requirement", "system-requirement"),
            down("implements-risk-control"),
        ),
        ("Risk controls to tests", "risk-control", ("test-case",), down("verifies")),
    )
    return trace_sections(graph, specs)


def compliance(src: Sources) -> tuple[Section, ...]:
    matrix = src.matrix
    rows = []
    gaps = []
    for row in matrix.rows:
        evidence = ", ".join(row.evidence[:IDS_SHOWN])
        if len(row.evidence) > IDS_SHOWN:
            evidence += f" and {len(row.evidence) - IDS_SHOWN} more"
        evidence = evidence or row.reason
        rows.append(
            (
                row.clause.number,
                row.clause.title,
                "yes" if row.applies else "no",
                row.status.value,
                evidence,
                str(len(row.findings)),
            )
        )
        if row.status.value in ("gap", "attestation needed"):
            failing = (f.message for f in row.findings if f.severity.value != "info")
            detail = next(failing, row.reason)
            message = f"{row.clause.title}: {row.status.value}" + (f" ({detail})" if detail else "")
            gaps.append(Gap(message=message, clause=row.clause.number))
    summary = (
        f"{matrix.standard}, {level_label(matrix.project_class, matrix.standard == ED2_DRAFT)}: "
        + ", ".join(f"{matrix.count(s)} {s.value}" for s in type(matrix.rows[0].status))
        if matrix.rows
        else "No clauses."
    )
    headers = ("Clause", "Title", "Applies", "Status", "Evidence", "Findings")
    return (
        section("Summary", [Paragraph(text=summary)]),
        section("Clauses", [Table(headers=headers, rows=tuple(rows))], gaps),
    )

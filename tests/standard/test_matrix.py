"""The compliance matrix: nothing is met that no rule evaluated."""

from __future__ import annotations

from pathlib import Path

from medtrace.api import CheckOptions, LoadOptions, check_project, init_project, load_project
from medtrace.graph import TraceGraph
from medtrace.standard import CLAUSES, Method
from medtrace.standard.matrix import SCOPES, Status, compliance_matrix
from medtrace.standard.reads import READS

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))


def matrix_of(project: Path) -> dict[str, tuple[Status, str]]:
    report = check_project(project, NO_CACHE)
    loaded = load_project(project, LoadOptions(use_cache=False))
    graph = TraceGraph(loaded.items, loaded.config.schema)
    matrix = compliance_matrix(graph, loaded.config, report.findings)
    return {row.clause.number: (row.status, row.reason) for row in matrix.rows}


def test_every_clause_decided_by_rules_says_what_its_rules_evaluate_and_read() -> None:
    decided = {c.number for c in CLAUSES if c.rules}
    assert decided <= set(SCOPES)
    assert decided == set(READS)
    # The others with a scope are attestation clauses asked for only while it has items.
    assert {n for n in SCOPES if n not in decided} <= {
        c.number for c in CLAUSES if c.method is Method.ATTESTATION
    }


def test_an_empty_project_has_no_met_clause_and_every_other_row_says_why(tmp_path: Path) -> None:
    init_project(tmp_path / "empty")
    rows = matrix_of(tmp_path / "empty")
    assert not [n for n, (status, _) in rows.items() if status is Status.MET]
    assert all(
        reason for status, reason in rows.values() if status is not Status.ATTESTATION_NEEDED
    )


def test_a_clause_with_nothing_to_evaluate_is_not_applicable_or_a_gap(tmp_path: Path) -> None:
    project = tmp_path / "small"
    init_project(project)
    (project / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Pump software\nsafety-class: C\n---\n",
        "utf-8",
    )
    rows = matrix_of(project)
    # No SOUP at all: the SOUP clauses are about nothing here.
    assert rows["8.1.2"] == (Status.NOT_APPLICABLE, "the software uses no SOUP")
    # No software requirement: the requirement clauses need one.
    status, reason = rows["5.2.1"]
    assert status is Status.GAP and "no software requirement" in reason

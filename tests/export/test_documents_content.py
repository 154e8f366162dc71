"""What the risk management file and the SRS hold beyond the items: the acceptability
criteria, the residual risk evaluation, the risk management review, the 5.2.2 categories."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ItemWriter

from medtrace.api.documents import assemble
from medtrace.model.documents import Document, Section, Table


@pytest.fixture
def class_a(project: Path, write_item: ItemWriter) -> Path:
    """A Class A system with one uncategorised requirement; no risk items."""
    write_item("SWS-001", "software-system", safety_class="A")
    write_item("SYS-001", "system-requirement")
    write_item("SRS-001", "software-requirement", derived_from=["SYS-001"])
    return project


def _document(project: Path, slug: str) -> Document:
    return next(d for d in assemble(project).documents if d.slug == slug)


def _section(document: Document, title: str) -> Section:
    found = [s for s in document.sections if s.title == title]
    assert found, [s.title for s in document.sections]
    return found[0]


def _tables(section: Section) -> dict[str, Table]:
    return {b.caption: b for b in section.blocks if isinstance(b, Table)}


def test_the_risk_file_states_its_scales_and_matrix(example: Path) -> None:
    rmf = _document(example, "rmf")
    assert rmf.sections[0].title == "Risk acceptability criteria"
    tables = _tables(rmf.sections[0])
    assert [row[0] for row in tables["Severity scale, mildest first"].rows] == [
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
    ]
    matrix = tables["Acceptability matrix"]
    assert matrix.headers == ("Severity \\ probability", "P1", "P2", "P3", "P4", "P5")
    # Worst severity first: S5 catastrophic is R at P1 and U from P2 on (the default matrix).
    assert matrix.rows[0] == ("S5 catastrophic", "R", "U", "U", "U", "U")
    assert matrix.rows[-1] == ("S1 negligible", "A", "A", "A", "A", "R")
    counts = _tables(_section(rmf, "Hazardous situations and risk estimation"))
    after = counts["Hazardous situations per cell after risk control"]
    total = sum(int(cell.split()[1]) for row in after.rows for cell in row[1:] if " " in cell)
    assert total == 17  # every situation of the example is in one cell


def test_the_example_has_its_residual_risk_evaluation_and_review(example: Path) -> None:
    rmf = _document(example, "rmf")
    overall = _section(rmf, "Overall residual risk and benefit-risk")
    review = _section(rmf, "Risk management review")
    assert not [b for b in (*overall.blocks, *review.blocks) if type(b).__name__ == "Gap"]
    assert "ORR-001" in {getattr(b, "id", "") for b in overall.blocks}
    assert "RMR-001" in {getattr(b, "id", "") for b in review.blocks}


def test_missing_evaluation_review_and_benefit_risk_are_gaps(
    class_a: Path, write_item: ItemWriter
) -> None:
    rmf = _document(class_a, "rmf")
    messages = [g.message for g in rmf.gaps]
    assert any("No overall residual risk evaluation" in m for m in messages)
    assert any("No risk management review" in m for m in messages)
    write_item("ORR-001", "risk-evaluation", overall_residual_risk="not-acceptable")
    write_item("RMR-001", "risk-management-review", plan_carried_out="true",
               overall_residual_risk_acceptable="false")  # fmt: skip
    messages = [g.message for g in _document(class_a, "rmf").gaps]
    assert any("ORR-001" in m and "benefit-risk statement" in m for m in messages)
    unmet = next(m for m in messages if m.startswith("RMR-001"))
    assert "the overall residual risk is acceptable" in unmet
    assert "post-production" in unmet and "plan was carried out" not in unmet


def test_the_srs_reports_the_5_2_2_categories_no_requirement_covers(
    class_a: Path, write_item: ItemWriter
) -> None:
    write_item("SRS-002", "software-requirement", category="alarm", derived_from=["SYS-001"])
    srs = _document(class_a, "srs")
    categories = _section(srs, "Requirement categories (5.2.2)")
    table = next(b for b in categories.blocks if isinstance(b, Table))
    rows = {row[0]: row[3] for row in table.rows}
    assert rows["alarm"] == "1"
    assert rows["installation"] == "none"
    gaps = [g for g in srs.gaps if g.clause == "5.2.2"]
    assert any("without a category: SRS-001" in g.message for g in gaps)
    missing = next(g.message for g in gaps if g.message.startswith("No software requirement"))
    assert "installation" in missing and "alarm" not in missing
    write_item("SWS-001", "software-system", safety_class="A",
               categories_not_applicable=["installation"])  # fmt: skip
    rows = {
        row[0]: row[3]
        for block in _section(_document(class_a, "srs"), "Requirement categories (5.2.2)").blocks
        if isinstance(block, Table)
        for row in block.rows
    }
    assert rows["installation"] == "not applicable (SWS-001)"

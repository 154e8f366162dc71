"""The AI model file (when there are AI items) and the cybersecurity report (always)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medtrace.api.documents import assemble
from medtrace.model.documents import Document, Gap, Section, Table

CORPUS = Path(__file__).parents[1] / "conformance"
SECURITY = CORPUS / "5.2.2-security-control-not-in-requirements" / "passes" / "items"


@pytest.fixture
def ai_project(tmp_path: Path) -> Path:
    """The PCCP case's model, data and evaluation, the security case's threat model and a
    SOUP record without its support."""
    root = tmp_path / "ai"
    shutil.copytree(CORPUS / "8.2.1-pccp-incomplete" / "passes", root)
    for name in ("THR-001", "RC-010", "SRS-010", "PLAN-002"):
        shutil.copy(SECURITY / f"{name}.md", root / "items")
    shutil.copy(CORPUS / "7.1.3-soup-evaluation-outdated" / "passes" / "items" / "SOUP-001.md",
                root / "items")  # fmt: skip
    return root


def _document(root: Path, slug: str) -> Document:
    return next(d for d in assemble(root).documents if d.slug == slug)


def _tables(sections: tuple[Section, ...]) -> list[Table]:
    found: list[Table] = []
    for section in sections:
        found += [b for b in section.blocks if isinstance(b, Table)]
        found += _tables(section.sections)
    return found


def test_the_ai_file_holds_data_model_evaluation_and_pccp(ai_project: Path) -> None:
    document = _document(ai_project, "ai")
    assert [s.title for s in document.sections] == [
        "AI development life cycle plan",
        "Data management",
        "Model description and training",
        "Performance evaluation report",
        "Predetermined change control plan",
    ]
    (evaluation,) = document.sections[3].sections
    (table,) = _tables((evaluation,))
    # The model ships 1.0 where 0.9 is authorised: the PCCP's criterion holds too.
    assert ("age 65+", "sensitivity", "0.88", "0.83 to 0.92",
            "sensitivity >= 0.85, sensitivity >= 0.87", "met") in table.rows  # fmt: skip
    assert document.gaps == ()


def test_a_subgroup_below_its_criterion_shows_not_met(ai_project: Path) -> None:
    path = ai_project / "items" / "PEV-001.md"
    text = path.read_text("utf-8").replace(
        "age 65+ / sensitivity = 0.88", "age 65+ / sensitivity = 0.86"
    )
    path.write_text(text, "utf-8")
    (table,) = _tables(_document(ai_project, "ai").sections[3].sections)
    verdicts = {row[0]: row[-1] for row in table.rows}
    assert verdicts == {"overall": "met", "age 65+": "NOT MET", "age under 65": "met"}


def test_the_cybersecurity_report_traces_threats_to_security_requirements(ai_project: Path) -> None:
    document = _document(ai_project, "cybersecurity")
    titles = [s.title for s in document.sections]
    assert titles == [
        "Threat model",
        "Security risk controls and their verification",
        "SBOM summary",
        "Vulnerability assessment",
    ]
    threats, controls, sbom = _tables(document.sections)
    assert threats.rows[0][0] == "THR-001" and threats.rows[0][-1] == "RC-010"
    assert controls.rows == (("RC-010", "THR-001", "SRS-010", "", "not covered"),)
    assert sbom.rows[0][0] == "SOUP-001"
    assert Gap(message="SOUP without support-level or end-of-support: SOUP-001",
               clause="8.1.2") in document.gaps  # fmt: skip


def test_the_example_has_a_cybersecurity_report_without_gaps_and_no_ai_file(
    example: Path,
) -> None:
    slugs = [d.slug for d in assemble(example).documents]
    assert "ai" not in slugs
    document = _document(example, "cybersecurity")
    assert document.gaps == ()
    sbom = next(t for t in _tables(document.sections) if t.headers[0] == "SOUP")
    assert len(sbom.rows) == 13 and all(row[3] and row[4] for row in sbom.rows)

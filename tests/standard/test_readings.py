"""The readings of the standard corrected in issue 18, one test (or two) per reading, each
citing its clause."""

from __future__ import annotations

from pathlib import Path

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.graph import TraceGraph
from medtrace.model import Finding, SafetyClass
from medtrace.standard.matrix import Status, compliance_matrix
from tests.standard.conftest import classified_system

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))


def write(root: Path, name: str, front: str, body: str = "") -> None:
    (root / "items" / f"{name}.md").write_text(f"---\nid: {name}\n{front}---\n{body}", "utf-8")


def findings(root: Path, code: str) -> list[Finding]:
    return [f for f in check_project(root, NO_CACHE).findings if f.code == code]


def matrix_row(root: Path, number: str) -> tuple[Status, str]:
    report = check_project(root, NO_CACHE)
    project = load_project(root, LoadOptions(use_cache=False))
    graph = TraceGraph(project.items, project.config.schema)
    rows = compliance_matrix(graph, project.config, report.findings).rows
    row = next(r for r in rows if r.clause.number == number)
    return row.status, row.reason


# -- 7.3.1: a risk control is verified by evidence recorded against the control itself ------


def control_project(root: Path) -> Path:
    classified_system(root, SafetyClass.C)
    write(root, "RC-001", "kind: risk-control\ntitle: Limit the bolus\nmitigates: [HAZ-001]\n")
    write(
        root,
        "SRS-001",
        "kind: software-requirement\ntitle: Refuse a bolus above 25 U\n"
        "implements-risk-control: [RC-001]\n",
    )
    write(root, "TC-001", "kind: test-case\ntitle: Refuse 26 U\nverifies: [SRS-001]\n")
    return root


def test_7_3_1_a_control_verified_only_through_its_requirement_is_reported(
    tmp_path: Path,
) -> None:
    root = control_project(tmp_path / "p")
    (found,) = findings(root, "62304.7.3.1/risk-control-not-verified")
    assert (found.item, found.clause) == ("RC-001", "7.3.1")
    assert "no verification of its own" in found.message
    assert "SRS-001" in found.message  # which requirement is tested instead


def test_7_3_1_a_test_of_the_control_or_a_verification_entry_on_it_counts(
    tmp_path: Path,
) -> None:
    root = control_project(tmp_path / "p")
    write(root, "TC-002", "kind: test-case\ntitle: Limit guard\nverifies: [RC-001]\n")
    assert findings(root, "62304.7.3.1/risk-control-not-verified") == []
    (root / "items" / "TC-002.md").unlink()
    write(
        root,
        "RC-001",
        "kind: risk-control\ntitle: Limit the bolus\nmitigates: [HAZ-001]\n"
        "verification: Inspection report IR-12 of the limit guard, 2026-02-01.\n",
    )
    assert findings(root, "62304.7.3.1/risk-control-not-verified") == []


# -- 4.4.1-4.4.5 apply only to legacy software ----------------------------------------------


def test_4_4_the_legacy_clauses_are_not_applicable_without_legacy_software(
    tmp_path: Path,
) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.C)
    report = check_project(root, NO_CACHE)
    assert not [f for f in report.findings if f.clause and f.clause.startswith("4.4")]
    assert matrix_row(root, "4.4.3") == (
        Status.NOT_APPLICABLE,
        "no software is declared legacy (legacy: true)",
    )


def test_4_4_declared_legacy_software_needs_its_assessment(tmp_path: Path) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.B)
    write(root, "SWS-001", "kind: software-system\ntitle: Pump controller\nlegacy: true\n")
    found = [f for f in check_project(root, NO_CACHE).findings if f.clause in LEGACY]
    assert {f.clause for f in found} == set(LEGACY)
    assert {f.item for f in found} == {"SWS-001"}
    assert matrix_row(root, "4.4.1")[0] is Status.GAP


LEGACY = ("4.4.1", "4.4.2", "4.4.3", "4.4.4", "4.4.5")


# -- 4.2 at Class A: the classification rationale and the plan reference satisfy it ----------


def class_a(root: Path, planned: bool) -> Path:
    (root / "items").mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "Viewer"\n', "utf-8")
    write(root, "SWS-001", "kind: software-system\ntitle: Image viewer\n")
    write(
        root,
        "PLAN-001",
        "kind: plan\ntitle: Risk management plan\nplan-type: [risk-management]\n",
        "## Scope\n\nThe viewer and its use.\n",
    )
    link = "planned-in: [PLAN-001]\n" if planned else ""
    write(
        root,
        "SCL-001",
        "kind: safety-classification\ntitle: Classification\nclassifies: [SWS-001]\n"
        "contributes-to-hazardous-situation: false\nsafety-class: A\n"
        f"rationale: It only displays stored images; no diagnosis is made from it.\n{link}",
    )
    return root


def test_4_2_a_class_a_record_that_cannot_contribute_needs_no_hazard(tmp_path: Path) -> None:
    root = class_a(tmp_path / "p", planned=True)
    assert findings(root, "62304.4.2/risk-analysis-missing") == []
    assert matrix_row(root, "4.2")[0] is Status.MET


def test_4_2_without_the_plan_reference_the_hazards_are_asked_for(tmp_path: Path) -> None:
    root = class_a(tmp_path / "p", planned=False)
    found = findings(root, "62304.4.2/risk-analysis-missing")
    assert found and {f.clause for f in found} == {"4.2"}


# -- 4.2, 5.1, 6.1 accept a plan that serves several purposes -----------------------------------


def test_one_plan_serving_several_purposes_meets_4_2_5_1_1_and_6_1(tmp_path: Path) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.C)
    write(
        root,
        "PLAN-001",
        "kind: plan\ntitle: Software plan\n"
        "plan-type: [development, maintenance, risk-management, configuration-management]\n",
        "## Maintenance (6.1)\n\nFeedback, problems and SOUP updates as PROC-7 says.\n",
    )
    codes = {f.code for f in check_project(root, NO_CACHE).findings}
    for missing in (
        "62304.4.2/risk-management-plan-missing",
        "62304.5.1.1/development-plan-missing",
        "62304.6.1/maintenance-plan-missing",
        "62304.6.1/plan-section-missing",
    ):
        assert missing not in codes, missing
    assert matrix_row(root, "6.1")[0] is Status.MET


# -- 7.1.3: a SOUP anomaly list is a URL or a document reference --------------------------------


def soup(root: Path, anomalies: str) -> None:
    write(
        root,
        "SOUP-001",
        "kind: soup\ntitle: zlib\nmanufacturer: Jean-loup Gailly and Mark Adler\n"
        f"version: 1.3.1\nused-by: [SWI-001]\nanomaly-list: {anomalies}\n"
        "anomaly-evaluation: None of the issues is reachable.\n",
    )


def test_7_1_3_an_anomaly_list_may_be_a_url_a_file_an_item_or_a_named_document(
    tmp_path: Path,
) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.C)
    write(root, "SWI-001", "kind: software-item\ntitle: Compression\npart-of: [SWS-001]\n")
    write(root, "DOC-001", "kind: plan\ntitle: zlib errata\nplan-type: [other]\n")
    (root / "docs").mkdir()
    (root / "docs" / "zlib-errata.txt").write_text("None known.\n", "utf-8")
    for good in (
        "https://github.com/madler/zlib/issues",
        "docs/zlib-errata.txt",
        "DOC-001",
        '"zlib ChangeLog, revision 1.3.1"',
    ):
        soup(root, good)
        report = check_project(root, NO_CACHE)
        bad = [f for f in report.findings if "anomaly-list" in f.code]
        assert bad == [], good
    soup(root, "docs/missing.txt")
    (missing,) = [f for f in check_project(root, NO_CACHE).findings if "anomaly-list" in f.code]
    assert (missing.code, missing.item, missing.clause) == (
        "item/anomaly-list-missing",
        "SOUP-001",
        "7.1.3",
    )
    soup(root, '"the release notes"')
    (vague,) = findings(root, "62304.7.1.3/anomaly-list-unclear")
    assert (vague.item, vague.clause) == ("SOUP-001", "7.1.3")


# -- 8.1.2, not 7.4.1: a SOUP record with no version --------------------------------------


def test_8_1_2_a_soup_record_without_a_version_is_a_finding_about_the_record(
    tmp_path: Path,
) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.C)
    for item in ("SWI-001", "SWI-002"):
        write(root, item, f"kind: software-item\ntitle: Item {item}\npart-of: [SWS-001]\n")
    write(
        root,
        "SOUP-001",
        "kind: soup\ntitle: zlib\nmanufacturer: Jean-loup Gailly and Mark Adler\n"
        "used-by: [SWI-001, SWI-002]\nevaluated-version: 1.3.1\n",
    )
    report = check_project(root, NO_CACHE)
    (identified,) = [f for f in report.findings if f.code == "62304.8.1.2/soup-identification"]
    assert (identified.item, identified.clause) == ("SOUP-001", "8.1.2")
    assert "version" in identified.message
    for code in ("62304.7.4.1/soup-change-not-analysed", "62304.7.1.3/soup-evaluation-outdated"):
        assert not [f for f in report.findings if f.code == code], code

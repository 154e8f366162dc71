"""Edition 2 draft mode: rigor levels I and II instead of classes A, B and C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.documents import build_documents
from medtrace.cli import cli
from medtrace.model import SafetyClass
from medtrace.standard import clause
from medtrace.standard.rules.plans import SECTION_CLAUSES
from tests.standard.conftest import classified_system

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
ED2 = '[project]\nname = "Scaling"\nstandard = "iec62304:ed2-draft"\n'


def clauses_at(at: SafetyClass) -> set[str]:
    """The planning clauses with a section rule that apply at class ``at``."""
    return {number for number in SECTION_CLAUSES if at in clause(number).classes}


@pytest.mark.parametrize(
    ("declared", "read_as"),
    [
        (SafetyClass.A, SafetyClass.A),
        (SafetyClass.B, SafetyClass.C),
        (SafetyClass.C, SafetyClass.C),
    ],
)
def test_level_one_is_class_a_and_level_two_the_union_of_b_and_c(
    tmp_path: Path, declared: SafetyClass, read_as: SafetyClass
) -> None:
    root = classified_system(tmp_path / "p", declared)
    (root / "medtrace.toml").write_text(ED2, "utf-8")
    (root / "items" / "PLAN-001.md").write_text(
        "---\nid: PLAN-001\nkind: plan\ntitle: Plan\nplan-type: [development, maintenance]"
        "\n---\nNo sections yet.\n",
        "utf-8",
    )
    report = check_project(root, NO_CACHE)
    asked = {f.clause for f in report.findings if f.code.endswith("/plan-section-missing")}
    assert asked == clauses_at(read_as)


def test_software_implementing_a_risk_control_is_always_level_two(tmp_path: Path) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.A)
    (root / "medtrace.toml").write_text(ED2, "utf-8")
    items = root / "items"
    (items / "RC-001.md").write_text(
        "---\nid: RC-001\nkind: risk-control\ntitle: Limit the bolus\n---\n", "utf-8"
    )
    for unit, extra in (("SWU-001", "implements-risk-control: [RC-001]\n"), ("SWU-002", "")):
        (items / f"{unit}.md").write_text(
            f"---\nid: {unit}\nkind: software-unit\ntitle: Unit {unit}\npart-of: [SWS-001]\n"
            f"source-files: [src/{unit}.py]\n{extra}---\n",
            "utf-8",
        )
    report = check_project(root, NO_CACHE)
    design = {f.item for f in report.findings if f.code == "62304.5.4.2/detailed-design-missing"}
    assert design == {"SWU-001"}
    edition1 = ED2.replace('standard = "iec62304:ed2-draft"\n', "")
    (root / "medtrace.toml").write_text(edition1, "utf-8")
    report = check_project(root, NO_CACHE)
    assert not [f for f in report.findings if f.code == "62304.5.4.2/detailed-design-missing"]


def test_checks_gaps_and_classify_say_rigor_level(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "items").mkdir(parents=True)
    (root / "medtrace.toml").write_text(ED2, "utf-8")
    (root / "items" / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Pump\n---\n", "utf-8"
    )
    (root / "items" / "HAZ-001.md").write_text(
        "---\nid: HAZ-001\nkind: hazard\ntitle: Overdose\n---\n", "utf-8"
    )
    unclassified = check_project(root, NO_CACHE).findings
    (missing,) = [f for f in unclassified if f.code == "62304.4.3/classification-missing"]
    assert "rigor level II" in missing.message and "Class" not in missing.message
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "classify",
            "--path",
            str(root),
            "--system",
            "SWS-001",
            "--no-contributes",
            "--rationale",
            "x",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "SWS-001 is rigor level I;" in result.stdout
    record = next((root / "items").glob("SCL-*.md")).read_text("utf-8")
    assert "contributes-to-harm: false" in record and "rigor-level: I" in record
    assert "unacceptable-risk" not in record  # Edition 1.1's questions are not asked
    gaps = runner.invoke(cli, ["gaps", "--path", str(root)])
    assert "Rigor level I under iec62304:ed2-draft" in gaps.stdout
    assert not [f for f in check_project(root, NO_CACHE).findings if "4.3/" in f.code]


def test_a_risk_control_in_software_raises_the_project_to_level_two(tmp_path: Path) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.A)
    (root / "medtrace.toml").write_text(ED2, "utf-8")
    record = root / "items" / "SCL-001.md"
    text = record.read_text("utf-8")
    text = text.replace("safety-class: A\n", "rigor-level: I\ncontributes-to-harm: false\n")
    record.write_text(text, "utf-8")
    (root / "items" / "RC-001.md").write_text(
        "---\nid: RC-001\nkind: risk-control\ntitle: Limit the bolus\n---\n", "utf-8"
    )
    (root / "items" / "SWU-001.md").write_text(
        "---\nid: SWU-001\nkind: software-unit\ntitle: Limit\npart-of: [SWS-001]\n"
        "implements-risk-control: [RC-001]\n---\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["gaps", "--path", str(root), "--format", "json"])
    document = json.loads(result.stdout)
    assert (document["class"], document["rigor_level"]) == ("C", "II")
    findings = check_project(root, NO_CACHE).findings
    raised = [f for f in findings if f.code == "62304.4.3/classification-inconsistent"]
    assert raised and "implements a risk control" in raised[0].message


def test_the_documents_name_the_rigor_level(tmp_path: Path) -> None:
    root = classified_system(tmp_path / "p", SafetyClass.B)
    (root / "medtrace.toml").write_text(ED2, "utf-8")
    built = build_documents(root, tmp_path / "docs", ("md",))
    texts = {path.name: path.read_text("utf-8") for path in built.files if path.suffix == ".md"}
    assert "Rigor level II" in texts["index.md"]
    joined = "\n".join(texts.values())
    assert (
        "| Rigor level | II |" in joined and "The software system is **rigor level II**" in joined
    )
    assert "Safety class B" not in joined and "**Class B**" not in joined

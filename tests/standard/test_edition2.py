"""Edition 2 draft mode: rigor levels I and II instead of classes A, B and C."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.model import SafetyClass
from medtrace.standard import CLAUSES, Method
from tests.standard.conftest import classified_system

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
ED2 = '[project]\nname = "Scaling"\nstandard = "iec62304:ed2-draft"\n'


def attestation_clauses(at: SafetyClass) -> set[str]:
    return {e.number for e in CLAUSES if e.method is Method.ATTESTATION and at in e.classes}


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
    report = check_project(root, NO_CACHE)
    asked = {f.clause for f in report.findings if f.code.endswith("/attestation-needed")}
    assert asked == attestation_clauses(read_as)


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

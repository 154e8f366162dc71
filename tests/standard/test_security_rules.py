"""A threat gives its security controls a class only through the hazardous situation it
may lead to (standard.classes.risk_class); an evaluation states its vector's base score."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.graph.cvss import base_score
from medtrace.model import SafetyClass
from tests.standard.test_scaling import at_class

CASE = Path(__file__).parents[1] / "conformance" / "5.2.2-security-control-not-in-requirements"
NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
BELOW = "62304.7.2.2/class-below-risk"
SITUATION = """---
id: HS-001
kind: hazardous-situation
title: A forged command delivers a bolus
may-cause: [HARM-001]
caused-by: [SWI-001]
---
"""
HARM = """---
id: HARM-001
kind: harm
title: Severe hypoglycaemia
injury: serious-injury-or-death
---
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(CASE / "passes", root)
    at_class(root, SafetyClass.B)
    (root / "items" / "SWI-001.md").write_text(
        (root / "items" / "SWI-001.md")
        .read_text("utf-8")
        .replace("implements: [SRS-001]", "implements: [SRS-001, SRS-010]"),
        "utf-8",
    )
    return root


def test_a_threat_without_a_safety_effect_adds_no_class(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert BELOW not in {f.code for f in check_project(root, NO_CACHE).findings}


def test_a_threat_that_may_lead_to_serious_harm_raises_its_controls_class(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    (root / "items" / "HS-001.md").write_text(SITUATION, "utf-8")
    (root / "items" / "HARM-001.md").write_text(HARM, "utf-8")
    threat = root / "items" / "THR-001.md"
    threat.write_text(
        threat.read_text("utf-8").replace("threatens:", "may-lead-to: [HS-001]\nthreatens:"),
        "utf-8",
    )
    findings = [f for f in check_project(root, NO_CACHE).findings if f.code == BELOW]
    assert [f.item for f in findings] == ["SWI-001"]


SEVERITY = Path(__file__).parents[1] / "conformance" / "7.1.3-vulnerability-severity-missing"


@pytest.mark.parametrize(
    ("score", "fires"), [("5.3", False), ("7.5", True), ("", True)], ids=["right", "wrong", "none"]
)
def test_the_stated_score_is_the_vectors_base_score(
    tmp_path: Path, score: str, fires: bool
) -> None:
    root = tmp_path / "p"
    shutil.copytree(SEVERITY / "passes", root)
    evaluation = root / "items" / "VE-001.md"
    stated = f"cvss-score: {score}\n" if score else ""
    evaluation.write_text(
        evaluation.read_text("utf-8").replace("cvss-score: 5.3\n", stated), "utf-8"
    )
    messages = [
        f.message
        for f in check_project(root, NO_CACHE).findings
        if f.code == "62304.7.1.3/vulnerability-severity-missing"
    ]
    assert bool(messages) is fires
    if fires:
        assert "cvss-score: 5.3 (the vector's base score)" in messages[0]


def test_base_scores_of_each_cvss_version() -> None:
    assert base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8
    assert base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") == 9.3
    assert base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P") == 7.5
    assert base_score("CVSS:3.1/AV:X") is None


DISCLOSURE = Path(__file__).parents[1] / "conformance" / "6.1-vulnerability-disclosure-plan-missing"


@pytest.mark.parametrize(
    ("purposes", "fires"),
    [("[maintenance, vulnerability-disclosure]", False), ("[maintenance, other]", True)],
    ids=["among-others", "absent"],
)
def test_a_disclosure_plan_may_serve_other_purposes_too(
    tmp_path: Path, purposes: str, fires: bool
) -> None:
    root = tmp_path / "p"
    shutil.copytree(DISCLOSURE / "passes", root)
    plan = root / "items" / "PLAN-002.md"
    text = plan.read_text("utf-8").replace("plan-type: vulnerability-disclosure", "")
    plan.write_text(text.replace("kind: plan", f"kind: plan\nplan-type: {purposes}"), "utf-8")
    codes = {f.code for f in check_project(root, NO_CACHE).findings}
    assert ("62304.6.1/vulnerability-disclosure-plan-missing" in codes) == fires

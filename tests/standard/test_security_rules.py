"""A threat gives its security controls a class only through the hazardous situation it
may lead to (standard.classes.risk_class)."""

from __future__ import annotations

import shutil
from pathlib import Path

from medtrace.api import CheckOptions, LoadOptions, check_project
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

"""Class scaling: the same project at Class A, B and C yields exactly the findings the
applicability table predicts, clause by clause.

* Every clause decided by an attestation: a project with nothing but a classified
  system asks for the attestation exactly at the classes the clause applies to.
* Every clause decided by rules: the conformance project where its rule fires,
  with every class in it set to A, B and C, reports the rule exactly at those
  classes. (The classification rules of 4.3, 5.3.5 and 7.2.2 are about classes
  themselves and have their own cases.)
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.model import SafetyClass
from medtrace.standard import CLAUSES, Method, all_rules, clause
from tests.standard.conftest import ANSWERS, classified_system

CORPUS = Path(__file__).parents[1] / "conformance"
NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
CLASSIFICATION_RULES = ("62304.4.3/", "62304.5.3.5/", "62304.7.2.2/")


def at_class(project: Path, target: SafetyClass) -> None:
    """Set every class in the project to ``target``, with answers that give it."""
    contributes, unacceptable, harm = ANSWERS[target]
    for path in project.rglob("*.md"):
        text = path.read_text("utf-8")
        text = re.sub(r"(?m)^safety-class: [ABC]$", f"safety-class: {target.value}", text)
        text = re.sub(r"(?m)^initial-class: [ABC]\n", "", text)
        text = re.sub(
            r"(?m)^contributes-to-hazardous-situation: \w+$",
            f"contributes-to-hazardous-situation: {contributes}",
            text,
        )
        text = re.sub(r"(?m)^unacceptable-risk: \w+$", f"unacceptable-risk: {unacceptable}", text)
        text = re.sub(r"(?m)^worst-harm: [\w-]+$", f"worst-harm: {harm}", text)
        path.write_text(text, "utf-8")


@pytest.mark.parametrize("target", list(SafetyClass), ids=lambda c: f"class-{c.value}")
def test_attestations_are_asked_exactly_where_their_clause_applies(
    tmp_path: Path, target: SafetyClass
) -> None:
    report = check_project(classified_system(tmp_path / "p", target), NO_CACHE)
    asked = {f.clause for f in report.findings if f.code.endswith("/attestation-needed")}
    expected = {
        entry.number
        for entry in CLAUSES
        if entry.method is Method.ATTESTATION and target in entry.classes
    }
    assert asked == expected


def scaling_cases() -> list[tuple[str, Path]]:
    cases = []
    for rule in all_rules():
        if clause(rule.clause).method is not Method.RULES or rule.code.startswith(
            CLASSIFICATION_RULES
        ):
            continue
        for expected in sorted(CORPUS.glob("*/fires/expected.json")):
            if json.loads(expected.read_text("utf-8"))["rule"] == rule.code:
                cases.append((rule.code, expected.parent))
                break
    return cases


def test_every_rule_clause_is_covered_by_the_scaling_test() -> None:
    covered = {clause_of(code) for code, _ in scaling_cases()}
    needed = {
        entry.number
        for entry in CLAUSES
        if entry.method is Method.RULES and entry.number not in ("4.3", "5.3.5", "7.2.2")
    }
    assert needed <= covered


def clause_of(code: str) -> str:
    return code.removeprefix("62304.").split("/")[0]


@pytest.mark.parametrize(("code", "case"), scaling_cases(), ids=lambda v: str(v))
@pytest.mark.parametrize("target", list(SafetyClass), ids=lambda c: f"class-{c.value}")
def test_a_rule_fires_exactly_at_the_classes_of_its_clause(
    tmp_path: Path, code: str, case: Path, target: SafetyClass
) -> None:
    project = tmp_path / "p"
    shutil.copytree(case, project)
    at_class(project, target)
    report = check_project(project, NO_CACHE)
    fired = any(f.code == code for f in report.findings)
    narrower = next(r.classes for r in all_rules() if r.code == code)
    assert fired == (target in (narrower or clause(clause_of(code)).classes))

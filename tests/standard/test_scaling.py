"""Class scaling: the same project at Class A, B and C yields exactly the findings the
applicability table predicts, clause by clause.

* Every clause decided (wholly or in part) by an attestation: a project with a
  classified system and something for each clause to be about asks for the attestation
  exactly at the classes the clause applies to; with nothing but the system, only the
  attestations always due (4.1, 5.1.2) are asked.
* Every clause decided by rules: the conformance project where its rule fires,
  with every class in it set to A, B and C, reports the rule exactly at those
  classes. (The classification rules of 4.3, 5.3.5 and 7.2.2 are about classes
  themselves and have their own cases.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.model import SafetyClass
from medtrace.standard import CLAUSES, all_rules, clause
from tests.conformance.harness import prepare
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
def test_with_nothing_but_a_system_only_the_always_due_attestations_are_asked(
    tmp_path: Path, target: SafetyClass
) -> None:
    report = check_project(classified_system(tmp_path / "p", target), NO_CACHE)
    asked = {f.clause for f in report.findings if f.code.endswith("/attestation-needed")}
    # Quality management (4.1) and keeping the plan current (5.1.2) are about every
    # project; the others only once there is what they are about (below).
    assert asked == {"4.1", "5.1.2"}


@pytest.mark.parametrize("target", list(SafetyClass), ids=lambda c: f"class-{c.value}")
def test_attestations_are_asked_exactly_where_their_clause_applies(
    tmp_path: Path, target: SafetyClass
) -> None:
    root = classified_system(tmp_path / "p", target)
    for name, text in EVERYTHING.items():
        (root / "items" / f"{name}.md").write_text(text, "utf-8")
    report = check_project(root, NO_CACHE)
    asked = {f.clause for f in report.findings if f.code.endswith("/attestation-needed")}
    expected = {entry.number for entry in CLAUSES if entry.attestation and target in entry.classes}
    assert asked == expected


# Something for every attestation clause to be about: software, requirements, a hazardous
# situation, tests, an approved change, a problem report and a release.
EVERYTHING = {
    "SWI-001": "---\nid: SWI-001\nkind: software-item\ntitle: Dose\npart-of: [SWS-001]\n---\n",
    "SRS-001": "---\nid: SRS-001\nkind: software-requirement\ntitle: Limit\n---\n",
    "HS-001": "---\nid: HS-001\nkind: hazardous-situation\ntitle: Overdose\n---\n",
    "TC-001": "---\nid: TC-001\nkind: test-case\ntitle: Limit test\n---\n",
    "CR-001": "---\nid: CR-001\nkind: change-request\ntitle: Lower it\nstate: approved\n---\n",
    "PR-001": "---\nid: PR-001\nkind: problem-report\ntitle: Too high\nstate: open\n---\n",
    "REL-001": "---\nid: REL-001\nkind: release\ntitle: Release 1.0\nversion: '1.0'\n---\n",
}


def scaling_cases() -> list[tuple[str, Path]]:
    cases = []
    for rule in all_rules():
        if (
            not clause(rule.clause).rules
            or rule.code.startswith(CLASSIFICATION_RULES)
            or rule.code.endswith("/attestation-needed")
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
        if entry.rules and entry.number not in ("4.3", "5.3.5", "7.2.2")
    }
    assert needed <= covered


def clause_of(code: str) -> str:
    return code.removeprefix("62304.").split("/")[0]


@pytest.mark.parametrize(("code", "case"), scaling_cases(), ids=lambda v: str(v))
@pytest.mark.parametrize("target", list(SafetyClass), ids=lambda c: f"class-{c.value}")
def test_a_rule_fires_exactly_at_the_classes_of_its_clause(
    tmp_path: Path, code: str, case: Path, target: SafetyClass
) -> None:
    project = prepare(case, tmp_path / "p")
    at_class(project, target)
    report = check_project(project, NO_CACHE)
    fired = any(f.code == code for f in report.findings)
    assert fired == (target in classes_of(code))


def classes_of(code: str) -> frozenset[SafetyClass]:
    """The classes a rule is evaluated at: its clause's, unless the rule names its own
    (narrower where it checks part of a clause; a signature's verdict at every class)."""
    found = next(rule for rule in all_rules() if rule.code == code)
    return found.classes if found.classes is not None else clause(found.clause).classes

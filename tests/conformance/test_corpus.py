"""The conformance corpus: for every rule, a project where it fires and one where it does not.

Each case is a folder ``tests/conformance/<case>/<fires|passes>/`` holding a small
project (medtrace.toml and item files) and ``expected.json``::

    {"rule": "62304.5.4.2/detailed-design-missing",
     "findings": [{"item": "SWU-001", "path": "items/SWU-001.md"}]}

The findings of that rule, and only of that rule, must be exactly the ones listed.
Each case is checked on a copy outside any git repository, or in a repository of its
own when ``expected.json`` says ``"git": true`` (:mod:`tests.conformance.harness`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conformance.harness import prepare

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.standard import all_rules, clause
from medtrace.standard.attestations import ATTESTATION_NEEDED

CORPUS = Path(__file__).parent
CASES = sorted(path.parent for path in CORPUS.glob("*/*/expected.json"))
NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))


def expected(case: Path) -> tuple[str, list[tuple[str | None, str]]]:
    data = json.loads((case / "expected.json").read_text("utf-8"))
    findings = sorted((f["item"], f["path"]) for f in data["findings"])
    return data["rule"], findings


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_rule_finds_exactly_what_the_case_expects(case: Path, tmp_path: Path) -> None:
    code, wanted = expected(case)
    report = check_project(prepare(case, tmp_path / "case"), NO_CACHE)
    found = [f for f in report.findings if f.code == code]
    got = sorted((f.item, f.location.path) for f in found)
    assert got == wanted
    assert {f.clause for f in found} <= {code.removeprefix("62304.").partition("/")[0]}
    structural = [f for f in report.findings if not f.code.startswith("62304.")]
    assert structural == [], "a case project must be structurally sound"


def test_passing_cases_expect_nothing_and_firing_cases_something() -> None:
    for case in CASES:
        _, wanted = expected(case)
        assert bool(wanted) == (case.name == "fires"), case


def test_every_rule_has_a_case_that_fires_and_one_that_passes() -> None:
    covered: dict[str, set[str]] = {}
    for case in CASES:
        code, _ = expected(case)
        covered.setdefault(code, set()).add(case.name)
    missing = [
        rule.code
        for rule in all_rules()
        if clause(rule.clause).rules
        and not rule.code.endswith(f"/{ATTESTATION_NEEDED}")
        and covered.get(rule.code) != {"fires", "passes"}
    ]
    assert missing == []

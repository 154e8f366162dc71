"""The example checks clean at Class C; each typical defect is reported with its clause."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))


def drop_key(path: Path, key: str) -> None:
    """Remove a front matter key and its folded or listed continuation lines."""
    text = path.read_text("utf-8")
    text = re.sub(rf"(?m)^{re.escape(key)}:.*\n(?:[ \t-].*\n)*", "", text, count=1)
    path.write_text(text, "utf-8")


def without_detailed_design(root: Path) -> str:
    design = next(p for p in (root / "design").glob("*.md") if "design-of:" in p.read_text("utf-8"))
    unit = re.search(r"design-of: \[(SWU-\d+)", design.read_text("utf-8"))
    assert unit is not None
    design.unlink()
    return unit.group(1)


def lower_class_without_rationale(root: Path) -> str:
    item = root / "architecture" / "SWI-001.md"
    text = item.read_text("utf-8").replace(
        "kind: software-item\n", "kind: software-item\nsafety-class: B\n"
    )
    item.write_text(text, "utf-8")
    return "SWI-001"


def control_in_no_requirement(root: Path) -> str:
    for requirement in (root / "requirements" / "software").glob("*.md"):
        text = requirement.read_text("utf-8")
        text = re.sub(r"(?m)^implements-risk-control:.*\n", "", text)
        requirement.write_text(text, "utf-8")
    return "RC-001"


def soup_without_evaluation(root: Path) -> str:
    drop_key(root / "soup" / "SOUP-002.md", "anomaly-evaluation")
    return "SOUP-002"


def requirement_without_test(root: Path) -> str:
    for test in (root / "tests").rglob("*.md"):
        text = test.read_text("utf-8")
        text = re.sub(r"(?m)^(verifies: \[)(.*)\]$", _without("SRS-020"), text)
        test.write_text(text, "utf-8")
    return "SRS-020"


def _without(item_id: str) -> Callable[[re.Match[str]], str]:
    def edit(match: re.Match[str]) -> str:
        kept = [t.strip() for t in match.group(2).split(",") if t.strip() != item_id]
        return f"{match.group(1)}{', '.join(kept)}]"

    return edit


def test_the_example_checks_clean_at_class_c(committed: Path) -> None:
    example = committed
    report = check_project(example, NO_CACHE)
    assert report.findings == ()


@pytest.mark.parametrize(
    ("defect", "code", "clause"),
    [
        (without_detailed_design, "62304.5.4.2/detailed-design-missing", "5.4.2"),
        (lower_class_without_rationale, "62304.4.3/lower-class-without-segregation", "4.3"),
        (control_in_no_requirement, "62304.5.2.3/risk-control-not-in-requirements", "5.2.3"),
        (soup_without_evaluation, "62304.7.1.3/soup-anomalies-not-evaluated", "7.1.3"),
        (requirement_without_test, "62304.5.7.1/requirement-not-tested", "5.7.1"),
    ],
    ids=["unit-without-design", "lower-class", "control", "soup", "untested-requirement"],
)
def test_each_defect_is_reported_with_its_clause(
    example: Path, defect: Callable[[Path], str], code: str, clause: str
) -> None:
    item_id = defect(example)
    report = check_project(example, NO_CACHE)
    assert report.failed
    hits = [f for f in report.findings if f.code == code and f.item == item_id]
    assert hits, [f"{f.code} {f.item}" for f in report.findings]
    assert all(f.clause == clause for f in hits)

"""The documentation is evidence too: generated parts are current, every code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import medtrace
import medtrace.api
import medtrace.model
from medtrace.cli.reference import cli_reference, render_format, render_standard, rules_document
from medtrace.model import SafetyClass
from medtrace.model.codes import STRUCTURAL_CODES
from medtrace.standard import CLAUSES, Method, all_rules

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SOURCE = REPO / "src" / "medtrace"
REGENERATE = "run: python -m medtrace.cli.reference docs"


def test_the_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text("utf-8") == cli_reference(), REGENERATE


def test_the_generated_parts_of_the_format_reference_are_current() -> None:
    document = (DOCS / "format.md").read_text("utf-8")
    assert render_format(document) == document, REGENERATE


@pytest.mark.parametrize("code", sorted(STRUCTURAL_CODES))
def test_every_finding_code_has_a_section(code: str) -> None:
    assert f"#### `{code}`" in (DOCS / "format.md").read_text("utf-8")


def test_every_code_the_source_emits_is_in_the_catalogue() -> None:
    pattern = re.compile(r'"((?:file|item|link|config|results|code|migrate|reqif)/[a-z0-9-]+)"')
    used = {
        match
        for path in SOURCE.rglob("*.py")
        if path.name != "codes.py"
        for match in pattern.findall(path.read_text("utf-8"))
    }
    assert used, "the pattern must find the codes"
    assert used <= set(STRUCTURAL_CODES), sorted(used - set(STRUCTURAL_CODES))


def test_every_command_is_in_the_readme_or_docs() -> None:
    reference = (DOCS / "cli.md").read_text("utf-8")
    for command in ("medtrace init", "medtrace check"):
        assert f"## `{command}`" in reference


def test_the_changelog_has_an_unreleased_section() -> None:
    assert "## [Unreleased]" in (REPO / "CHANGELOG.md").read_text("utf-8")


def test_the_public_api_names_exist() -> None:
    for module in (medtrace, medtrace.api, medtrace.model):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_the_table_of_decisions_in_the_standard_page_is_current() -> None:
    document = (DOCS / "standard.md").read_text("utf-8")
    assert render_standard(document) == document, REGENERATE


def test_at_most_25_clauses_are_attestation_only_at_class_c_each_with_its_reason() -> None:
    alone = [c for c in CLAUSES if c.method is Method.ATTESTATION and SafetyClass.C in c.classes]
    assert len(alone) <= 25
    table = (DOCS / "standard.md").read_text("utf-8")
    for entry in CLAUSES:
        if entry.attestation:
            assert entry.attest and entry.attest_reason, entry.number
            assert f"| {entry.number} | {entry.method.value} | {entry.attest} |" in table


def test_the_rules_reference_is_current() -> None:
    assert (DOCS / "rules.md").read_text("utf-8") == rules_document(), REGENERATE


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_is_documented(rule: object) -> None:
    code = getattr(rule, "code")  # noqa: B009 - parametrised as object for the id
    assert f"### `{code}`" in (DOCS / "rules.md").read_text("utf-8")


@pytest.mark.parametrize("entry", CLAUSES, ids=lambda c: c.number)
def test_every_clause_is_documented(entry: object) -> None:
    number = getattr(entry, "number")  # noqa: B009
    assert f"## {number} " in (DOCS / "rules.md").read_text("utf-8")


PART11_SECTIONS = (
    *(f"11.10({letter})" for letter in "abcdefghk"),
    "11.30", "11.50(a)", "11.50(b)", "11.70", "11.100(a)", "11.100(b)",
    "11.200(a)(1)", "11.200(a)(2)", "11.200(a)(3)",
    *(f"11.300({letter})" for letter in "abcde"),
    "Annex 11 §9", "Annex 11 §12", "Annex 11 §14",
)  # fmt: skip
_ROW = re.compile(r"^\| (?P<section>[^|]+?) \|.*\| `(?P<test>tests/[^`]+\.py::test_\w+)` \|$")


def _part11_rows() -> list[tuple[str, str]]:
    text = (DOCS / "part11.md").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    found = [(m["section"], m["test"]) for line in rows[1:] if (m := _ROW.match(line))]
    assert len(found) == len(rows) - 1, "every requirement row names one test"
    return found


def test_every_part11_row_names_a_test_that_exists() -> None:
    root = DOCS.parent
    for section, test in _part11_rows():
        path, name = test.split("::")
        assert f"def {name}(" in (root / path).read_text("utf-8"), f"{section}: {test}"


def test_part11_covers_every_section_it_must() -> None:
    covered = {section for section, _ in _part11_rows()}
    assert {s for s in PART11_SECTIONS if not any(c.startswith(s) for c in covered)} == set()

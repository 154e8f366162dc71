"""Manual test records: their evidence files must be in the project."""

from __future__ import annotations

from pathlib import Path

from medtrace.api import CheckOptions, LoadOptions, check_project

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
CODE = "results/attachment-missing"


def attachment_findings(project: Path) -> list[tuple[str | None, str]]:
    report = check_project(project, NO_CACHE)
    return [(f.item, f.message) for f in report.findings if f.code == CODE]


def test_the_examples_attachments_are_all_there(example: Path) -> None:
    assert (example / "records/evidence/TR-003-sound-levels.csv").is_file()
    assert attachment_findings(example) == []


def test_a_missing_or_escaping_attachment_is_a_finding(example: Path) -> None:
    (example / "records/evidence/TR-003-sound-levels.csv").unlink()
    record = example / "records/TR-004.md"
    text = record.read_text("utf-8")
    record.write_text(
        text.replace(
            "  - records/evidence/TR-004", "  - ../outside.csv\n  - records/evidence/TR-004"
        ),
        "utf-8",
    )
    (example.parent / "outside.csv").write_text("x\n", "utf-8")
    assert attachment_findings(example) == [
        (
            "TR-003",
            "TR-003: attachment records/evidence/TR-003-sound-levels.csv is not a file in "
            "the project",
        ),
        ("TR-004", "TR-004: attachment ../outside.csv is outside the project"),
    ]

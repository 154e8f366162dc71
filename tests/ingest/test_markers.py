"""Requirement markers in source code of many languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.cli import cli
from medtrace.ingest.markers import find_markers


@pytest.mark.parametrize(
    ("line", "role", "ids"),
    [
        ("# implements: SRS-012", "implements", ("SRS-012",)),
        ("x = 1  # implements: SRS-012, SRS-013", "implements", ("SRS-012", "SRS-013")),
        ("// verifies: SRS-1 SRS-2", "verifies", ("SRS-1", "SRS-2")),
        ("/* implements: RC-003 */", "implements", ("RC-003",)),
        (" * implements: SWU-001.", "implements", ("SWU-001",)),
        ("-- implements: SYS-4", "implements", ("SYS-4",)),
        ("<!-- implements: SRS-9 -->", "implements", ("SRS-9",)),
    ],
)
def test_markers_in_many_comment_styles(line: str, role: str, ids: tuple[str, ...]) -> None:
    (marker,) = find_markers(f"first line\n{line}\n", "src/a.c")
    assert (marker.line, marker.role, marker.ids) == (2, role, ids)


def test_text_that_only_mentions_implements_is_not_a_marker() -> None:
    assert find_markers("print('this implements nothing')\nimplements: SRS-1\n", "a.py") == ()


def test_scan_links_units_and_reports_unknown_ids(project: Path, write_item) -> None:
    write_item("SRS-1", "software-requirement")
    write_item("SRS-2", "software-requirement")
    write_item("SWU-1", "software-unit", implements=["SRS-1"], source_files=["src/limits.py"])
    (project / "src").mkdir()
    (project / "src" / "limits.py").write_text(
        "# implements: SRS-1\n# implements: SRS-2\n# implements: SRS-404\n", "utf-8"
    )
    (project / "src" / "loose.py").write_text("# implements: SRS-1\n", "utf-8")
    (project / "src" / "blob.bin").write_bytes(b"\xff\xfe# implements: SRS-1")
    result = CliRunner().invoke(cli, ["scan", "--path", str(project), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["units"] == {"SWU-1": ["SRS-1", "SRS-2"]}
    codes = sorted((f["code"], f["path"]) for f in document["findings"])
    assert codes == [
        ("code/file-not-in-unit", "src/loose.py"),
        ("code/marker-unknown-id", "src/limits.py"),
        ("code/unit-implements-missing", "items/SWU-1.md"),
    ]

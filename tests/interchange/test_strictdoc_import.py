"""StrictDoc import: StrictDoc's own .sdoc documents load and check clean, with as many
items and links as the files hold (counted here from the text, not by the reader)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import shared_path
from tests.interchange.test_strictdoc_read import EVERYTHING

from medtrace.api import check_project, load_project
from medtrace.api.migrate import import_strictdoc
from medtrace.errors import MedtraceError
from medtrace.interchange.findings import LINK_UNMAPPED, NOT_IMPORTED

SOURCE = ("realworld", "strictdoc", "strictdoc-docs")
REAL = {
    "strictdoc_20_l1_system_requirements.sdoc": "system-requirement",
    "strictdoc_21_l2_high_level_requirements.sdoc": "software-requirement",
    "strictdoc_22_l3_low_level_requirements.sdoc": "software-requirement",
    "strictdoc_40_DO178_requirements.sdoc": "system-requirement",
    "strictdoc_41_Zephyr_requirements.sdoc": "system-requirement",
}
STRUCTURAL = ("file/", "item/", "link/", "config/")


def _count(path: Path) -> tuple[int, int, int]:
    """Requirements, Parent relations and [TEXT] nodes of an .sdoc, counted by regex."""
    text = path.read_text("utf-8")
    return (
        len(re.findall(r"(?m)^\[REQUIREMENT\]$", text)),
        len(re.findall(r"(?m)^- TYPE: Parent\n  VALUE: \S", text)),
        len(re.findall(r"(?m)^\[TEXT\]$", text)),
    )


def _structural(root: Path) -> list[str]:
    return [
        f"{f.code} {f.location} {f.message}"
        for f in check_project(root).findings
        if f.code.startswith(STRUCTURAL)
    ]


def _links(root: Path) -> int:
    return sum(len(item.links) for item in load_project(root).items)


@pytest.mark.parametrize("name", sorted(REAL))
def test_each_real_document_imports_alone(project: Path, name: str) -> None:
    source = shared_path(*SOURCE, name)
    items, parents, texts = _count(source)
    report = import_strictdoc(project, [source])
    unmapped = [w for w in report.warnings if w.code == LINK_UNMAPPED]
    assert len(report.created) == items
    assert report.links + len(unmapped) == parents
    assert len(load_project(project).items) == items
    assert _links(project) == report.links
    assert {c.kind for c in report.created} == {REAL[name]}
    assert sum(entry.endswith(" TEXT") for entry in report.not_imported) == texts
    assert all(w.location.path == str(source) and w.location.line for w in unmapped)


def test_all_real_documents_import_together_and_check_clean(project: Path) -> None:
    sources = [shared_path(*SOURCE, name) for name in sorted(REAL)]
    counts = [_count(source) for source in sources]
    report = import_strictdoc(project, sources)
    assert len(report.created) == sum(c[0] for c in counts) == 272
    assert report.links == sum(c[1] for c in counts) == 216
    assert not [w for w in report.warnings if w.code == LINK_UNMAPPED]
    assert {w.code for w in report.warnings} == {NOT_IMPORTED}
    assert len(report.not_imported) == sum(c[2] for c in counts)
    empty = [w.message for w in report.warnings if "holds no imported item" in w.message]
    assert "[SECTION] 'Summary of user needs' holds no imported item" in empty
    assert _links(project) == 216
    assert _structural(project) == []
    items = {item.id: item for item in load_project(project).items}
    assert items["SDOC-LLR-183"].targets("derived-from") == ("SDOC-SRS-202",)
    assert items["SDOC-SSS-3"].kind == "system-requirement"
    assert items["SDOC-SRS-18"].kind == "software-requirement"
    do178 = items["DO178-14"]
    assert do178.title == "Requirement UID autocompletion"
    assert do178.body.startswith("StrictDoc shall provide autocompletion")
    assert "## strictdoc" in do178.body and "MID: dd075d6cd4fb4ad2b731a9b8068efade" in do178.body
    assert "- Already implemented features" in do178.body  # its section path
    srs37 = items["SDOC-SRS-37"]
    assert "PATH: strictdoc/core/project_config.py" in srs37.body
    created = {c.id: c for c in report.created}
    assert created["SDOC-SRS-37"].unmapped == ("MID", "STATUS", "RELATIONS")


def test_a_later_import_links_to_items_the_project_has(project: Path) -> None:
    names = sorted(REAL)
    import_strictdoc(project, [shared_path(*SOURCE, n) for n in (names[0], *names[3:])])
    report = import_strictdoc(project, [shared_path(*SOURCE, names[1])])
    assert report.links == _count(shared_path(*SOURCE, names[1]))[1]
    assert not [w for w in report.warnings if w.code == LINK_UNMAPPED]


def test_dry_run_writes_nothing_and_nothing_is_overwritten(project: Path) -> None:
    source = shared_path(*SOURCE, "strictdoc_41_Zephyr_requirements.sdoc")
    report = import_strictdoc(project, [source], dry_run=True)
    assert len(report.created) == 15 and report.dry_run
    assert not (project / "strictdoc").exists()
    import_strictdoc(project, [source])
    with pytest.raises(MedtraceError, match="already an item"):
        import_strictdoc(project, [source])
    assert len(load_project(project).items) == 15


SDOC = """\
[DOCUMENT]
TITLE: Tests
PREFIX: T-

[GRAMMAR]
ELEMENTS:
- TAG: TEST_CASE
  FIELDS:
  - TITLE: UID
    TYPE: String
    REQUIRED: True
  - TITLE: STEPS
    TYPE: String
    REQUIRED: False

[REQUIREMENT]
UID: R-1
STATUS: Draft
TAGS: alarm, ui
STATEMENT: >>>
The pump shall alarm.
<<<
RATIONALE: Safety.
RELATIONS:
- TYPE: Child
  VALUE: R-2
  ROLE: Refines

[REQUIREMENT]
UID: R-2
TITLE: Second
STATUS: Active

[TEST_CASE]
UID: T-1
TITLE: Alarm test
STEPS: press
RELATIONS:
- TYPE: Parent
  VALUE: R-1
- TYPE: Parent
  VALUE: GONE-1

[REQUIREMENT]
TITLE: No uid

[DOCUMENT_FROM_FILE]
FILE: more.sdoc
"""


def _write(tmp_path: Path, text: str, name: str = "tests.sdoc") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_fields_kinds_relations_and_what_is_left_out(project: Path, tmp_path: Path) -> None:
    source = _write(tmp_path, SDOC)
    report = import_strictdoc(project, [source], kinds={"TEST_CASE": "test-case"})
    items = {item.id: item for item in load_project(project).items}
    r1, r2, t1 = items["R-1"], items["R-2"], items["T-1"]
    assert (r1.kind, r1.title, r1.field("status"), r1.field("tags")) == (
        "software-requirement",  # the document has Parent relations and no ROOT: True
        "The pump shall alarm.",
        "draft",
        ("alarm", "ui"),
    )
    assert r1.field("rationale") == "Safety."
    assert "ROLE: Refines" in r1.body
    assert r2.targets("derived-from") == ("R-1",)  # the Child relation of R-1
    assert "STATUS: Active" in r2.body and r2.field("status") is None
    assert t1.kind == "test-case"
    assert t1.targets("verifies") == ("R-1",)
    assert "STEPS: press" in t1.body and "tag: TEST_CASE" in t1.body
    assert "VALUE: GONE-1" in t1.body
    assert report.links == 2
    messages: dict[str, list[tuple[int | None, str]]] = {w.code: [] for w in report.warnings}
    for warning in report.warnings:
        messages[warning.code].append((warning.location.line, warning.message))
    assert messages[LINK_UNMAPPED] == [
        (
            41,
            "T-1 Parent -> GONE-1: the target is in no imported file and not in the project; "
            "kept in the body only",
        )
    ]
    lines = [line for line, _ in messages[NOT_IMPORTED]]
    assert lines == [44, 47]
    assert report.not_imported == (f"{source}:44 REQUIREMENT",)
    assert _structural(project) == []


def test_a_link_no_kind_can_hold_is_kept_in_the_body(project: Path, tmp_path: Path) -> None:
    source = _write(tmp_path, SDOC)
    report = import_strictdoc(project, [source], kinds={"T-": "hazard"})
    unmapped = [w.message for w in report.warnings if w.code == LINK_UNMAPPED]
    assert "R-2 Child" not in " ".join(unmapped)
    assert any("a hazard can hold no link to a hazard" in m for m in unmapped)
    assert report.links == 0
    assert _structural(project) == []


def test_a_child_relation_to_an_existing_item_is_kept_in_the_body(
    project: Path, tmp_path: Path
) -> None:
    first = SDOC.split("[REQUIREMENT]\nUID: R-1")[0] + "[REQUIREMENT]\nUID: R-2\nTITLE: x\n"
    import_strictdoc(project, [_write(tmp_path, first, "first.sdoc")])
    rest = SDOC.replace("[REQUIREMENT]\nUID: R-2\nTITLE: Second\nSTATUS: Active\n\n", "")
    report = import_strictdoc(project, [_write(tmp_path, rest)])
    (child,) = [w.message for w in report.warnings if "Child" in w.message]
    assert "an item of the project already" in child


@pytest.mark.parametrize(
    ("text", "kinds", "message"),
    [
        (SDOC.replace("UID: R-2", "UID: 2 R"), None, "UID(s) are not medtrace ids"),
        (SDOC, {"TEST_CASE": "no-such-kind"}, "kind 'no-such-kind' is not known"),
        (SDOC.replace("<<<\n", ""), None, "tests.sdoc:20: '>>>' is never closed"),
        (SDOC.replace("UID: R-2", "UID: R-1"), None, "R-1 appears twice"),
    ],
)
def test_bad_input_writes_nothing(
    project: Path, tmp_path: Path, text: str, kinds: dict[str, str] | None, message: str
) -> None:
    with pytest.raises(MedtraceError, match=re.escape(message)):
        import_strictdoc(project, [_write(tmp_path, text)], kinds=kinds)
    assert load_project(project).items == ()


def test_missing_and_no_files_are_errors(project: Path, tmp_path: Path) -> None:
    with pytest.raises(MedtraceError, match="cannot read"):
        import_strictdoc(project, [tmp_path / "absent.sdoc"])
    with pytest.raises(MedtraceError, match=r"no \.sdoc file"):
        import_strictdoc(project, [])


def test_composite_nodes_freetext_and_includes(project: Path, tmp_path: Path) -> None:
    source = _write(tmp_path, EVERYTHING)
    report = import_strictdoc(project, [source], kinds={"TEST_CASE": "test-case"})
    items = {item.id: item for item in load_project(project).items}
    assert items["ALL-2"].targets("verifies") == ("ALL-1",)  # the Child relation of ALL-1
    assert "- Nested" in items["ALL-2"].body
    assert report.links == 1
    messages = [w.message for w in report.warnings]
    assert messages[0] == "[DOCUMENT] header fields not imported: METADATA"
    assert any(m.startswith("[FREETEXT] narrative text") for m in messages)
    assert any("other.sdoc is not followed" in m for m in messages)
    assert [entry.rsplit(" ", 1)[1] for entry in report.not_imported] == ["FREETEXT", "TEXT"]
    assert _structural(project) == []

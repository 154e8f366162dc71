"""The document set: what each class gets, control blocks, gaps, safe and reproducible HTML."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration
from tests.conftest import ItemWriter

from medtrace.api.documents import assemble, build_documents, project_prefix
from medtrace.cli.context import Context
from medtrace.cli.docs import docs
from medtrace.errors import MedtraceError
from medtrace.export.documents import item_anchor, item_blocks
from medtrace.model.documents import DocumentSet, Gap

CLASS_C = [
    "sdp",
    "srs",
    "sad",
    "sdd",
    "test-plan",
    "test-report",
    "rmf",
    "soup",
    "release-notes",
    "trace-matrix",
    "compliance-matrix",
]
UNSAFE_BODY = "Danger <script>alert(1)</script> and [x](javascript:alert(1)).\n"


@pytest.fixture
def class_a(project: Path, write_item: ItemWriter) -> Path:
    """A small Class A project: a system, its classification, one requirement and its test;
    no plan."""
    write_item("SWS-001", "software-system", safety_class="A")
    write_item(
        "SCL-001",
        "safety-classification",
        safety_class="A",
        contributes_to_hazardous_situation="false",
        classifies=["SWS-001"],
    )
    write_item("SYS-001", "system-requirement")
    write_item("SRS-001", "software-requirement", UNSAFE_BODY, derived_from=["SYS-001"])
    write_item("TC-001", "test-case", level="system", verifies=["SRS-001"])
    return project


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))}


def slugs(document_set: DocumentSet) -> list[str]:
    return [d.slug for d in document_set.documents]


def test_a_class_c_project_gets_every_document_with_its_control_block(example: Path) -> None:
    document_set = assemble(example)
    assert document_set.safety_class == "C"
    assert slugs(document_set) == CLASS_C
    for document in document_set.documents:
        control = document.control
        assert control.document_id.startswith("ICS-")
        assert control.title
        assert (control.revision, control.date) == ("uncommitted", "")  # not in git
        assert control.author == "InsuPump controller software"
        assert document.sections
    srs = next(d for d in document_set.documents if d.slug == "srs")
    assert "SRS-001" in {b.id for b in item_blocks(srs.sections)}
    assert [s.record for s in srs.control.approvals] == ["RVW-001"]


def test_a_class_a_project_has_no_design_documents(class_a: Path) -> None:
    document_set = assemble(class_a)
    assert document_set.safety_class == "A"
    assert "sdd" not in slugs(document_set)
    assert "sad" not in slugs(document_set)  # 5.3 applies to Class B and C only
    assert "srs" in slugs(document_set)


def test_a_missing_plan_is_a_gap_with_its_clause(class_a: Path) -> None:
    sdp = assemble(class_a).documents[0]
    assert sdp.slug == "sdp"
    assert (
        Gap(
            message="No software development plan item (kind: plan, plan-type: development)",
            clause="5.1.1",
        )
        in sdp.gaps
    )


def test_a_requirement_without_a_test_is_a_gap_of_the_test_report(
    class_a: Path, write_item: ItemWriter
) -> None:
    write_item("SRS-002", "software-requirement", derived_from=["SYS-001"])
    report = next(d for d in assemble(class_a).documents if d.slug == "test-report")
    assert any(g.clause == "5.7.1" and "SRS-002" in g.message for g in report.gaps)


def test_two_builds_are_byte_identical(example: Path, tmp_path: Path) -> None:
    first = build_documents(example, tmp_path / "one")
    second = build_documents(example, tmp_path / "two")
    assert files_of(first.output) == files_of(second.output)
    assert {p.name for p in first.files} >= {"index.html", "srs.html", "srs.md", "search.html"}
    assert first.documents == len(CLASS_C)


def test_item_bodies_cannot_run_script(class_a: Path, tmp_path: Path) -> None:
    report = build_documents(class_a, tmp_path / "out")
    pages = sorted(report.output.glob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text("utf-8")
        assert "javascript:" not in text
        assert "alert(1)" not in text or "&lt;script&gt;alert(1)" in text
        tree = lxml.html.fromstring(text)
        scripts = tree.xpath("//script")
        if page.name == "search.html":
            assert [s.get("src") for s in scripts] == ["search-index.js", None]
        else:
            assert "<script" not in text, page.name
        for element in tree.iter():
            assert not any(name.startswith("on") for name in element.attrib), page.name
    srs = (report.output / "srs.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in srs


def test_every_link_points_at_an_existing_anchor(example: Path, tmp_path: Path) -> None:
    report = build_documents(example, tmp_path / "out", ("html",))
    ids = {
        page.name: set(lxml.html.fromstring(page.read_bytes()).xpath("//@id"))
        for page in report.output.glob("*.html")
    }
    checked = 0
    for page, _ in sorted(ids.items()):
        tree = lxml.html.fromstring((report.output / page).read_bytes())
        for href in tree.xpath("//a/@href"):
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, _, anchor = href.partition("#")
            target = target or page
            assert target in ids, f"{page}: {href}"
            if anchor:
                assert anchor in ids[target], f"{page}: {href}"
                checked += 1
    assert checked > 1000
    # Both ways: a requirement links to its test, and the test back to it.
    srs = lxml.html.fromstring((report.output / "srs.html").read_bytes())
    plan = lxml.html.fromstring((report.output / "test-plan.html").read_bytes())
    outgoing = plan.xpath(f'//article[@id="{item_anchor("TC-001")}"]//a/@href')
    target = next(h for h in outgoing if h.startswith("srs.html#"))
    requirement = target.partition("#")[2]
    back = srs.xpath(f'//article[@id="{requirement}"]//a/@href')
    assert f"test-plan.html#{item_anchor('TC-001')}" in back


def test_documents_in_git_carry_the_commit_and_its_history(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)
    git: Git = git_in(example)
    git("init", "-q")
    git("add", "-A")
    env = ("-c", "user.name=Tess Ter", "-c", "user.email=t@example.invalid")
    git(*env, "commit", "-qm", "First issue", "--date=2026-03-01T10:00:00Z")
    head = git("rev-parse", "HEAD").strip()
    first = build_documents(example)  # into build/docs inside the project
    second = build_documents(example, tmp_path / "again")
    assert files_of(first.output) == files_of(second.output)
    control = assemble(example).documents[0].control
    assert control.revision == head[:12]
    assert len(control.date) == 10
    assert [(h.revision, h.author, h.summary) for h in control.history] == [
        (head[:12], "Tess Ter", "First issue")
    ]
    srs = (first.output / "srs.md").read_text("utf-8")
    assert f"| Revision | {head[:12]} |" in srs


def test_a_project_template_replaces_the_built_in_one(class_a: Path, tmp_path: Path) -> None:
    config = class_a / "medtrace.toml"
    config.write_text(config.read_text("utf-8") + '\n[docs]\ntemplates = "tpl"\n', "utf-8")
    (class_a / "tpl").mkdir()
    (class_a / "tpl" / "index.html").write_text("Custom {{ set.project }}\n", "utf-8")
    report = build_documents(class_a, tmp_path / "out", ("html",))
    assert (report.output / "index.html").read_text("utf-8") == "Custom Test project\n"
    assert "<h1>" in (report.output / "srs.html").read_text("utf-8")


def test_an_unknown_format_is_refused(class_a: Path) -> None:
    with pytest.raises(MedtraceError, match="unknown document format 'odt'"):
        build_documents(class_a, formats=("html", "odt"))


def test_project_prefix() -> None:
    assert project_prefix("InsuPump controller software") == "ICS"
    assert project_prefix("insupump") == "INSUPUMP"
    assert project_prefix("!!") == "DOC"


def test_the_command_says_where_the_set_is(class_a: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        docs, ["build", "--path", str(class_a), "--format", "html,md"], obj=Context()
    )
    assert result.exit_code == 0, result.output
    index = class_a / "build" / "docs" / "index.html"
    assert f"Document set: {index}" in result.output
    assert index.is_file()
    bad = runner.invoke(docs, ["build", "--path", str(class_a), "--format", "odt"], obj=Context())
    assert bad.exit_code == 2

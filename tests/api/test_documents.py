"""The document set: what each class gets, control blocks, gaps, safe and reproducible HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
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
    "cybersecurity",
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
    assert f"| Revision | 0.1 ({head[:12]}) |" in srs
    assert f"| Commit | {head[:12]} |" in srs


def test_each_document_has_its_own_history_authors_and_label(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)
    git: Git = git_in(example)
    git("init", "-q")
    git("add", "-A")
    tess = ("-c", "user.name=Tess Ter", "-c", "user.email=t@example.invalid")
    git(*tess, "commit", "-qm", "First issue", "--date=2026-03-01T10:00:00Z")
    first = git("rev-parse", "HEAD").strip()
    requirement = next(example.rglob("SRS-001.md"))
    requirement.write_text(requirement.read_text("utf-8") + "\nA clarification.\n", "utf-8")
    ana = ("-c", "user.name=Ana Ruiz", "-c", "user.email=a@example.invalid")
    git(*ana, "commit", "-qam", "Clarify SRS-001")
    second = git("rev-parse", "HEAD").strip()
    documents = {d.slug: d.control for d in assemble(example).documents}
    srs, soup, matrix = documents["srs"], documents["soup"], documents["trace-matrix"]
    assert [(h.revision, h.author) for h in srs.history] == [
        (second[:12], "Ana Ruiz"),
        (first[:12], "Tess Ter"),
    ]
    assert srs.authors == ("Ana Ruiz", "Tess Ter")
    assert srs.author == "Ana Ruiz, Tess Ter"
    assert srs.label == f"0.2 ({second[:12]})"
    # The SOUP list did not change in the second commit; the matrix shows every change.
    assert [h.revision for h in soup.history] == [first[:12]]
    assert (soup.label, soup.authors) == (f"0.1 ({second[:12]})", ("Tess Ter",))
    assert len(matrix.history) == 2
    # A release tag on HEAD (as release make writes it) names the revision.
    git(*ana, "tag", "-a", "-m", "Release 1.0.0", "medtrace/release/1.0.0")
    assert assemble(example).documents[1].control.label == "1.0.0"
    assert assemble(example, release="1.1.0").documents[1].control.label == "1.1.0"


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


def test_items_that_do_not_parse_are_gaps_and_the_build_exits_1(
    class_a: Path, runner: CliRunner
) -> None:
    broken = class_a / "items" / "SRS-099.md"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("---\nid: SRS-099\nkind: [unclosed\n---\nBody.\n", "utf-8")
    result = runner.invoke(
        docs, ["build", "--path", str(class_a), "--format", "html,md"], obj=Context()
    )
    assert result.exit_code == 1, result.output
    assert "items/SRS-099.md" in result.output
    # What could be read is still built, and the unreadable item is a gap of the set.
    srs = (class_a / "build" / "docs" / "srs.md").read_text("utf-8")
    assert "SRS-001" in srs
    sdp = next(d for d in assemble(class_a).documents if d.slug == "sdp")
    assert any("items/SRS-099.md" in gap.message for gap in sdp.gaps)
    assert "items/SRS-099.md" in (class_a / "build" / "docs" / "sdp.md").read_text("utf-8")


@pytest.mark.parametrize(
    "attack",
    [
        "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ set.documents.append(1) }}",
    ],
)
def test_a_template_cannot_run_a_command(
    class_a: Path, runner: CliRunner, attack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(class_a)
    config = class_a / "medtrace.toml"
    config.write_text(config.read_text("utf-8") + '\n[docs]\ntemplates = "tpl"\n', "utf-8")
    (class_a / "tpl").mkdir()
    (class_a / "tpl" / "index.html").write_text(f"<p>Index</p>\n{attack}\n", "utf-8")
    result = runner.invoke(
        docs, ["build", "--path", str(class_a), "--format", "html"], obj=Context()
    )
    assert result.exit_code == 2, result.output
    assert not (class_a / "PWNED").exists()
    message = result.output.strip().splitlines()[0]
    assert "tpl/index.html:2" in message, message
    assert "Traceback" not in result.output


def test_html_never_loads_a_remote_image(
    class_a: Path, write_item: ItemWriter, tmp_path: Path
) -> None:
    body = (
        "![tracker](https://tracker.example/pixel.png) ![cdn](//cdn.example/x.png) "
        "![diagram](figures/pump.png)\n"
    )
    write_item("SRS-002", "software-requirement", body, derived_from=["SYS-001"])
    report = build_documents(class_a, tmp_path / "out", ("html",))
    sources = []
    for page in report.output.glob("*.html"):
        sources += lxml.html.fromstring(page.read_bytes()).xpath("//img/@src")
    assert sources == ["figures/pump.png"]  # the local image only
    srs = lxml.html.fromstring((report.output / "srs.html").read_bytes())
    links = srs.xpath("//a/@href")
    assert "https://tracker.example/pixel.png" in links
    assert "//cdn.example/x.png" in links


TYPST_CODE = (
    '#read("/etc/passwd") and #import "@preview/cetz:0.3.1": *\n\n'
    "#set page(width: 3cm)\n\n"
    '#set text(size: 40pt) #{ panic("injected") } $ x^2 $ = Not a heading\n'
)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_item_text_that_looks_like_typst_is_printed_as_written(
    class_a: Path, write_item: ItemWriter, tmp_path: Path
) -> None:
    path = write_item("SRS-002", "software-requirement", TYPST_CODE, derived_from=["SYS-001"])
    front = path.read_text("utf-8")
    path.write_text(front.replace("Title of SRS-002", '"#set page(width: 1cm)"'), "utf-8")
    report = build_documents(class_a, tmp_path / "out", ("html", "pdf", "docx"))
    lines = [line for line in TYPST_CODE.splitlines() if line]
    lines[-1] = lines[-1].removesuffix(" = Not a heading")
    pdf = report.output / "srs.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    html = lxml.html.fromstring((report.output / "srs.html").read_bytes()).text_content()
    with zipfile.ZipFile(report.output / "srs.docx") as archive:
        docx_text = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))
    for shown in (text, html, docx_text):
        flat = " ".join(shown.split())
        for line in lines:
            assert line in flat
        assert "#set page(width: 1cm)" in flat  # the title too
        assert "root:" not in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info  # still A4: no #set reached Typst


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_example_pdfs_are_pdfa_2b_and_the_same_on_every_build(
    example: Path, tmp_path: Path
) -> None:
    first = build_documents(example, tmp_path / "one", ("pdf",))
    second = build_documents(example, tmp_path / "two", ("pdf",))
    assert files_of(first.output) == files_of(second.output)
    pdfs = sorted(first.output.glob("*.pdf"))
    assert len(pdfs) == len(CLASS_C)
    for pdf in pdfs:
        data = pdf.read_bytes()
        metadata = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True)
        assert "<pdfaid:part>2</pdfaid:part>" in metadata.stdout, pdf.name
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata.stdout, pdf.name
        assert b"/GTS_PDFA1" in data and b"/Encrypt" not in data
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # embedded
        if shutil.which("qpdf") is not None:
            check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout

"""PDF and DOCX renderers of the document set: structure, page furniture and safety."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest

from medtrace.errors import ProjectError
from medtrace.export.documents.docx import render_docx
from medtrace.export.documents.pdf import pdf_data, render_pdf
from medtrace.model.documents import (
    Document,
    DocumentControl,
    DocumentSet,
    Gap,
    ItemBlock,
    Paragraph,
    RevisionEntry,
    Section,
    Signature,
    Table,
)

EVIL_BODY = (
    "The pump shall stop within **2 s**.\n\n"
    "<script>alert(1)</script>\n\n"
    "See [click](javascript:alert(1)) and [the spec](https://example.org/spec) "
    "or <javascript:alert(2)>.\n\n"
    "- first point\n- second point with `code`\n\n"
    "Inline <script>alert(3)</script> raw HTML.\n"
)
GAP_TEXT = "No software architecture item describes the segregation of SOUP."
SIGNATURES = (
    Signature(name="Ada Lovelace", role="QA", meaning="approved", date="2024-05-02", record="RR-1"),
    Signature(
        name="Alan Turing", role="Lead", meaning="reviewed", date="2024-05-01", record="RR-1"
    ),
)


def _items(prefix: str, count: int) -> tuple[ItemBlock, ...]:
    return tuple(
        ItemBlock(
            id=f"{prefix}-{n:03d}",
            kind="software-requirement",
            title=f"Requirement number {n}",
            fields=(("status", "approved"), ("safety class", "C")),
            body=EVIL_BODY
            if n == 1
            else f"Requirement body {n} with a [link](https://example.org/{n}).",
            links_out=(("derives-from", "SYS-001"),),
            links_in=(("verified-by", f"TC-{n:03d}"),),
        )
        for n in range(1, count + 1)
    )


def make_set(items: int = 3) -> DocumentSet:
    big_table = Table(
        headers=("Requirement", "Verified by", "Result"),
        rows=tuple(
            (f"SRS-{n:03d}", f"TC-VERY-LONG-IDENTIFIER-WITHOUT-BREAKS-{n:05d}", "pass")
            for n in range(1, 121)
        ),
        caption="Trace of requirements to tests",
    )
    srs = Document(
        slug="srs",
        control=DocumentControl(
            document_id="PUMP-SRS",
            title="Software Requirements Specification",
            revision="abc1234",
            date="2024-05-03",
            author="Grace Hopper",
            approvals=SIGNATURES,
            history=(
                RevisionEntry(
                    revision="abc1234", date="2024-05-03", author="Grace Hopper", summary="Release"
                ),
                RevisionEntry(
                    revision="9f8e7d6", date="2024-04-01", author="Ada Lovelace", summary="Draft"
                ),
            ),
        ),
        purpose="States what the pump software shall do.",
        clauses=("5.2.1", "5.2.2"),
        sections=(
            Section(
                title="Introduction",
                blocks=(Paragraph(text="This document states the *software requirements*."),),
                sections=(
                    Section(title="Scope and audience", blocks=(Paragraph(text="All of it."),)),
                ),
            ),
            Section(title="Functional requirements", blocks=_items("SRS", items)),
            Section(
                title="Traceability",
                blocks=(big_table, Gap(message=GAP_TEXT, clause="5.3.3")),
                sections=(
                    Section(
                        title="Deeper",
                        sections=(
                            Section(
                                title="Deeper still",
                                sections=(Section(title="Deepest level five"),),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )
    sdp = Document(
        slug="sdp",
        control=DocumentControl(
            document_id="PUMP-SDP",
            title="Software Development Plan",
            revision="abc1234",
            date="2024-05-03",
            author="Grace Hopper",
        ),
        purpose="Plans the work.",
        clauses=("5.1",),
        sections=(Section(title="Plan", blocks=(Paragraph(text="We plan."),)),),
    )
    return DocumentSet(
        project="InsuPump",
        safety_class="C",
        revision="abc1234",
        date="2024-05-03",
        documents=(srs, sdp),
    )


# -- PDF ----------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)


def _pdf_pages(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    assert len(pages) == count
    return pages


def _pdf_objects(data: bytes) -> bytes:
    """The PDF with its Flate streams (object streams with link annotations) inflated."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def srs_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    document_set = make_set()
    path = tmp_path_factory.mktemp("pdf") / "srs.pdf"
    path.write_bytes(render_pdf(document_set, document_set.documents[0]))
    return path


@needs_poppler
def test_pdf_has_header_footer_and_page_numbers_on_every_page(srs_pdf: Path) -> None:
    pages = _pdf_pages(srs_pdf)
    assert len(pages) >= 5
    first = pages[0]
    assert "PUMP-SRS" in first
    assert "Software Requirements Specification" in first
    assert "Revision abc1234" in first
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page, page
        assert "PUMP-SRS" in page


@needs_poppler
def test_pdf_title_page_toc_gap_signatures(srs_pdf: Path) -> None:
    pages = _pdf_pages(srs_pdf)
    assert "Document control" in pages[0]
    assert "Grace Hopper" in pages[0]
    toc = pages[1]
    assert "Contents" in toc
    for title in ("Introduction", "Scope and audience", "Functional requirements", "Traceability"):
        line = next(line for line in toc.splitlines() if title in line)
        assert re.search(r"\.[\s\u2060]*\d+\s*$", line), line  # a leader and a page number
    text = "\n".join(pages)
    assert "GAP" in text
    assert "segregation of SOUP" in text
    assert "Ada Lovelace" in text and "approved" in text
    assert "Revision history" in text
    # The 120-row table crosses a page: its header row is repeated.
    assert sum(page.count("Verified by") for page in pages) >= 2


@needs_poppler
def test_pdf_drops_script_and_javascript_links(srs_pdf: Path) -> None:
    text = "\n".join(_pdf_pages(srs_pdf))
    assert "alert(1)" not in text
    assert "alert(3)" not in text
    assert "javascript:" not in text
    assert "click" in text  # the link text stays, its target does not
    raw = _pdf_objects(srs_pdf.read_bytes())
    assert b"javascript" not in raw.lower()
    assert b"https://example.org/spec" in raw  # an allowed link stays a link


def test_pdf_is_deterministic_and_dated_by_the_revision() -> None:
    document_set = make_set()
    first = render_pdf(document_set, document_set.documents[0])
    assert first == render_pdf(document_set, document_set.documents[0])
    assert b"D:20240503000000" in first  # the creation date is the revision's, not the clock's
    assert b"pdfaid:part" in _pdf_objects(first)  # PDF/A identification in the XMP metadata


def test_pdf_headings_are_numbered_and_items_are_link_targets() -> None:
    document_set = make_set()
    data = json.loads(pdf_data(document_set, document_set.documents[0]))
    numbers = [s["number"] for s in data["sections"]]
    assert numbers == ["1", "2", "3"]
    assert data["sections"][2]["sections"][0]["sections"][0]["number"] == "3.1.1"
    item = data["sections"][1]["blocks"][0]
    assert (item["id"], item["label"]) == ("SRS-001", "item-SRS-001")
    table = data["sections"][2]["blocks"][0]
    assert table["rows"][0][0] == [["SRS-001", "item-SRS-001"]]  # an item of this document
    assert table["rows"][39][0] == [["SRS-040", ""]]  # not shown anywhere: plain text


def test_pdf_template_override(tmp_path: Path) -> None:
    (tmp_path / "document.typ").write_text(
        '#let data = json("data.json")\nCustom #data.document-id\n', encoding="utf-8"
    )
    document_set = make_set()
    out = tmp_path / "sdp.pdf"
    out.write_bytes(render_pdf(document_set, document_set.documents[1], templates=tmp_path))
    if shutil.which("pdftotext") is not None:
        assert "Custom PUMP-SDP" in _pdf_pages(out)[0]
    # A folder without the template falls back on the built-in one.
    out.write_bytes(render_pdf(document_set, document_set.documents[1], tmp_path / "absent"))
    if shutil.which("pdftotext") is not None:
        assert "Contents" in _pdf_pages(out)[1]


def test_a_broken_project_template_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "document.typ").write_text("#let x = (\n", encoding="utf-8")
    document_set = make_set()
    with pytest.raises(ProjectError, match=r"document\.typ:1: unclosed delimiter"):
        render_pdf(document_set, document_set.documents[1], templates=tmp_path)


def test_a_template_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "link.txt").symlink_to(secret)
    for path in (str(secret), "../secret.txt", "link.txt"):
        (templates / "document.typ").write_text(f'#read("{path}")\n', encoding="utf-8")
        with pytest.raises(ProjectError):
            render_pdf(make_set(), make_set().documents[1], templates=templates)


def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    document_set = make_set()
    document = document_set.documents[1]
    body = f"![x]({secret.as_uri()}) ![y](http://127.0.0.1:9/x.png) ![z](https://example.invalid/z.png)"
    evil = Document(
        slug=document.slug,
        control=document.control,
        purpose=document.purpose,
        clauses=document.clauses,
        sections=(Section(title="Images", blocks=(Paragraph(text=body),)),),
    )
    data = render_pdf(document_set, evil)
    assert data.startswith(b"%PDF")
    assert b"SECRET" not in _pdf_objects(data)


# -- DOCX ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def srs_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    document_set = make_set()
    path = tmp_path_factory.mktemp("docx") / "srs.docx"
    path.write_bytes(render_docx(document_set, document_set.documents[0]))
    return path


def _zip_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def test_docx_headings_and_tables(srs_docx: Path) -> None:
    import docx

    document = docx.Document(str(srs_docx))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    styles = {style for style, _ in headings}
    assert {"Heading 1", "Heading 2", "Heading 3", "Heading 4"} <= styles
    assert ("Heading 1", "1 Introduction") in headings
    assert ("Heading 2", "1.1 Scope and audience") in headings
    assert ("Heading 4", "3.1.1.1 Deepest level five") in headings
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "segregation of SOUP" in texts
    # Document control first, the 40-row table, revision history and signatures.
    control = document.tables[0]
    assert control.cell(0, 0).text == "Document"
    assert control.cell(0, 1).text == "PUMP-SRS"
    big = next(t for t in document.tables if len(t.rows) == 121)
    assert big.cell(0, 0).text == "Requirement"
    header_xml = big.rows[0]._tr.xml
    assert "w:tblHeader" in header_xml
    assert any(t.cell(0, 0).text == "Revision" for t in document.tables)
    signatures = next(t for t in document.tables if t.cell(0, 0).text == "Name")
    assert signatures.cell(1, 0).text == "Ada Lovelace"
    assert "w:tblHeader" in signatures.rows[0]._tr.xml


def test_docx_fields_header_footer_and_properties(srs_docx: Path) -> None:
    xml = _zip_xml(srs_docx)
    headers = "".join(v for k, v in xml.items() if k.startswith("word/header"))
    footers = "".join(v for k, v in xml.items() if k.startswith("word/footer"))
    assert "PUMP-SRS" in headers and "abc1234" in headers
    assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", footers)
    assert re.search(r"<w:instrText[^>]*>\s*NUMPAGES\s*</w:instrText>", footers)
    document = xml["word/document.xml"]
    # The contents: a PAGEREF field per heading, each heading bookmarked for it.
    pagerefs = re.findall(r"<w:instrText[^>]*>\s*PAGEREF (_Toc\d+) \\h\s*</w:instrText>", document)
    assert len(pagerefs) == 9  # seven sections, revision history, signatures
    bookmarks = set(re.findall(r'w:bookmarkStart w:id="\d+" w:name="(_Toc\d+)"', document))
    assert set(pagerefs) == bookmarks
    assert "w:updateFields" in xml["word/settings.xml"]
    core = xml["docProps/core.xml"]
    assert "2024-05-03T00:00:00Z" in core
    assert "Grace Hopper" in core
    assert "lastPrinted" not in core


def test_docx_has_no_script_or_javascript(srs_docx: Path) -> None:
    xml = _zip_xml(srs_docx)
    everything = "\n".join(xml.values())
    assert "javascript" not in everything.lower()
    assert "alert(" not in everything
    assert "<script" not in everything.lower() and "&lt;script" not in everything.lower()
    document = xml["word/document.xml"]
    assert "click" in document
    assert "https://example.org/spec" in document
    import docx

    paragraphs = [p.text for p in docx.Document(str(srs_docx)).paragraphs]
    assert "\u2022 first point" in paragraphs
    assert "\u2022 second point with code" in paragraphs
    assert "See click and the spec (https://example.org/spec) or ." in paragraphs
    assert "Inline  raw HTML." in paragraphs


def test_docx_item_body_headings_are_headings() -> None:
    import docx

    document_set = make_set()
    srs = document_set.documents[0]
    plan = ItemBlock(
        id="PLAN-001", kind="plan", title="Development plan", fields=(),
        body="# Scope\n\nAll of it.\n\n## Tools\n\nPython.\n",
    )  # fmt: skip
    sections = (Section(title="Plans", sections=(Section(title="Development", blocks=(plan,)),)),)
    data = render_docx(document_set, replace(srs, sections=sections))
    styles = {p.text: p.style.name for p in docx.Document(BytesIO(data)).paragraphs}
    assert styles["Scope"] == "Heading 3"  # below the section's Heading 2
    assert styles["Tools"] == "Heading 4"
    assert styles["All of it."] == "Normal"


def test_docx_is_stable() -> None:
    document_set = make_set()
    first = render_docx(document_set, document_set.documents[0])
    assert first == render_docx(document_set, document_set.documents[0])


def test_docx_reference_styles(tmp_path: Path) -> None:
    import docx

    reference = docx.Document()
    reference.styles["Heading 1"].font.size = docx.shared.Pt(31)
    reference.add_paragraph("template body that must not survive")
    path = tmp_path / "reference.docx"
    reference.save(str(path))
    document_set = make_set()
    data = render_docx(document_set, document_set.documents[1], reference_docx=path)
    result = docx.Document(BytesIO(data))
    assert result.styles["Heading 1"].font.size == docx.shared.Pt(31)
    assert "template body" not in "\n".join(p.text for p in result.paragraphs)


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_docx_converts_with_libreoffice(srs_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(srs_docx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "srs.pdf").stat().st_size > 1000
    if shutil.which("pdftotext") is None:
        return
    pages = _pdf_pages(out / "srs.pdf")
    contents = next(page for page in pages if "Contents" in page)
    # LibreOffice shows the page of every entry without the fields being updated by hand.
    for title in ("1 Introduction", "2 Functional requirements", "Revision history"):
        line = next(line for line in contents.splitlines() if title in line)
        number = int(re.findall(r"(\d+)\s*$", line)[0])
        assert title in pages[number - 1], (title, number)


def test_pdf_sections_link_to_the_trace_matrix_sections_of_their_items() -> None:
    document_set = make_set()
    srs = document_set.documents[0]
    matrix = Document(
        slug="trace-matrix",
        control=srs.control,
        purpose="What traces to what.",
        clauses=("7.3.3",),
        sections=(
            Section(title="Hazards", blocks=(Table(headers=("hazard", "Title"), rows=()),)),
            Section(
                title="Requirements to tests",
                blocks=(Table(headers=("software-requirement", "Title", "test-case"), rows=()),),
            ),
        ),
    )
    document_set = replace(document_set, documents=(*document_set.documents, matrix))
    data = json.loads(pdf_data(document_set, srs))
    assert data["sections"][1]["trace"] == [["Requirements to tests", "trace-matrix.pdf#sec-2"]]
    assert data["sections"][0]["trace"] == []  # no items
    assert data["sections"][1]["label"] == "sec-2"
    own = json.loads(pdf_data(document_set, matrix))
    assert own["sections"][1]["label"] == "sec-2"  # the destination the link names

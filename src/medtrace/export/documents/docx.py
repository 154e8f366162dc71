"""DOCX rendering of one document of the set, with python-docx.

Starts from ``reference_docx`` when given (its styles, page setup and section
properties are used; its body is dropped), else from python-docx's default template.
Headings use the Heading 1..4 styles; a TOC field (updated when Word opens the file;
its cached result lists the section titles) follows the document control table; the
header names the document and its revision; the footer counts pages with PAGE and
NUMPAGES fields. Item bodies are Markdown turned into plain paragraphs (never HTML):
raw HTML is dropped, links show as ``text (url)`` and only http, https and mailto
targets are shown (see :func:`medtrace.export.documents.pdf.safe_markdown_tokens`).

Core properties (created and modified = the revision date, author from the control
block, no last-printed date) and the zip entries' timestamps are fixed, so building
the same document twice gives the same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from markdown_it.token import Token

from medtrace.export.documents.pdf import MAX_HEADING, safe_markdown_tokens, url_allowed
from medtrace.model.documents import (
    Block,
    Document,
    DocumentSet,
    Gap,
    ItemBlock,
    Paragraph,
    Section,
    Table,
)

MONOSPACE = "Courier New"
TABLE_FONT = Pt(8)
TOC_INSTRUCTION = ' TOC \\o "1-4" \\h \\z \\u '
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_DocxDocument = Any  # docx.document.Document (python-docx is untyped here)
_DocxParagraph = Any


# -- Low-level helpers --------------------------------------------------------------------------


def _style(document: _DocxDocument, name: str) -> str | None:
    """``name`` when the template defines that style, else ``None`` (the default style)."""
    try:
        document.styles[name]
    except KeyError:
        return None
    return name


def _field(paragraph: _DocxParagraph, instruction: str, cached: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end) in ``paragraph``."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    run._r.append(instr)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(cached)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _set_cell(cell: Any, text: str, *, bold: bool = False, size: Any = TABLE_FONT) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = size


def _bookmark_name(item_id: str) -> str:
    # Word: at most 40 characters, a letter first, letters, digits and underscores.
    cleaned = "".join(c if c.isalnum() else "_" for c in item_id)
    return ("i_" + cleaned)[:40]


def _add_bookmark(paragraph: _DocxParagraph, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def _internal_link(paragraph: _DocxParagraph, text: str, anchor: str, size: Any = None) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    run = paragraph.add_run(text)
    run.font.color.rgb = RGBColor(0x0B, 0x4F, 0x8A)
    if size is not None:
        run.font.size = size
    link.append(run._r)
    paragraph._p.append(link)


# -- Markdown to paragraphs -------------------------------------------------------------------


_EMPHASIS = {
    "strong_open": ("bold", 1),
    "strong_close": ("bold", -1),
    "em_open": ("italic", 1),
    "em_close": ("italic", -1),
}


@dataclass
class _Inline:
    """Turns an inline token list into runs of one paragraph."""

    paragraph: _DocxParagraph
    size: Any = None
    bold: int = 0
    italic: int = 0
    links: list[str] = field(default_factory=list)

    def text(self, text: str, *, mono: bool = False) -> None:
        if not text:
            return
        run = self.paragraph.add_run(text)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if mono:
            run.font.name = MONOSPACE
        if self.size is not None:
            run.font.size = self.size

    def tokens(self, children: list[Token]) -> None:
        for token in children:
            kind = token.type
            if kind in _EMPHASIS:
                attribute, step = _EMPHASIS[kind]
                setattr(self, attribute, getattr(self, attribute) + step)
            elif kind == "text":
                self.text(token.content)
            elif kind == "code_inline":
                self.text(token.content, mono=True)
            elif kind == "softbreak":
                self.text(" ")
            elif kind == "hardbreak":
                self.paragraph.add_run().add_break()
            elif kind == "link_open":
                self.links.append(str(token.attrs.get("href", "")))
            elif kind == "link_close":
                href = self.links.pop() if self.links else ""
                if href and url_allowed(href):
                    self.text(f" ({href})")
            elif kind == "image":
                src = str(token.attrs.get("src", ""))
                self.text(f"[image: {token.content}]" + (f" ({src})" if url_allowed(src) else ""))


class _Markdown:
    """Writes Markdown (already made safe) as paragraphs of the document."""

    def __init__(self, document: _DocxDocument) -> None:
        self.document = document
        self.list_style = _style(document, "List Paragraph")
        self.quote_style = _style(document, "Quote")

    def write(self, text: str) -> None:
        tokens = safe_markdown_tokens(text)
        lists: list[list[int]] = []  # a stack of [ordered?, counter]
        quote = 0
        prefix = ""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else 0
                lists.append([kind == "ordered_list_open", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open" and lists:
                ordered, counter = lists[-1]
                prefix = f"{counter}. " if ordered else "\u2022 "
                lists[-1][1] = counter + 1
            elif kind in ("blockquote_open", "blockquote_close"):
                quote += token.nesting
            elif kind == "inline":
                paragraph = self._paragraph(len(lists), quote)
                heading = index > 0 and tokens[index - 1].type == "heading_open"
                inline = _Inline(paragraph, bold=1 if heading else 0)
                inline.text(prefix)
                prefix = ""
                inline.tokens(token.children or [])
            elif kind in ("fence", "code_block"):
                self._code(self._paragraph(len(lists), quote), token.content)
            elif kind == "table_open":
                index = self._table(tokens, index)
            elif kind == "hr":
                self.document.add_paragraph("\u2014" * 12)
            index += 1

    @staticmethod
    def _code(paragraph: _DocxParagraph, content: str) -> None:
        lines = content.rstrip("\n").split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.name = MONOSPACE
            run.font.size = Pt(8.5)
            if number < len(lines) - 1:
                run.add_break()

    def _paragraph(self, depth: int, quote: int) -> _DocxParagraph:
        style = self.list_style if depth else (self.quote_style if quote else None)
        paragraph = self.document.add_paragraph(style=style)
        if depth:
            paragraph.paragraph_format.left_indent = Pt(14 * depth)
        return paragraph

    def _table(self, tokens: list[Token], index: int) -> int:
        rows: list[list[list[Token]]] = []
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(token.children or [])
            index += 1
        width = max((len(row) for row in rows), default=0)
        if rows and width:
            table = self.document.add_table(rows=len(rows), cols=width)
            if _style(self.document, "Table Grid"):
                table.style = "Table Grid"
            _repeat_header(table.rows[0])
            for r, (table_row, row) in enumerate(zip(table.rows, rows, strict=False)):
                for cell, children in zip(table_row.cells, row, strict=False):
                    _Inline(cell.paragraphs[0], size=TABLE_FONT, bold=int(r == 0)).tokens(children)
        return index


# -- The document -------------------------------------------------------------------------------


def _item_ids(sections: tuple[Section, ...]) -> Iterator[str]:
    for section in sections:
        for block in section.blocks:
            if isinstance(block, ItemBlock):
                yield block.id
        yield from _item_ids(section.sections)


def _numbered(
    sections: tuple[Section, ...], prefix: str = ""
) -> Iterator[tuple[str, int, Section]]:
    for index, section in enumerate(sections, start=1):
        number = f"{prefix}{index}"
        yield number, min(number.count(".") + 1, MAX_HEADING), section
        yield from _numbered(section.sections, number + ".")


class _Writer:
    def __init__(
        self, document_set: DocumentSet, document: Document, target: _DocxDocument
    ) -> None:
        self.set = document_set
        self.doc = document
        self.out = target
        self.markdown = _Markdown(target)
        self.bookmarks = {
            item_id: _bookmark_name(item_id) for item_id in _item_ids(document.sections)
        }
        self.bookmark_number = 0
        self.table_style = _style(target, "Table Grid")

    # Tables

    def table(
        self, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, link: bool = True
    ) -> Any:
        table = self.out.add_table(rows=1 + len(rows), cols=len(headers))
        if self.table_style:
            table.style = self.table_style
        # One pass over the rows' cells: python-docx's table.cell(r, c) walks the whole
        # table on every call, which is quadratic on large tables.
        table_rows = table.rows
        _repeat_header(table_rows[0])
        for cell, header in zip(table_rows[0].cells, headers, strict=False):
            _set_cell(cell, header, bold=True)
            _shade(cell, "E6E6E6")
        for table_row, row in zip(table_rows[1:], rows, strict=False):
            for cell, value in zip(table_row.cells, row[: len(headers)], strict=False):
                if link and value in self.bookmarks:
                    _internal_link(cell.paragraphs[0], value, self.bookmarks[value], TABLE_FONT)
                else:
                    _set_cell(cell, value)
        return table

    def caption(self, text: str) -> None:
        paragraph = self.out.add_paragraph(style=_style(self.out, "Caption"))
        paragraph.add_run(text).bold = True
        paragraph.paragraph_format.keep_with_next = True

    # Parts

    def title_page(self) -> None:
        control = self.doc.control
        self.out.add_paragraph(control.document_id, style=_style(self.out, "Subtitle"))
        self.out.add_paragraph(control.title, style=_style(self.out, "Title"))
        self.out.add_paragraph(
            f"{self.set.project}, software safety class {self.set.safety_class}. "
            f"Revision {control.revision} of {control.date}."
        )
        self.out.add_paragraph(self.doc.purpose)
        self.caption("Document control")
        approvals = (
            "; ".join(f"{s.meaning}: {s.name} ({s.role}), {s.date}" for s in control.approvals)
            or "none recorded"
        )
        self.table(
            ("Document", control.document_id),
            [
                ("Title", control.title),
                ("Project", self.set.project),
                ("Software safety class", self.set.safety_class),
                ("Revision", control.revision),
                ("Date", control.date),
                ("Author", control.author),
                ("IEC 62304 clauses", ", ".join(self.doc.clauses)),
                ("Approvals", approvals),
                ("Open gaps", str(len(self.doc.gaps))),
            ],
            link=False,
        )

    def contents(self) -> None:
        self.page_break()
        self.out.add_paragraph(
            "Contents", style=_style(self.out, "TOC Heading") or _style(self.out, "Title")
        )
        entries = [(f"{n} {s.title}", level) for n, level, s in _numbered(self.doc.sections)]
        entries += [("Revision history", 1), ("Signatures", 1)]
        # One field across paragraphs: its cached result lists the titles until updated.
        first = self.out.add_paragraph()
        run = first.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        begin.set(qn("w:dirty"), "true")
        run._r.append(begin)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = TOC_INSTRUCTION
        first.add_run()._r.append(instr)
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        first.add_run()._r.append(separate)
        paragraph = first
        for number, (text, level) in enumerate(entries):
            if number:
                paragraph = self.out.add_paragraph()
            paragraph.style = _style(self.out, f"TOC {level}") or paragraph.style
            paragraph.paragraph_format.left_indent = Pt(12 * (level - 1))
            paragraph.add_run(text)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        paragraph.add_run()._r.append(end)

    def page_break(self) -> None:
        self.out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int) -> None:
        self.out.add_heading(text, level=level)

    def sections(self) -> None:
        for number, level, section in _numbered(self.doc.sections):
            if level == 1:
                self.page_break()
            self.heading(f"{number} {section.title}", level)
            for block in section.blocks:
                self.block(block)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.markdown.write(block.text)
        elif isinstance(block, Table):
            if block.caption:
                self.caption(block.caption)
            self.table(block.headers, list(block.rows))
        elif isinstance(block, ItemBlock):
            self.item(block)
        else:
            assert isinstance(block, Gap)
            self.gap(block)

    def item(self, item: ItemBlock) -> None:
        head = self.out.add_paragraph()
        head.paragraph_format.keep_with_next = True
        head.paragraph_format.space_before = Pt(10)
        run = head.add_run(item.id)
        run.bold = True
        run.font.name = MONOSPACE
        head.add_run(f"  [{item.kind}]  ").font.size = Pt(8)
        head.add_run(item.title).bold = True
        if item.id in self.bookmarks:
            self.bookmark_number += 1
            _add_bookmark(head, self.bookmarks[item.id], self.bookmark_number)
        if item.fields:
            table = self.out.add_table(rows=len(item.fields), cols=2)
            if self.table_style:
                table.style = self.table_style
            for table_row, (name, value) in zip(table.rows, item.fields, strict=False):
                name_cell, value_cell = table_row.cells
                _set_cell(name_cell, name, bold=True)
                _set_cell(value_cell, value)
        self.markdown.write(item.body)
        for label, arrow, links in (
            ("Links: ", "\u2192", item.links_out),
            ("Referenced by: ", "\u2190", item.links_in),
        ):
            if not links:
                continue
            paragraph = self.out.add_paragraph()
            paragraph.add_run(label).bold = True
            for number, (name, target) in enumerate(links):
                paragraph.add_run(("; " if number else "") + f"{name} {arrow} ")
                if target in self.bookmarks:
                    _internal_link(paragraph, target, self.bookmarks[target])
                else:
                    paragraph.add_run(target)

    def gap(self, gap: Gap) -> None:
        paragraph = self.out.add_paragraph()
        label = "GAP" + (f" (IEC 62304 {gap.clause})" if gap.clause else "") + ": "
        for text, bold in ((label, True), (gap.message, False)):
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
        p_pr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for side in ("top", "left", "bottom", "right"):
            border = OxmlElement(f"w:{side}")
            border.set(qn("w:val"), "single")
            border.set(qn("w:sz"), "12")
            border.set(qn("w:space"), "4")
            border.set(qn("w:color"), "B00020")
            borders.append(border)
        p_pr.append(borders)

    def history(self) -> None:
        self.page_break()
        self.heading("Revision history", 1)
        control = self.doc.control
        rows = [(r.revision, r.date, r.author, r.summary) for r in control.history] or [
            (control.revision, control.date, control.author, "No earlier revision recorded.")
        ]
        self.table(("Revision", "Date", "Author", "Summary"), rows, link=False)

    def signatures(self) -> None:
        self.page_break()
        self.heading("Signatures", 1)
        approvals = self.doc.control.approvals
        rows = [(s.name, s.role, s.meaning, s.date, s.record, "") for s in approvals] or [
            ("", "", meaning, "", "", "") for meaning in ("authored", "reviewed", "approved")
        ]
        table = self.table(
            ("Name", "Role", "Meaning", "Date", "Record", "Signature"), rows, link=False
        )
        for row in table.rows[1:]:
            row.height = Pt(34)
        if not approvals:
            self.out.add_paragraph("No review record approves this revision yet: sign above.")

    def header_footer(self) -> None:
        control = self.doc.control
        for section in self.out.sections:
            section.different_first_page_header_footer = False
            header = section.header
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0]
            paragraph.text = ""
            for extra in header.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            run = paragraph.add_run(
                f"{control.document_id} \u2014 {control.title} \u2014 Revision {control.revision}"
            )
            run.font.size = Pt(8)
            footer = section.footer
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.text = ""
            for extra in footer.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            paragraph.add_run(f"{self.set.project} \u2014 {control.document_id}\t\tPage ")
            _field(paragraph, " PAGE ", "1")
            paragraph.add_run(" of ")
            _field(paragraph, " NUMPAGES ", "1")
            for run in paragraph.runs:
                run.font.size = Pt(8)


def _clear_body(target: _DocxDocument) -> None:
    body = target.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _update_fields_on_open(target: _DocxDocument) -> None:
    settings = target.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _core_properties(target: _DocxDocument, document: Document) -> None:
    control = document.control
    try:
        when = datetime.strptime(control.date, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        when = datetime(1980, 1, 1, tzinfo=UTC)
    properties = target.core_properties
    properties.author = control.author
    properties.last_modified_by = control.author
    properties.title = f"{control.document_id} {control.title}"
    properties.subject = document.purpose[:255]
    properties.keywords = "IEC 62304"
    properties.comments = f"Built by medtrace from revision {control.revision}"
    properties.category = ""
    properties.created = when
    properties.modified = when
    properties.revision = 1
    element = properties._element
    for printed in element.findall(qn("cp:lastPrinted")):
        element.remove(printed)


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry timestamps (python-docx stamps them with now)."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(
    document_set: DocumentSet, document: Document, reference_docx: Path | None = None
) -> bytes:
    """The DOCX of ``document``: title page with the document control table, contents
    (a TOC field), sections, revision history and a signature page."""
    target = docx.Document(str(reference_docx) if reference_docx is not None else None)
    _clear_body(target)
    writer = _Writer(document_set, document, target)
    writer.title_page()
    writer.contents()
    writer.sections()
    writer.history()
    writer.signatures()
    writer.header_footer()
    _update_fields_on_open(target)
    _core_properties(target, document)
    buffer = BytesIO()
    target.save(buffer)
    return _stable_zip(buffer.getvalue())


__all__ = ["render_docx"]

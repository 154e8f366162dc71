"""DOCX rendering of one document of the set, with python-docx and direct WordprocessingML.

Starts from ``reference_docx`` when given (its styles, page setup and section
properties are used; its body is dropped), else from python-docx's default template.
The body is built as WordprocessingML elements (:mod:`.wordml`) with the template's
style ids resolved once, because python-docx's object layer is too slow for documents
of thousands of items. Section headings use the Heading 1..4 styles and headings in
item bodies the levels below their section's. The contents follow the document control
table: each entry links to its heading's bookmark and shows its page through a PAGEREF
field, which Word updates when it opens the file (``w:updateFields``) and LibreOffice
computes when it lays the document out. The header names the document and its revision;
the footer counts pages with PAGE and NUMPAGES fields. Item bodies are Markdown turned
into paragraphs (never HTML): raw HTML is dropped, links show as ``text (url)`` and only
http, https and mailto targets are shown (see
:func:`medtrace.export.documents.tokens.safe_markdown_tokens`).

Core properties (created and modified = the revision date, author from the control
block, no last-printed date) and the zip entries' timestamps are fixed, so building
the same document twice gives the same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from markdown_it.token import Token

from medtrace.export.documents import wordml
from medtrace.export.documents.tokens import MAX_HEADING, safe_markdown_tokens, url_allowed
from medtrace.export.documents.wordml import PLAIN, Element, RunStyle
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
TABLE_SIZE = 16  # half-points: 8 pt
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LINK_COLOUR = "0B4F8A"
GAP_COLOUR = "B00020"

CELL = RunStyle(size=TABLE_SIZE)
CELL_BOLD = RunStyle(bold=True, size=TABLE_SIZE)
CELL_LINK = RunStyle(size=TABLE_SIZE, color=LINK_COLOUR)
LINK = RunStyle(color=LINK_COLOUR)
BOLD = RunStyle(bold=True)

_DocxDocument = Any  # docx.document.Document (python-docx is untyped here)


class _Styles:
    """The style ids of the template's paragraph and table styles, looked up once by name
    (``None`` when the template lacks the style: the default style is used)."""

    def __init__(self, document: _DocxDocument) -> None:
        self._ids: dict[str, str | None] = {}
        for style in document.styles:
            name = style.name
            if name and style.style_id:
                self._ids.setdefault(name, style.style_id)

    def __call__(self, name: str) -> str | None:
        return self._ids.get(name)


class _Body:
    """Appends elements to the document body, before its final section properties."""

    def __init__(self, document: _DocxDocument) -> None:
        body = document.element.body
        self._anchor = body.find(qn("w:sectPr"))
        self._body = body

    def add(self, element: Element) -> Element:
        if self._anchor is not None:
            self._anchor.addprevious(element)
        else:
            self._body.append(element)
        return element


def _toc_bookmark(number: int) -> str:
    """The bookmark of the ``number``-th heading (Word's own TOC bookmarks look alike)."""
    return f"_Toc{number:08d}"


def _bookmark_name(item_id: str) -> str:
    # Word: at most 40 characters, a letter first, letters, digits and underscores.
    cleaned = "".join(c if c.isalnum() else "_" for c in item_id)
    return ("i_" + cleaned)[:40]


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

    paragraph: Element
    size: int = 0
    bold: int = 0
    italic: int = 0
    links: list[str] = field(default_factory=list)

    def text(self, text: str, *, mono: bool = False) -> None:
        if not text:
            return
        style = RunStyle(
            bold=bool(self.bold),
            italic=bool(self.italic),
            font=MONOSPACE if mono else "",
            size=self.size,
        )
        wordml.run(self.paragraph, text.replace("\n", " "), style)

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
                wordml.line_break(self.paragraph)
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

    def __init__(self, body: _Body, styles: _Styles, width: int) -> None:
        self.body = body
        self.styles = styles
        self.list_style = styles("List Paragraph")
        self.quote_style = styles("Quote")
        self.table_style = styles("Table Grid")
        self.width = width

    def write(self, text: str, level: int = 0) -> None:
        """``text`` as paragraphs; its headings (``#`` = 1) as headings below ``level``, the
        heading level of the section it is in (Heading 1-9 styles, bold text without)."""
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
                opening = tokens[index - 1] if index > 0 else None
                heading = opening is not None and opening.type == "heading_open"
                style = None
                if heading and opening is not None:
                    style = self.styles(f"Heading {min(level + int(opening.tag[1:]), 9)}")
                paragraph = (
                    self.body.add(wordml.paragraph(style, keep_next=True))
                    if style
                    else self._paragraph(len(lists), quote)
                )
                inline = _Inline(paragraph, bold=1 if heading and not style else 0)
                inline.text(prefix)
                prefix = ""
                inline.tokens(token.children or [])
            elif kind in ("fence", "code_block"):
                paragraph = self._paragraph(len(lists), quote)
                code = RunStyle(font=MONOSPACE, size=17)
                wordml.run(paragraph, token.content.rstrip("\n"), code)
            elif kind == "table_open":
                index = self._table(tokens, index)
            elif kind == "hr":
                wordml.run(self.body.add(wordml.paragraph()), "\u2014" * 12)
            index += 1

    def _paragraph(self, depth: int, quote: int) -> Element:
        style = self.list_style if depth else (self.quote_style if quote else None)
        return self.body.add(wordml.paragraph(style, indent=280 * depth))

    def _table(self, tokens: list[Token], index: int) -> int:
        rows: list[list[list[Token]]] = []
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(token.children or [])
            index += 1
        columns = max((len(row) for row in rows), default=0)
        if rows and columns:
            widths = _widths(self.width, columns)
            table = self.body.add(wordml.table(self.table_style, widths))
            for number, row in enumerate(rows):
                cells = wordml.row(table, widths, header=number == 0)
                for cell, children in zip(cells, row, strict=False):
                    _Inline(cell, size=TABLE_SIZE, bold=int(number == 0)).tokens(children)
        return index


def _widths(total: int, columns: int) -> list[int]:
    """Equal column widths (twips) filling ``total``."""
    return [total // columns] * columns


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
        self.body = _Body(target)
        self.styles = _Styles(target)
        section = target.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        self.width = int(usable / 635)  # EMU to twips
        self.markdown = _Markdown(self.body, self.styles, self.width)
        self.bookmarks = {
            item_id: _bookmark_name(item_id) for item_id in _item_ids(document.sections)
        }
        self.bookmark_number = 0
        self.headings = 0
        self.table_style = self.styles("Table Grid")

    def paragraph(self, text: str = "", style: str | None = None, **options: Any) -> Element:
        paragraph = self.body.add(
            wordml.paragraph(self.styles(style) if style else None, **options)
        )
        if text:
            wordml.run(paragraph, text)
        return paragraph

    # Tables

    def table(
        self,
        headers: tuple[str, ...],
        rows: Sequence[tuple[str, ...]],
        *,
        link: bool = True,
        height: int = 0,
    ) -> None:
        widths = _widths(self.width, len(headers))
        table = self.body.add(wordml.table(self.table_style, widths))
        for cell, header in zip(
            wordml.row(table, widths, header=True, shade="E6E6E6"), headers, strict=False
        ):
            wordml.run(cell, header, CELL_BOLD)
        for row in rows:
            cells = wordml.row(table, widths, height=height)
            for cell, value in zip(cells, row[: len(headers)], strict=False):
                if link and value in self.bookmarks:
                    wordml.hyperlink(cell, value, self.bookmarks[value], CELL_LINK)
                elif value:
                    wordml.run(cell, value, CELL)

    def caption(self, text: str) -> None:
        paragraph = self.paragraph(style="Caption", keep_next=True)
        wordml.run(paragraph, text, BOLD)

    # Parts

    def title_page(self) -> None:
        control = self.doc.control
        self.paragraph(control.document_id, "Subtitle")
        self.paragraph(control.title, "Title")
        self.paragraph(
            f"{self.set.project}, {self.set.level_title.lower()} {self.set.safety_class}. "
            f"Revision {control.revision_label} of {control.date}."
        )
        self.paragraph(self.doc.purpose)
        self.caption("Document control")
        approvals = (
            "\n".join(
                f"{s.meaning}: {s.name} ({s.role}), {s.date}, {s.on}: {s.shown}"
                for s in control.approvals
            )
            or "none recorded"
        )
        self.table(
            ("Document", control.document_id),
            [
                ("Title", control.title),
                ("Project", self.set.project),
                (self.set.level_title, self.set.safety_class),
                ("Revision", control.revision_label),
                ("Commit", control.revision),
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
        heading = "TOC Heading" if self.styles("TOC Heading") else "Title"
        self.paragraph("Contents", heading)
        entries = [(f"{n} {s.title}", level) for n, level, s in _numbered(self.doc.sections)]
        entries += [("Revision history", 1), ("Signatures", 1)]
        # One TOC field across paragraphs, which Word updates when it opens the file. Its
        # cached result links each title to its heading's bookmark and holds a PAGEREF
        # field, whose page number LibreOffice works out itself when it lays the file out.
        paragraph = None
        for number, (text, level) in enumerate(entries, start=1):
            paragraph = self.paragraph(
                style=f"TOC {level}", indent=240 * (level - 1), leader_tab=self.width
            )
            wordml.hyperlink(paragraph, text, _toc_bookmark(number), PLAIN)
            wordml.run(paragraph, "\t")
            wordml.field(paragraph, f" PAGEREF {_toc_bookmark(number)} \\h ", "")

    def page_break(self) -> None:
        wordml.line_break(self.body.add(wordml.paragraph()), "page")

    def heading(self, text: str, level: int) -> None:
        """A heading of the document, bookmarked for its entry in the contents."""
        style = self.styles(f"Heading {level}")
        paragraph = self.body.add(wordml.paragraph(style, keep_next=True))
        wordml.run(paragraph, text, PLAIN if style else BOLD)
        self.headings += 1
        self.bookmark_number += 1
        wordml.bookmark(paragraph, _toc_bookmark(self.headings), self.bookmark_number)

    def sections(self) -> None:
        for number, level, section in _numbered(self.doc.sections):
            if level == 1:
                self.page_break()
            self.heading(f"{number} {section.title}", level)
            for block in section.blocks:
                self.block(block, level)

    def block(self, block: Block, level: int) -> None:
        if isinstance(block, Paragraph):
            self.markdown.write(block.text)
        elif isinstance(block, Table):
            if block.caption:
                self.caption(block.caption)
            self.table(block.headers, list(block.rows))
        elif isinstance(block, ItemBlock):
            self.item(block, level)
        else:
            assert isinstance(block, Gap)
            self.gap(block)

    def item(self, item: ItemBlock, level: int) -> None:
        head = self.body.add(wordml.paragraph(keep_next=True, space_before=200))
        wordml.run(head, item.id, RunStyle(bold=True, font=MONOSPACE))
        wordml.run(head, f"  [{item.kind}]  ", RunStyle(size=TABLE_SIZE))
        wordml.run(head, item.title, BOLD)
        if item.id in self.bookmarks:
            self.bookmark_number += 1
            wordml.bookmark(head, self.bookmarks[item.id], self.bookmark_number)
        if item.fields:
            widths = [self.width * 3 // 10, self.width - self.width * 3 // 10]
            table = self.body.add(wordml.table(self.table_style, widths))
            for name, value in item.fields:
                name_cell, value_cell = wordml.row(table, widths)
                wordml.run(name_cell, name, CELL_BOLD)
                wordml.run(value_cell, value, CELL)
        self.markdown.write(item.body, level)
        for label, arrow, links in (
            ("Links: ", "\u2192", item.links_out),
            ("Referenced by: ", "\u2190", item.links_in),
        ):
            if not links:
                continue
            paragraph = self.body.add(wordml.paragraph())
            wordml.run(paragraph, label, BOLD)
            for number, (name, target) in enumerate(links):
                wordml.run(paragraph, ("; " if number else "") + f"{name} {arrow} ")
                if target in self.bookmarks:
                    wordml.hyperlink(paragraph, target, self.bookmarks[target], LINK)
                else:
                    wordml.run(paragraph, target)

    def gap(self, gap: Gap) -> None:
        paragraph = self.body.add(wordml.paragraph(border=GAP_COLOUR))
        label = "GAP" + (f" (IEC 62304 {gap.clause})" if gap.clause else "") + ": "
        flagged = RunStyle(color=GAP_COLOUR, highlight="yellow")
        wordml.run(paragraph, label, replace(flagged, bold=True))
        wordml.run(paragraph, gap.message, flagged)

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
        blank = [("", "", meaning, "", "", "") for meaning in ("authored", "reviewed", "approved")]
        rows = [(s.name, s.role, s.meaning, s.date, s.on, s.shown) for s in approvals] or blank
        self.table(
            ("Name", "Role", "Meaning", "Date and time", "Record", "Signature"),
            rows,
            link=False,
            height=680,  # 34 pt to sign in
        )
        if not approvals:
            self.paragraph("No review record approves this revision yet: sign above.")

    def header_footer(self) -> None:
        control = self.doc.control
        small = RunStyle(size=TABLE_SIZE)
        for section in self.out.sections:
            section.different_first_page_header_footer = False
            for part, style in ((section.header, "Header"), (section.footer, "Footer")):
                part.is_linked_to_previous = False
                element = part._element
                for old in element.findall(qn("w:p")):
                    element.remove(old)
                element.append(wordml.paragraph(self.styles(style)))
            header = section.header._element[-1]
            wordml.run(
                header,
                f"{control.document_id} \u2014 {control.title} \u2014 "
                f"Revision {control.revision_label}",
                small,
            )
            footer = section.footer._element[-1]
            wordml.run(footer, f"{self.set.project} \u2014 {control.document_id}\t\tPage ", small)
            wordml.field(footer, " PAGE ", "1", small)
            wordml.run(footer, " of ", small)
            wordml.field(footer, " NUMPAGES ", "1", small)


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

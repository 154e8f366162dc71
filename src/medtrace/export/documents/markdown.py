"""The document set as Markdown: one file per document, plus ``index.md``.

Tables are GitHub-flavoured Markdown tables (``|`` escaped); items are headings
with an HTML anchor of their id, so links between documents
(``srs.md#SRS-012``) resolve where Markdown is rendered. Item bodies are the
people's Markdown, copied as written. Output depends only on the set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from medtrace.export.documents import item_anchor, item_pages, split_ids
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


def render_index_markdown(document_set: DocumentSet) -> str:
    """The list of documents: id, title, revision and gap count."""
    lines = [
        f"# {_text(document_set.project)}: document set",
        "",
        f"{document_set.level_title} {document_set.safety_class}; revision "
        f"{document_set.revision}"
        + (f" of {document_set.date}" if document_set.date else "")
        + ".",
        "",
        "| Document | Title | Revision | Gaps |",
        "| --- | --- | --- | --- |",
    ]
    for document in document_set.documents:
        control = document.control
        lines.append(
            _row(
                (
                    f"[{_cell(control.document_id)}]({document.slug}.md)",
                    _cell(control.title),
                    _cell(control.revision_label),
                    str(len(document.gaps)),
                )
            )
        )
    return "\n".join(lines) + "\n"


def render_markdown(document_set: DocumentSet, document: Document) -> str:
    """One document: control block, approvals, history, contents and sections."""
    pages = item_pages(document_set)
    writer = _Writer(pages, document.slug)
    writer.control(document_set, document)
    for number, section in enumerate(document.sections, 1):
        writer.section(section, str(number), 2)
    return "\n".join(writer.lines).rstrip("\n") + "\n"


class _Writer:
    __slots__ = ("lines", "pages", "slug")

    def __init__(self, pages: dict[str, str], slug: str) -> None:
        self.pages = pages
        self.slug = slug
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def control(self, document_set: DocumentSet, document: Document) -> None:
        control = document.control
        self.add(f"# {_text(control.title)}", "", "| Document control | |", "| --- | --- |")
        for name, value in (
            ("Document", control.document_id),
            ("Title", control.title),
            ("Project", document_set.project),
            (document_set.level_title, document_set.safety_class),
            ("Revision", control.revision_label),
            ("Commit", control.revision),
            ("Date", control.date or "not committed"),
            ("Author", control.author),
            ("IEC 62304 clauses", ", ".join(document.clauses)),
        ):
            self.add(_row((name, _cell(value))))
        self.add("", _text(document.purpose), "", "## Approvals", "")
        if control.approvals:
            self.table(
                ("Name", "Role", "Meaning", "Date and time", "Record", "Status"),
                [(s.name, s.role, s.meaning, s.date, s.on, s.shown) for s in control.approvals],
            )
        else:
            self.add("No signature or review record is on an item of this document.", "")
        self.add("## Revision history", "")
        if control.history:
            self.table(
                ("Revision", "Date", "Author", "Summary"),
                [(h.revision, h.date, h.author, h.summary) for h in control.history],
            )
        else:
            self.add("No git history (the project is not committed).", "")

    def section(self, section: Section, number: str, level: int) -> None:
        self.add(f"{'#' * min(level, 6)} {number} {_text(section.title)}", "")
        for block in section.blocks:
            self.block(block, level + 1)
        for index, sub in enumerate(section.sections, 1):
            self.section(sub, f"{number}.{index}", level + 1)

    def block(self, block: Block, level: int) -> None:
        if isinstance(block, Paragraph):
            self.add(block.text, "")
        elif isinstance(block, Gap):
            clause = f" (clause {block.clause})" if block.clause else ""
            self.add(f"> **Gap**{clause}: {_text(block.message)}", "")
        elif isinstance(block, Table):
            if block.caption:
                self.add(f"*{_text(block.caption)}*", "")
            self.table(block.headers, block.rows, link=True)
        else:
            self.item(block, level)

    def item(self, block: ItemBlock, level: int) -> None:
        anchor = item_anchor(block.id)
        self.add(
            f'{"#" * min(level, 6)} <a id="{anchor}"></a>{block.id}: {_text(block.title)}',
            "",
            f"*{block.kind}*",
            "",
        )
        if block.fields:
            self.table(("Field", "Value"), block.fields)
        for label, links in (("Links", block.links_out), ("Linked from", block.links_in)):
            if links:
                listed = ", ".join(f"{role} {self.link(target)}" for role, target in links)
                self.add(f"**{label}:** {listed}", "")
        if block.body.strip():
            self.add(_demoted(block.body.strip("\n"), level), "")

    def link(self, item_id: str) -> str:
        page = self.pages.get(item_id)
        if page is None:
            return _text(item_id)
        where = "" if page == self.slug else f"{page}.md"
        return f"[{_text(item_id)}]({where}#{item_anchor(item_id)})"

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        link: bool = False,
    ) -> None:
        self.add(_row([_cell(h) for h in headers]), _row(["---"] * len(headers)))
        for row in rows:
            cells = [self.linked_cell(c) if link else _cell(c) for c in row]
            self.add(_row(cells))
        self.add("")

    def linked_cell(self, text: str) -> str:
        return "".join(
            self.link(item_id) if item_id is not None else _cell(piece)
            for piece, item_id in split_ids(text, self.pages)
        )


_ESCAPED = str.maketrans({"|": "\\|", "\n": " ", "\r": " "})
_TEXT_ESCAPED = str.maketrans({"\n": " ", "\r": " ", "<": "&lt;", ">": "&gt;"})


def _cell(text: str) -> str:
    return text.translate(_TEXT_ESCAPED).translate(_ESCAPED)


def _text(text: str) -> str:
    """Text written by medtrace or a title: on one line, no raw HTML."""
    return text.translate(_TEXT_ESCAPED)


_HEADING = re.compile(r"^ {0,3}(#{1,6})(?=\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _demoted(body: str, level: int) -> str:
    """An item body whose headings sit below the item's own (``#`` -> level + 1), so a
    body's "# Scope" does not break the document's outline; code fences are left alone."""
    lines = []
    fence = ""
    for line in body.split("\n"):
        opened = _FENCE.match(line)
        if opened and (not fence or opened.group(1).startswith(fence)):
            fence = "" if fence else opened.group(1)[:3]
        elif not fence:
            line = _HEADING.sub(lambda m: "#" * min(len(m.group(1)) + level, 6), line, count=1)
        lines.append(line)
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return f"| {' | '.join(cells)} |"

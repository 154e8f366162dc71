"""One document of the set as data for its Typst template (``data.json``).

Nothing here is Typst markup: every text (titles, fields, table cells, item bodies)
is a JSON string, and the template places strings as text, so an item body holding
``#read("/etc/passwd")``, ``#import`` or ``#set`` is printed as written. Item bodies
are Markdown parsed by :func:`.tokens.safe_markdown_tokens` (raw HTML dropped, link
targets only http, https and mailto) into a small tree of nodes, each a dictionary
with a ``type``:

- blocks: ``paragraph`` / ``heading`` (``level``) with ``content`` (inlines);
  ``list`` (``ordered``, ``start``, ``items``: lists of blocks); ``quote``
  (``content``: blocks); ``code`` (``text``); ``table`` (``header``, ``rows``:
  lists of cells, each a list of inlines); ``rule``;
- inlines: a plain string is text; ``strong`` / ``emph`` (``content``); ``code``
  (``text``); ``link`` (``url``, ``content``); ``break``; ``image`` (``alt``, and
  ``url`` when it is http(s): images are never fetched, they show as links).

A section's ``trace`` lists, as [title, target], the trace matrix sections that list
the kinds of the items it shows.
A cell of a document table is a list of pieces ``[text, target]``: ``target`` is
``""`` (plain text), a label in this document (``item-SRS-012``) or the relative URL
of the item in another document of the set (``srs.pdf#item-SRS-012``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from medtrace.export.documents import item_anchor, item_pages, split_ids
from medtrace.export.documents.tokens import safe_markdown_tokens
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

Node = dict[str, Any]
Inline = str | Node


def label(item_id: str) -> str:
    """The Typst label (and PDF destination) an item is shown under."""
    return "item-" + item_anchor(item_id)


# -- Markdown -----------------------------------------------------------------------------------

_MARKS = {"strong_open": "strong", "em_open": "emph", "s_open": "strike"}
_CLOSES = frozenset({"strong_close", "em_close", "s_close", "link_close"})


def inlines(children: list[Token]) -> list[Inline]:
    """The inline nodes of one inline token's children."""
    stack: list[list[Inline]] = [[]]
    opened: list[Node] = []
    for token in children:
        kind = token.type
        out = stack[-1]
        if kind == "text":
            _text(out, token.content)
        elif kind == "softbreak":
            _text(out, " ")
        elif kind == "hardbreak":
            out.append({"type": "break"})
        elif kind == "code_inline":
            out.append({"type": "code", "text": token.content})
        elif kind in _MARKS or kind == "link_open":
            node: Node = {"type": _MARKS.get(kind, "link"), "content": []}
            if kind == "link_open":
                node["url"] = str(token.attrs.get("href", ""))
            opened.append(node)
            stack.append(node["content"])
        elif kind in _CLOSES and opened:
            node = opened.pop()
            stack.pop()
            stack[-1].append(node)
        elif kind == "image":
            image: Node = {"type": "image", "alt": token.content}
            if token.attrs.get("src"):
                image["url"] = str(token.attrs["src"])
            out.append(image)
    while opened:  # unbalanced marks (never from markdown-it): keep their text
        node = opened.pop()
        stack.pop()
        stack[-1].append(node)
    return stack[0]


def _text(out: list[Inline], text: str) -> None:
    if out and isinstance(out[-1], str):
        out[-1] += text
    elif text:
        out.append(text)


_BLOCK_CLOSES = frozenset(
    {"bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close"}
)


class _Blocks:
    """Turns a block token stream into block nodes (one pass, a stack of open blocks)."""

    def __init__(self) -> None:
        self.stack: list[list[Node]] = [[]]
        self.open: list[Node] = []
        self.heading = 0

    def feed(self, tokens: list[Token]) -> list[Node]:
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index) + 1
        return self.stack[0]

    def push(self, node: Node, key: str) -> None:
        self.stack[-1].append(node)
        self.open.append(node)
        self.stack.append(node[key])

    def pop(self) -> None:
        if self.open:
            self.open.pop()
            self.stack.pop()

    def token(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            self.heading = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        elif kind == "inline":
            content = inlines(token.children or [])
            node: Node = {"type": "paragraph", "content": content}
            if self.heading:
                node = {"type": "heading", "level": self.heading, "content": content}
                self.heading = 0
            self.stack[-1].append(node)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrs.get("start", 1)) if ordered else 1
            self.push({"type": "list", "ordered": ordered, "start": start, "items": []}, "items")
        elif kind == "list_item_open":
            item: list[Node] = []
            self.stack[-1].append(item)  # type: ignore[arg-type]
            self.open.append({})
            self.stack.append(item)
        elif kind == "blockquote_open":
            self.push({"type": "quote", "content": []}, "content")
        elif kind in _BLOCK_CLOSES:
            self.pop()
        elif kind in ("fence", "code_block"):
            self.stack[-1].append({"type": "code", "text": token.content.rstrip("\n")})
        elif kind == "hr":
            self.stack[-1].append({"type": "rule"})
        elif kind == "table_open":
            return self.table(tokens, index)
        return index

    def table(self, tokens: list[Token], index: int) -> int:
        rows: list[list[list[Inline]]] = []
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append(inlines(token.children or []))
            index += 1
        if rows:
            width = max(len(row) for row in rows)
            rows = [row + [[] for _ in range(width - len(row))] for row in rows]
            self.stack[-1].append({"type": "table", "header": rows[0], "rows": rows[1:]})
        return index


def markdown(text: str) -> list[Node]:
    """The block nodes of Markdown ``text`` (made safe first)."""
    if not text.strip():
        return []
    return _Blocks().feed(safe_markdown_tokens(text))


# -- The document -------------------------------------------------------------------------------


WIDTH_SAMPLE = 200  # rows a table's column widths are judged from
SHORT_WORD = 16  # a word up to this long (an id, a date) must fit its column unbroken


def column_widths(table: Table) -> list[float]:
    """Relative column widths: the average length of a column's text in the first rows,
    at least its longest short word (ids and dates do not break), kept within 4 to 40."""
    rows = table.rows[:WIDTH_SAMPLE]
    widths = []
    for column, header in enumerate(table.headers):
        cells = [row[column] for row in rows if column < len(row)]
        average = sum(len(cell) for cell in cells) / len(cells) if cells else 0.0
        words = [len(w) for text in cells for w in text.split() if len(w) <= SHORT_WORD]
        words += [len(w) + 1 for w in header.split() if len(w) <= SHORT_WORD]  # bold
        width = min(max(average, max(words, default=4), 4.0), 40.0)
        widths.append(round(width + 1.5, 1))  # the cell's inset
    return widths


_BREAK_AFTER = frozenset("/_:.,;=&?#-")
ZWSP = "\u200b"


def breakable(text: str) -> str:
    """``text`` with a zero-width space after the punctuation of each word longer than
    :data:`SHORT_WORD` (paths, test ids, URLs), and every 20 characters where a word has
    none, so that a narrow column breaks it instead of letting it run out of the cell."""
    if len(text) <= SHORT_WORD or all(len(word) <= SHORT_WORD for word in text.split()):
        return text
    return " ".join(
        _break_word(word) if len(word) > SHORT_WORD else word for word in text.split(" ")
    )


def _break_word(word: str) -> str:
    out = []
    run = 0
    for char in word:
        out.append(char)
        run += 1
        if char in _BREAK_AFTER or run >= 20:
            out.append(ZWSP)
            run = 0
    return "".join(out).rstrip(ZWSP)


TRACE_MATRIX = "trace-matrix"


def section_label(number: str) -> str:
    """The Typst label (and PDF destination) of a section's heading (``sec-2.1``)."""
    return f"sec-{number}"


def matrix_sections(document_set: DocumentSet) -> dict[str, list[list[str]]]:
    """Kind -> [title, target] of each trace matrix section whose rows are of that kind."""
    found: dict[str, list[list[str]]] = {}
    matrix = next((d for d in document_set.documents if d.slug == TRACE_MATRIX), None)
    for number, section in enumerate(matrix.sections if matrix else (), start=1):
        for block in section.blocks:
            if isinstance(block, Table) and block.headers:
                target = f"{TRACE_MATRIX}.pdf#{section_label(str(number))}"
                found.setdefault(block.headers[0], []).append([section.title, target])
    return found


class _Viewer:
    def __init__(self, document_set: DocumentSet, document: Document) -> None:
        self.slug = document.slug
        self.pages = item_pages(document_set)
        self.matrix = matrix_sections(document_set) if document.slug != TRACE_MATRIX else {}

    def target(self, item_id: str) -> str:
        page = self.pages.get(item_id)
        if page is None:
            return ""
        return label(item_id) if page == self.slug else f"{page}.pdf#{label(item_id)}"

    def cell(self, text: str) -> list[list[str]]:
        return [
            [breakable(piece), self.target(item_id) if item_id is not None else ""]
            for piece, item_id in split_ids(text, self.pages)
        ]

    def block(self, block: Block) -> Node:
        if isinstance(block, Paragraph):
            return {"type": "paragraph", "content": markdown(block.text)}
        if isinstance(block, Table):
            return {
                "type": "table",
                "caption": block.caption,
                "header": list(block.headers),
                "widths": column_widths(block),
                "rows": [[self.cell(value) for value in row] for row in block.rows],
            }
        if isinstance(block, ItemBlock):
            return self.item(block)
        assert isinstance(block, Gap)
        return {"type": "gap", "message": block.message, "clause": block.clause}

    def item(self, block: ItemBlock) -> Node:
        return {
            "type": "item",
            "id": block.id,
            "label": label(block.id),
            "kind": block.kind,
            "title": block.title,
            "fields": [[name, breakable(value)] for name, value in block.fields],
            "body": markdown(block.body),
            "links-out": [[name, t, self.target(t)] for name, t in block.links_out],
            "links-in": [[name, s, self.target(s)] for name, s in block.links_in],
        }

    def trace(self, section: Section) -> list[list[str]]:
        """The trace matrix sections that list the kinds of the items ``section`` shows."""
        kinds = dict.fromkeys(b.kind for b in section.blocks if isinstance(b, ItemBlock))
        return [entry for kind in kinds for entry in self.matrix.get(kind, [])]

    def sections(self, sections: tuple[Section, ...], prefix: str = "") -> list[Node]:
        return [
            {
                "number": f"{prefix}{number}",
                "label": section_label(f"{prefix}{number}"),
                "title": section.title,
                "level": f"{prefix}{number}".count(".") + 1,
                "trace": self.trace(section),
                "blocks": [self.block(block) for block in section.blocks],
                "sections": self.sections(section.sections, f"{prefix}{number}."),
            }
            for number, section in enumerate(sections, start=1)
        ]


def document_data(document_set: DocumentSet, document: Document) -> Node:
    """What the Typst template receives as ``data`` (documented in docs/documents.md)."""
    control = document.control
    return {
        "project": document_set.project,
        "safety-class": document_set.safety_class,
        "level-title": document_set.level_title,
        "slug": document.slug,
        "document-id": control.document_id,
        "title": control.title,
        "revision": control.revision_label,
        "commit": control.revision,
        "date": control.date,
        "author": control.author,
        "purpose": document.purpose,
        "clauses": list(document.clauses),
        "gaps": len(document.gaps),
        "approvals": [
            {
                "name": s.name,
                "role": s.role,
                "meaning": s.meaning,
                "date": s.date,
                "record": s.record,
                "on": s.on,
                "item": s.item,
                "electronic": s.electronic,
                "status": s.status,
                "holds": s.holds,
                "shown": s.shown,
            }
            for s in control.approvals
        ],
        "history": [
            {"revision": r.revision, "date": r.date, "author": r.author, "summary": r.summary}
            for r in control.history
        ],
        "documents": [
            {"slug": d.slug, "document-id": d.control.document_id, "title": d.control.title}
            for d in document_set.documents
        ],
        "sections": _Viewer(document_set, document).sections(document.sections),
    }


def walk_text(node: object) -> Iterator[str]:
    """Every string in ``node`` (for tests: what the PDF may show)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from walk_text(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_text(value)


__all__ = ["document_data", "inlines", "label", "markdown", "walk_text"]

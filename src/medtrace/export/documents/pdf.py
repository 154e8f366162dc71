"""PDF rendering of one document of the set, through a print HTML and WeasyPrint.

The print HTML comes from the Jinja2 template ``templates/print.html.j2``; a folder
given as ``templates`` that holds its own ``print.html.j2`` overrides it. Nothing is
fetched: the base URL is ``None`` and the URL fetcher refuses every scheme but
``data:``. Dates come from the document (the git revision), never from the clock.

Item bodies are Markdown written by people. :func:`safe_markdown_tokens` parses them
once for the PDF and the DOCX: raw HTML (``<script>`` and its content included) is
dropped, and links keep their target only when it is http, https or mailto (a
``javascript:`` link keeps its text and loses its target; a ``javascript:`` autolink
disappears). The PDF's HTML then goes through nh3 with the allowlists of
:func:`medtrace.export.documents.render_markdown_safe`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.token import Token

from medtrace.export.documents import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    item_anchor,
)
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

TEMPLATES = Path(__file__).resolve().parent / "templates"
PRINT_TEMPLATE = "print.html.j2"
MAX_HEADING = 4  # sections deeper than this still use h4

# Raw HTML elements whose content is dropped with them (the content is not prose).
_OPAQUE = re.compile(
    r"<\s*(/?)\s*(script|style|iframe|object|embed|template|noscript|textarea|title|svg|math)\b",
    re.IGNORECASE,
)


# -- Markdown of item bodies ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Every link becomes a link token, so that the scheme is judged here (by an allowlist)
    # and the target dropped, instead of markdown-it leaving ``[x](javascript:...)`` as text.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def url_allowed(url: str) -> bool:
    """Whether a link target may be shown or followed: http, https and mailto only."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in URL_SCHEMES


def _clean_inline(children: list[Token]) -> list[Token]:
    kept: list[Token] = []
    opaque = ""  # the raw element whose content is being dropped
    dropped_autolink = False
    for token in children:
        if token.type == "html_inline":
            match = _OPAQUE.match(token.content)
            if match and not match.group(1) and not token.content.rstrip().endswith("/>"):
                opaque = opaque or match.group(2).lower()
            elif match and match.group(1) and match.group(2).lower() == opaque:
                opaque = ""
            continue
        if opaque:
            continue
        if dropped_autolink:
            dropped_autolink = token.type != "link_close"
            continue
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not url_allowed(href) and not href.startswith("#"):
                if token.markup == "autolink":
                    dropped_autolink = True
                    continue
                token.attrs.pop("href", None)
        elif token.type == "image":
            src = str(token.attrs.get("src", ""))
            if not (url_allowed(src) or src.startswith("data:image/")):
                token.attrs.pop("src", None)
        kept.append(token)
    return kept


def safe_markdown_tokens(text: str) -> list[Token]:
    """markdown-it tokens of ``text`` with raw HTML dropped and unsafe link targets removed."""
    tokens: list[Token] = []
    for token in _parser().parse(text):
        if token.type == "html_block":
            continue
        if token.type == "inline" and token.children is not None:
            token.children = _clean_inline(token.children)
        tokens.append(token)
    return tokens


def body_html(text: str) -> str:
    """Markdown -> HTML for print: raw HTML dropped, then cleaned by nh3 like the site's."""
    parser = _parser()
    rendered = parser.renderer.render(safe_markdown_tokens(text), parser.options, {})
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )


# -- The view the template renders -----------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    text: str
    href: str = ""


@dataclass(slots=True)
class _BlockView:
    kind: str  # paragraph, table, item, gap
    html: str = ""
    headers: tuple[str, ...] = ()
    rows: list[list[_Cell]] = field(default_factory=list)
    caption: str = ""
    item: ItemBlock | None = None
    anchor: str = ""
    links_out: list[tuple[str, _Cell]] = field(default_factory=list)
    links_in: list[tuple[str, _Cell]] = field(default_factory=list)
    message: str = ""
    clause: str = ""


@dataclass(slots=True)
class _SectionView:
    number: str
    title: str
    anchor: str
    level: int
    blocks: list[_BlockView]
    sections: list[_SectionView]


def _item_ids(sections: tuple[Section, ...]) -> Iterator[str]:
    for section in sections:
        for block in section.blocks:
            if isinstance(block, ItemBlock):
                yield block.id
        yield from _item_ids(section.sections)


class _Viewer:
    def __init__(self, document: Document) -> None:
        self.anchors = {
            item_id: "item-" + item_anchor(item_id) for item_id in _item_ids(document.sections)
        }

    def cell(self, text: str) -> _Cell:
        return _Cell(text, "#" + self.anchors[text] if text in self.anchors else "")

    def block(self, block: Block) -> _BlockView:
        if isinstance(block, Paragraph):
            return _BlockView(kind="paragraph", html=body_html(block.text))
        if isinstance(block, Table):
            return _BlockView(
                kind="table",
                headers=block.headers,
                rows=[[self.cell(value) for value in row] for row in block.rows],
                caption=block.caption,
            )
        if isinstance(block, ItemBlock):
            return _BlockView(
                kind="item",
                item=block,
                anchor=self.anchors.get(block.id, ""),
                html=body_html(block.body),
                links_out=[(name, self.cell(target)) for name, target in block.links_out],
                links_in=[(name, self.cell(source)) for name, source in block.links_in],
            )
        assert isinstance(block, Gap)
        return _BlockView(kind="gap", message=block.message, clause=block.clause)

    def sections(self, sections: tuple[Section, ...], prefix: str = "") -> list[_SectionView]:
        views: list[_SectionView] = []
        for index, section in enumerate(sections, start=1):
            number = f"{prefix}{index}"
            views.append(
                _SectionView(
                    number=number,
                    title=section.title,
                    anchor="sec-" + number.replace(".", "-"),
                    level=min(number.count(".") + 1, MAX_HEADING),
                    blocks=[self.block(block) for block in section.blocks],
                    sections=self.sections(section.sections, number + "."),
                )
            )
        return views


def _environment(templates: Path | None) -> Environment:
    loaders: list[FileSystemLoader] = []
    if templates is not None and (templates / PRINT_TEMPLATE).is_file():
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(FileSystemLoader(str(TEMPLATES)))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def print_html(document_set: DocumentSet, document: Document, templates: Path | None = None) -> str:
    """The print HTML of ``document`` (what :func:`render_pdf` gives WeasyPrint)."""
    viewer = _Viewer(document)
    context: dict[str, Any] = {
        "set": document_set,
        "doc": document,
        "control": document.control,
        "sections": viewer.sections(document.sections),
        "gaps": document.gaps,
    }
    return _environment(templates).get_template(PRINT_TEMPLATE).render(context)


# -- PDF --------------------------------------------------------------------------------------


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    # data: only (an embedded image); file:, http(s): and the rest are refused.
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render_pdf(
    document_set: DocumentSet, document: Document, templates: Path | None = None
) -> bytes:
    """The PDF of ``document``: header and footer on every page, title page with the
    document control table, contents with page numbers, sections, revision history and
    a signature page. Metadata dates are the revision date."""
    from weasyprint import HTML

    html = print_html(document_set, document, templates)
    identifier = hashlib.sha256(
        f"{document_set.project}\0{document.control.document_id}\0{document.control.revision}".encode()
    ).hexdigest()[:32]
    result: bytes = HTML(string=html, base_url=None, url_fetcher=_url_fetcher()).write_pdf(
        pdf_identifier=identifier.encode("ascii"),
        uncompressed_pdf=False,
    )
    return result


__all__ = ["body_html", "print_html", "render_pdf", "safe_markdown_tokens", "url_allowed"]

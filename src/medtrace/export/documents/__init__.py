"""Renderers of the audit-ready document set (:mod:`medtrace.model.documents`).

Shared by every format: :func:`render_markdown_safe` turns Markdown written by
people (item bodies) into HTML that cannot run script, and :func:`item_anchor`
names the anchor an item is shown under.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from medtrace.model.documents import DocumentSet, ItemBlock, Section

# A conservative set: text structure, tables, code, links and images; no forms,
# no frames, no style, no event handlers (nh3 never keeps ``on*`` attributes).
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def _any_link(url: str) -> bool:
    return True


def is_remote(url: str) -> bool:
    """Whether ``url`` names something on another machine (a scheme or ``//host``)."""
    stripped = url.strip()
    return stripped.startswith("//") or _SCHEME.match(stripped) is not None


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _image(
    renderer: object, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    """An image whose source is remote becomes a link to it (a page that showed it would
    fetch it when opened, telling its server who reads the document); a local image stays."""
    token = tokens[index]
    src = str(token.attrs.get("src", ""))
    alt = escapeHtml(token.content or src)
    if is_remote(src):
        return f'<a href="{escapeHtml(src)}">[image: {alt}]</a>'
    title = token.attrs.get("title")
    extra = f' title="{escapeHtml(str(title))}"' if title else ""
    return f'<img src="{escapeHtml(src)}" alt="{alt}"{extra}>'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Every link becomes an <a>; nh3 then drops the href of a scheme it does not
    # allow, so ``[x](javascript:...)`` shows as plain "x", not as its source text.
    parser.validateLink = _any_link  # type: ignore[method-assign]
    parser.add_render_rule("image", _image)
    return parser


def render_markdown_safe(text: str) -> str:
    """Markdown -> HTML with raw HTML escaped and the result cleaned by nh3.

    ``javascript:`` and other non-http(s)/mailto links lose their ``href``;
    ``<script>`` never survives. Relative links and ``#anchors`` stay. Images from
    another machine are never loaded: they become links (``[image: alt]``); images at a
    relative path stay images.
    """
    rendered = _parser().render(text)
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def item_anchor(item_id: str) -> str:
    """The HTML anchor (``id``) an item is shown under: its id, made safe."""
    return _ANCHOR_UNSAFE.sub("-", item_id)


ITEM_ANCHOR = item_anchor

_TOKEN = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)")


def item_blocks(sections: tuple[Section, ...]) -> Iterator[ItemBlock]:
    """The item blocks of ``sections`` and their subsections, in reading order."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, ItemBlock):
                yield block
        yield from item_blocks(section.sections)


def item_pages(document_set: DocumentSet) -> dict[str, str]:
    """Item id -> slug of the document showing it (the first one, in document order)."""
    pages: dict[str, str] = {}
    for document in document_set.documents:
        for block in item_blocks(document.sections):
            pages.setdefault(block.id, document.slug)
    return pages


def split_ids(text: str, known: dict[str, str]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, item id or None): the pieces that are ids in ``known``
    (``"TC-001: passed; TC-002"`` -> the two ids and the text between)."""
    parts: list[tuple[str, str | None]] = []
    for index, piece in enumerate(_TOKEN.split(text)):
        if not piece:
            continue
        if index % 2 == 1:
            if piece in known:
                parts.append((piece, piece))
                continue
            stripped = piece.rstrip(".")
            if stripped != piece and stripped in known:
                parts += [(stripped, stripped), (piece[len(stripped) :], None)]
                continue
        parts.append((piece, None))
    return parts


__all__ = [
    "ITEM_ANCHOR",
    "is_remote",
    "item_anchor",
    "item_blocks",
    "item_pages",
    "render_markdown_safe",
    "split_ids",
]

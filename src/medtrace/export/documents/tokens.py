"""Item bodies (Markdown written by people) parsed once for the PDF and the DOCX.

:func:`safe_markdown_tokens` gives markdown-it tokens with raw HTML dropped (``<script>``
and its content included) and link targets kept only when they are http, https or
mailto: a ``javascript:`` link keeps its text and loses its target, a ``javascript:``
autolink disappears, and an image keeps its ``src`` only when it is http(s). The
renderers never turn a token into markup of their own format: they write its text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from medtrace.export.documents import URL_SCHEMES

MAX_HEADING = 4  # sections deeper than this still use the fourth heading style

# Raw HTML elements whose content is dropped with them (the content is not prose).
_OPAQUE = re.compile(
    r"<\s*(/?)\s*(script|style|iframe|object|embed|template|noscript|textarea|title|svg|math)\b",
    re.IGNORECASE,
)


def _any_link(url: str) -> bool:
    return True


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Every link becomes a link token, so that the scheme is judged here (by an allowlist)
    # and the target dropped, instead of markdown-it leaving ``[x](javascript:...)`` as text.
    parser.validateLink = _any_link  # type: ignore[method-assign]
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
            if not url_allowed(src):
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


__all__ = ["MAX_HEADING", "safe_markdown_tokens", "url_allowed"]

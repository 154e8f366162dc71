"""What a file is, when it is not what a reader was given it for.

A reader that cannot read a file says what the file is, when it is a common kind
of document, rather than what its parser stumbled on ("not well-formed XML" for a
Markdown file that starts with an HTML comment).
"""

from __future__ import annotations

import re

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_LEADING_COMMENTS = re.compile(r"\A(?:\s*<!--.*?-->)*\s*", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\r?\n.*?\r?\n(?:---|\.\.\.)\r?\n\s*", re.DOTALL)
_HEADING = re.compile(r"\A(?:#{1,6}[ \t]+\S|[^\n]+\r?\n(?:=+|-+)[ \t]*\r?\n)")
_HTML = re.compile(rb"\A\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def document_kind(data: bytes, path: str) -> str | None:
    """``"a Markdown document"``, ``"an HTML page"``, ``"a PDF document"`` or ``"a zip
    archive"`` when ``data`` (read from ``path``) plainly is one; else ``None``."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive"
    if _HTML.match(head):
        return "an HTML page"
    if path.lower().endswith(_MARKDOWN_SUFFIXES):
        return "a Markdown document"
    text = head.decode("utf-8", "replace")
    text = _LEADING_COMMENTS.sub("", text, count=1)
    text = _FRONT_MATTER.sub("", text, count=1)
    return "a Markdown document" if _HEADING.match(text) else None

"""The Markdown of the simplest XHTML values, as markdownify writes it, fast.

A DOORS or Polarion export holds tens of thousands of XHTML values, nearly all a
``<div>`` of paragraphs with some bold or italic words; markdownify (through
BeautifulSoup) takes about 300 µs for each, which is most of a large import.
:func:`simple_markdown` writes the Markdown of exactly that shape itself:

- a ``div`` (no attributes) holding only ``p`` elements, or only inline content;
- a ``p`` (no attributes) holding text and ``b``, ``strong``, ``i``, ``em``
  elements (no attributes) that hold text only;
- text of ASCII whitespace and other characters that are not whitespace.

For anything else it returns ``None`` and the caller asks markdownify. Within the
shape it follows markdownify's rules (whitespace folded, ``*`` and ``_``
escaped, block edges trimmed, ``**bold**`` and ``*italic*`` with spaces moved
outside the markers, empty paragraphs dropped); a property test compares the two.
"""

from __future__ import annotations

import re

from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"
_DIV, _P = XHTML + "div", XHTML + "p"
_MARKERS = {XHTML + "b": "**", XHTML + "strong": "**", XHTML + "i": "*", XHTML + "em": "*"}
_AROUND_NEWLINE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACES = re.compile(r"[\t ]+")
_OTHER_SPACE = re.compile(r"[^\S\t\n\r ]|\r")  # whitespace markdownify treats unevenly
_EDGE = " \t\r\n"
_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.DOTALL)  # leading, content, trailing

Element = etree._Element


def simple_markdown(the_value: Element) -> str | None:
    """The Markdown of the XHTML ``THE-VALUE`` element, or ``None`` if it is not of the
    simple shape (see the module's docstring)."""
    if len(the_value) != 1 or (the_value.text or "").strip(_EDGE):
        return None
    div = the_value[0]
    if div.tag != _DIV or div.attrib or (div.tail or "").strip(_EDGE):
        return None
    if len(div) and all(child.tag == _P for child in div):
        if (div.text or "").strip(_EDGE) or any((p.tail or "").strip(_EDGE) for p in div):
            return None
        paragraphs = [_block(p) for p in div]
        if any(paragraph is None for paragraph in paragraphs):
            return None
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return _block(div)


def _block(block: Element) -> str | None:
    """The Markdown of a block's inline content, trimmed; ``None`` if not simple."""
    if block.attrib:
        return None
    pieces = [block.text]
    for child in block:
        marker = _MARKERS.get(child.tag)
        if marker is None or child.attrib or len(child):
            return None
        pieces.append(None)  # the inline element's place: filled below
        pieces.append(child.tail)
    inline_texts = [child.text for child in block]
    if any(text and _OTHER_SPACE.search(text) for text in (*pieces, *inline_texts)):
        return None
    texts = [_text(piece) for piece in pieces]
    # The block's last text loses its trailing whitespace, and the block its edges.
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:  # an inline element
            child = block[index // 2]
            out.append(_inline(_text(inline_texts[index // 2]), _MARKERS[child.tag]))
            continue
        text = texts[index]
        if not piece:
            continue
        if index == len(pieces) - 1:
            text = text.rstrip()
        out.append(text)
    return _joined([text for text in out if text]).strip(_EDGE)


def _joined(strings: list[str]) -> str:
    """markdownify's join: where one string ends with line breaks and the next begins
    with them, the larger number of them stays, two at most. (A string of line breaks
    only counts as beginning with them, not as ending.)"""
    parts = [""]
    for string in strings:
        leading, content, trailing = _NEWLINES.match(string).groups()  # type: ignore[union-attr]
        if parts[-1] and leading:
            leading = "\n" * min(2, max(len(parts.pop()), len(leading)))
        parts.extend((leading, content, trailing))
    return "".join(parts)


def _text(text: str | None) -> str:
    """markdownify's reading of a text: whitespace folded, ``*`` and ``_`` escaped."""
    if not text:
        return ""
    text = _SPACES.sub(" ", _AROUND_NEWLINE.sub("\n", text))
    return text.replace("*", r"\*").replace("_", r"\_")


def _inline(text: str, marker: str) -> str:
    """markdownify's bold or italic: spaces at the edges go outside the markers."""
    before = " " if text[:1] == " " else ""
    after = " " if text[-1:] == " " else ""
    text = text.strip()
    return f"{before}{marker}{text}{marker}{after}" if text else ""

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
_ASCII_SPACE = re.compile(r"[\t-\r\x1c-\x1f]")  # ASCII whitespace but the space
_EDGE = " \t\r\n"
_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", re.DOTALL)  # leading, content, trailing

Element = etree._Element


def simple_markdown(the_value: Element) -> str | None:
    """The Markdown of the XHTML ``THE-VALUE`` element, or ``None`` if it is not of the
    simple shape (see the module's docstring)."""
    if len(the_value) != 1 or (the_value.text or "").strip(_EDGE):
        return None
    div = the_value[0]
    if div.tag != _DIV or div.keys() or (div.tail or "").strip(_EDGE):
        return None
    children = list(div)
    if not children or any(child.tag != _P for child in children):
        return _block(div, children)
    if (div.text or "").strip(_EDGE):
        return None
    paragraphs: list[str] = []
    for paragraph in children:
        if (paragraph.tail or "").strip(_EDGE):
            return None
        markdown = _block(paragraph, list(paragraph))
        if markdown is None:
            return None
        if markdown:
            paragraphs.append(markdown)
    return "\n\n".join(paragraphs)


def _block(block: Element, children: list[Element]) -> str | None:
    """The Markdown of a block's inline content (``children`` are its child elements),
    trimmed; ``None`` if not simple."""
    if block.keys():
        return None
    texts = [block.text or ""]  # the block's text, then each child's text and tail
    markers: list[str] = []
    for child in children:
        marker = _MARKERS.get(child.tag)
        if marker is None or len(child) or child.keys():
            return None
        markers.append(marker)
        texts.append(child.text or "")
        texts.append(child.tail or "")
    joined = "".join(texts)
    if not joined.isascii() and _OTHER_SPACE.search(joined):
        return None
    if _ASCII_SPACE.search(joined) is None and "  " not in joined:  # nothing to fold
        if "*" in joined or "_" in joined:
            texts = [_escaped(text) for text in texts]
        out = [texts[0]]
        for index, marker in enumerate(markers):
            out.append(_inline(texts[2 * index + 1], marker))
            out.append(texts[2 * index + 2])
        return "".join(out).strip(_EDGE)
    if _OTHER_SPACE.search(joined):
        return None
    return _folded_block(texts, markers)


def _folded_block(texts: list[str], markers: list[str]) -> str:
    """:func:`_block`'s result where whitespace is folded and line breaks merge."""
    out: list[str] = []
    last = len(texts) - 1
    for index, text in enumerate(texts):
        if index % 2:  # an inline element's text
            out.append(_inline(_text(text), markers[index // 2]))
        elif text:
            # The block's last text loses its trailing whitespace, and the block its edges.
            out.append(_text(text).rstrip() if index == last else _text(text))
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
    return _escaped(_SPACES.sub(" ", _AROUND_NEWLINE.sub("\n", text)))


def _escaped(text: str) -> str:
    return text.replace("*", r"\*").replace("_", r"\_")


def _inline(text: str, marker: str) -> str:
    """markdownify's bold or italic: spaces at the edges go outside the markers."""
    before = " " if text[:1] == " " else ""
    after = " " if text[-1:] == " " else ""
    text = text.strip()
    return f"{before}{marker}{text}{marker}{after}" if text else ""

"""WordprocessingML elements built directly with lxml.

python-docx's object layer resolves styles by name, re-reads section properties and
walks tables on many calls; at ten thousand items that cost minutes. The document
body is therefore built from these small element factories (the package, styles,
header, footer and properties still come from python-docx). Child elements are
written in the order the schema (ECMA-376 part 1, ``CT_PPr``, ``CT_RPr``, ``CT_TrPr``,
``CT_TcPr``) requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

Element = etree._Element


def w(name: str) -> str:
    """The qualified name of ``w:name``."""
    return f"{{{W}}}{name}"


_P, _PPR, _R, _RPR, _T, _BR, _TAB = w("p"), w("pPr"), w("r"), w("rPr"), w("t"), w("br"), w("tab")
_VAL = w("val")


@dataclass(frozen=True, slots=True)
class RunStyle:
    """Direct formatting of a run; ``size`` in half-points (16 = 8 pt)."""

    bold: bool = False
    italic: bool = False
    font: str = ""
    size: int = 0
    color: str = ""
    highlight: str = ""


PLAIN = RunStyle()


def paragraph(
    style: str | None = None,
    *,
    keep_next: bool = False,
    space_before: int = 0,
    indent: int = 0,
    border: str = "",
    leader_tab: int = 0,
) -> Element:
    """An empty ``w:p``: ``style`` is a style id; ``space_before`` and ``indent`` in
    twentieths of a point; ``border`` a colour for a box around the paragraph;
    ``leader_tab`` the position (twips) of a right tab stop with a dot leader."""
    p = etree.Element(_P, nsmap={"w": W})
    if style or keep_next or space_before or indent or border or leader_tab:
        ppr = etree.SubElement(p, _PPR)
        if style:
            etree.SubElement(ppr, w("pStyle")).set(_VAL, style)
        if keep_next:
            etree.SubElement(ppr, w("keepNext"))
        if border:
            borders = etree.SubElement(ppr, w("pBdr"))
            for side in ("top", "left", "bottom", "right"):
                line = etree.SubElement(borders, w(side))
                line.set(_VAL, "single")
                line.set(w("sz"), "12")
                line.set(w("space"), "4")
                line.set(w("color"), border)
        if leader_tab:
            tab = etree.SubElement(etree.SubElement(ppr, w("tabs")), w("tab"))
            tab.set(_VAL, "right")
            tab.set(w("leader"), "dot")
            tab.set(w("pos"), str(leader_tab))
        if space_before:
            etree.SubElement(ppr, w("spacing")).set(w("before"), str(space_before))
        if indent:
            etree.SubElement(ppr, w("ind")).set(w("left"), str(indent))
    return p


def run(parent: Element, text: str, style: RunStyle = PLAIN) -> Element:
    """Append a run of ``text`` (newlines become line breaks, tabs tabs) to ``parent``."""
    r = _bare_run(parent, style)
    for number, line in enumerate(_clean(text).split("\n")):
        if number:
            etree.SubElement(r, _BR)
        for column, part in enumerate(line.split("\t")):
            if column:
                etree.SubElement(r, _TAB)
            if part:
                t = etree.SubElement(r, _T)
                t.text = part
                if part[0] == " " or part[-1] == " ":
                    t.set(XML_SPACE, "preserve")
    return r


def _run_properties(r: Element, style: RunStyle) -> None:
    rpr = etree.SubElement(r, _RPR)
    if style.font:
        fonts = etree.SubElement(rpr, w("rFonts"))
        fonts.set(w("ascii"), style.font)
        fonts.set(w("hAnsi"), style.font)
    if style.bold:
        etree.SubElement(rpr, w("b"))
    if style.italic:
        etree.SubElement(rpr, w("i"))
    if style.color:
        etree.SubElement(rpr, w("color")).set(_VAL, style.color)
    if style.size:
        etree.SubElement(rpr, w("sz")).set(_VAL, str(style.size))
    if style.highlight:
        etree.SubElement(rpr, w("highlight")).set(_VAL, style.highlight)


def line_break(parent: Element, kind: str = "") -> None:
    """A run holding a line break (``kind="page"``: a page break)."""
    br = etree.SubElement(etree.SubElement(parent, _R), _BR)
    if kind:
        br.set(w("type"), kind)


def field(parent: Element, instruction: str, cached: str, style: RunStyle = PLAIN) -> None:
    """A complex field (begin, instruction, separate, cached result, end), marked dirty so
    Word updates it when the document opens; every run of it in ``style``."""
    field_begin(parent, instruction, style)
    run(parent, cached, style)
    field_end(parent, style)


def field_begin(parent: Element, instruction: str, style: RunStyle = PLAIN) -> None:
    """The begin, instruction and separate parts of a field whose result spans paragraphs."""
    begin = etree.SubElement(_bare_run(parent, style), w("fldChar"))
    begin.set(w("fldCharType"), "begin")
    begin.set(w("dirty"), "true")
    instr = etree.SubElement(_bare_run(parent, style), w("instrText"))
    instr.set(XML_SPACE, "preserve")
    instr.text = instruction
    etree.SubElement(_bare_run(parent, style), w("fldChar")).set(w("fldCharType"), "separate")


def field_end(parent: Element, style: RunStyle = PLAIN) -> None:
    etree.SubElement(_bare_run(parent, style), w("fldChar")).set(w("fldCharType"), "end")


def _bare_run(parent: Element, style: RunStyle) -> Element:
    r = etree.SubElement(parent, _R)
    if style != PLAIN:
        _run_properties(r, style)
    return r


def hyperlink(parent: Element, text: str, anchor: str, style: RunStyle) -> None:
    """An internal link to the bookmark ``anchor``."""
    link = etree.SubElement(parent, w("hyperlink"))
    link.set(w("anchor"), anchor)
    run(link, text, style)


def bookmark(p: Element, name: str, number: int) -> None:
    """Wrap the content of ``p`` in the bookmark ``name``."""
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), str(number))
    start.set(w("name"), name)
    ppr = p.find(_PPR)
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    etree.SubElement(p, w("bookmarkEnd")).set(w("id"), str(number))


def table(style: str | None, widths: Sequence[int]) -> Element:
    """An empty ``w:tbl`` with the grid ``widths`` (twips); add rows with :func:`row`."""
    tbl = etree.Element(w("tbl"), nsmap={"w": W})
    tbl_pr = etree.SubElement(tbl, w("tblPr"))
    if style:
        etree.SubElement(tbl_pr, w("tblStyle")).set(_VAL, style)
    width = etree.SubElement(tbl_pr, w("tblW"))
    width.set(w("w"), "0")
    width.set(w("type"), "auto")
    look = etree.SubElement(tbl_pr, w("tblLook"))
    look.set(_VAL, "04A0")
    grid = etree.SubElement(tbl, w("tblGrid"))
    for column in widths:
        etree.SubElement(grid, w("gridCol")).set(w("w"), str(column))
    return tbl


def row(
    tbl: Element,
    widths: Sequence[int],
    *,
    header: bool = False,
    height: int = 0,
    shade: str = "",
) -> list[Element]:
    """Append a row to ``tbl``; returns one empty paragraph per cell to write into.
    A header row repeats on every page and is never split; ``height`` in twips."""
    tr = etree.SubElement(tbl, w("tr"))
    if header or height:
        tr_pr = etree.SubElement(tr, w("trPr"))
        if header:
            etree.SubElement(tr_pr, w("cantSplit"))
        if height:
            etree.SubElement(tr_pr, w("trHeight")).set(_VAL, str(height))
        if header:
            etree.SubElement(tr_pr, w("tblHeader"))
    cells = []
    for column in widths:
        tc = etree.SubElement(tr, w("tc"))
        tc_pr = etree.SubElement(tc, w("tcPr"))
        tc_width = etree.SubElement(tc_pr, w("tcW"))
        tc_width.set(w("w"), str(column))
        tc_width.set(w("type"), "dxa")
        if shade:
            shading = etree.SubElement(tc_pr, w("shd"))
            shading.set(_VAL, "clear")
            shading.set(w("color"), "auto")
            shading.set(w("fill"), shade)
        cells.append(etree.SubElement(tc, _P))
    return cells


def _clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    if text.isprintable():
        return text
    return "".join(c for c in text if c in "\n\t" or (c >= " " and c not in "\ufffe\uffff"))

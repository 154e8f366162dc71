"""Text in spreadsheet cells: never run as a formula, never a character a workbook refuses.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by spreadsheets (CSV injection); :func:`inert` puts an apostrophe
before it, as spreadsheets expect, and before a cell that starts with an apostrophe
followed by one of those (or another apostrophe), so that :func:`uninert` gives every
text back exactly. An XLSX workbook cannot hold most control characters:
:func:`workbook_text` leaves them out.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = (*FORMULA_STARTS, "'")
# What openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE), without importing openpyxl.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def inert(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows and never runs."""
    if text[:1] in FORMULA_STARTS or (text[:1] == "'" and text[1:2] in _QUOTED and text[1:2]):
        return f"'{text}"
    return text


def uninert(cell: str) -> str:
    """The text :func:`inert` made ``cell`` of."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1:2] in _QUOTED else cell


def workbook_text(text: str) -> str:
    """``text`` without the control characters an XLSX cell cannot hold."""
    return _ILLEGAL.sub("", text)

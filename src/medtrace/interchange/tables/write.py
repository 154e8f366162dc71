"""Write a table (CSV or XLSX) of text cells; a cell is never a formula
(:mod:`medtrace.export.cells`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from medtrace.export.cells import inert, workbook_text
from medtrace.interchange.tables.read import table_format


def table_bytes(path: Path, rows: Sequence[Sequence[str]]) -> bytes:
    """The bytes of a table of ``rows`` in the format of ``path``'s suffix."""
    if table_format(path) == ".csv":
        stream = io.StringIO(newline="")
        csv.writer(stream).writerows([inert(cell) for cell in row] for row in rows)
        return stream.getvalue().encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([workbook_text(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, never a formula ("=...")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

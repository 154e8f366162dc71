"""Read a table (CSV or XLSX) into rows of text cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from medtrace.errors import MedtraceError
from medtrace.export.cells import uninert

FORMATS = (".csv", ".xlsx")


def table_format(path: Path) -> str:
    """The format of the table file ``path`` by its suffix: ``.csv`` or ``.xlsx``."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise MedtraceError(f"{path}: a table is a .csv or .xlsx file")
    return suffix


def read_table(path: Path) -> list[list[str]]:
    """The rows of the table at ``path`` (the first sheet of a workbook)."""
    suffix = table_format(path)
    try:
        if suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text, newline=""))
            return [[uninert(cell) for cell in row] for row in reader]
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise MedtraceError(f"cannot read {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise MedtraceError(f"{path} is not a UTF-8 CSV file: {error}") from error
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise MedtraceError(f"{path} is not an XLSX workbook: {first}") from error
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows

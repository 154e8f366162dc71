"""Tables: the items of one kind as CSV or XLSX, out and back in.

A table has a header row and one row per item; its columns are ``id``,
``title``, each field of the kind (common fields first), each link type the
kind may hold, and ``body``. A list field or a link column holds one value per
line of its cell. The format is the file's suffix: ``.csv`` (UTF-8) or
``.xlsx``. An import creates new items only: a row whose id the project has
already is skipped and reported, never written over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook, load_workbook

from medtrace.api.load import LoadOptions, load_project
from medtrace.api.migrate import MigrationReport, NewItem, write_new_items
from medtrace.errors import MedtraceError
from medtrace.graph import TraceGraph
from medtrace.ingest.values import FieldValueError, coerce
from medtrace.ingest.yamlnodes import RawValue
from medtrace.model import FieldType, FieldValue, Item
from medtrace.model.schema import FieldSpec, Schema
from medtrace.store.files import write_atomic

FORMATS = (".csv", ".xlsx")


def table_columns(schema: Schema, kind: str) -> list[str]:
    """The columns of a table of ``kind``."""
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="see medtrace.toml or the docs")
    return ["id", "title", *(f.name for f in _fields(schema, kind)), *spec.links, "body"]


def export_table(start: Path, kind: str, path: Path, *, options: LoadOptions | None = None) -> int:
    """Write the items of ``kind`` to ``path`` (.csv or .xlsx); returns how many."""
    _format(path)
    project = load_project(start, options)
    schema = project.config.schema
    columns = table_columns(schema, kind)
    items = sorted(TraceGraph(project.items, schema).of_kind(kind), key=lambda i: i.id)
    rows = [columns, *([_cell(item, column, schema) for column in columns] for item in items)]
    write_atomic(path, _encode(path, rows))
    return len(items)


def import_table(
    start: Path,
    kind: str,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    *,
    options: LoadOptions | None = None,
) -> MigrationReport:
    """Create an item of ``kind`` per row of the table at ``path``. ``mapping`` renames
    header cells to columns (``{"Requirement ID": "id"}``); a header that names no
    column is an error, and so is a value that does not fit its field: nothing is
    written then."""
    rows = _decode(path)
    if not rows:
        raise MedtraceError(f"{path} has no header row")
    project = load_project(start, options)
    schema = project.config.schema
    columns = table_columns(schema, kind)
    header = [(mapping or {}).get(cell.strip(), cell.strip()) for cell in rows[0]]
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        raise MedtraceError(
            f"{path}: the columns {', '.join(map(repr, unknown))} are no field or link of a "
            f"{kind} (nothing was written)",
            hint=f"the columns are {', '.join(columns)}; map others with a mapping",
        )
    if "id" not in header or "title" not in header:
        raise MedtraceError(f"{path}: the header names no id or no title column")
    taken = {item.id for item in project.items}
    new: list[NewItem] = []
    skipped: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: cell for name, cell in zip(header, row, strict=False) if name}
        if not any(values.values()):
            continue
        item = _row_item(kind, values, schema, f"{path}, row {number}")
        if item.id in taken:
            skipped.append(item.id)
        else:
            new.append(item)
    report = write_new_items(
        Path(project.root),
        project.config.paths[0],
        "imported",
        taken,
        new,
        str(path),
        (),
        dry_run,
    )
    return replace(report, skipped=tuple(skipped))


def _fields(schema: Schema, kind: str) -> list[FieldSpec]:
    spec = schema.kinds[kind]
    own = {f.name for f in spec.fields}
    return [*(f for f in schema.common_fields if f.name not in own), *spec.fields]


def _cell(item: Item, column: str, schema: Schema) -> str:
    if column in ("id", "title", "body"):
        return str(getattr(item, column))
    if column in schema.links:
        return "\n".join(item.targets(column))
    value = item.field(column)
    return "" if value is None else _text(value)


def _text(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return "\n".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row_item(kind: str, values: Mapping[str, str], schema: Schema, where: str) -> NewItem:
    item_id = values.get("id", "").strip()
    title = values.get("title", "").strip()
    if not item_id or not title:
        raise MedtraceError(f"{where}: no id or no title (nothing was written)")
    fields: list[tuple[str, object]] = []
    links: list[tuple[str, tuple[str, ...]]] = []
    for name, cell in values.items():
        if name in ("id", "title", "body") or not cell.strip():
            continue
        if name in schema.links:
            links.append((name, tuple(line.strip() for line in cell.splitlines() if line.strip())))
            continue
        spec = schema.field_of(kind, name)
        assert spec is not None
        raw: RawValue = cell
        if spec.type in (FieldType.LIST, FieldType.FINGERPRINTS):
            raw = [line.strip() for line in cell.splitlines() if line.strip()]
        try:
            value = coerce(spec, raw)
        except FieldValueError as error:
            raise MedtraceError(f"{where}, {name}: {error} (nothing was written)") from error
        fields.append((name, list(value) if isinstance(value, tuple) else value))
    return NewItem(
        id=item_id,
        kind=kind,
        title=title,
        body=values.get("body", ""),
        fields=tuple(fields),
        links=tuple(links),
        source=where,
    )


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise MedtraceError(f"{path}: a table is a .csv or .xlsx file")
    return suffix


def _encode(path: Path, rows: Sequence[Sequence[str]]) -> bytes:
    if _format(path) == ".csv":
        stream = io.StringIO(newline="")
        csv.writer(stream).writerows(rows)
        return stream.getvalue().encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, never a formula ("=...")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _decode(path: Path) -> list[list[str]]:
    suffix = _format(path)
    try:
        if suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig")
            return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise MedtraceError(f"cannot read {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise MedtraceError(f"{path} is not a UTF-8 CSV file: {error}") from error
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise MedtraceError(f"{path} is not an XLSX workbook: {error}") from error
    sheet = book.worksheets[0]
    rows = [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows

"""Tables: the items of one kind as CSV or XLSX, out and back in.

A table has a header row and one row per item; its columns are ``id``,
``title``, each field of the kind (common fields first), each link type the
kind may hold, and ``body``. A list field or a link column holds one value per
line of its cell. The format is the file's suffix: ``.csv`` (UTF-8) or
``.xlsx``. An import creates new items only: a row whose id the project has
already is skipped and reported, never written over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from medtrace.errors import MedtraceError
from medtrace.ingest.values import FieldValueError, coerce
from medtrace.ingest.yamlnodes import RawValue
from medtrace.interchange.items import NewItem
from medtrace.model import FieldType, FieldValue, Item
from medtrace.model.schema import FieldSpec, Schema


def table_columns(schema: Schema, kind: str) -> list[str]:
    """The columns of a table of ``kind``."""
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="see medtrace.toml or the docs")
    return ["id", "title", *(f.name for f in _fields(schema, kind)), *spec.links, "body"]


def table_rows(items: Sequence[Item], kind: str, schema: Schema) -> list[list[str]]:
    """The header row and a row per item of ``items`` (of ``kind``), sorted by id."""
    columns = table_columns(schema, kind)
    ordered = sorted(items, key=lambda item: item.id)
    return [columns, *([_cell(item, column, schema) for column in columns] for item in ordered)]


def table_items(
    rows: Sequence[Sequence[str]],
    kind: str,
    schema: Schema,
    taken: set[str],
    source: Path,
    mapping: Mapping[str, str] | None = None,
) -> tuple[list[NewItem], list[str]]:
    """The new items of the table ``rows`` (header first) read from ``source``, and the
    ids of the rows skipped because the project has them (``taken``). ``mapping``
    renames header cells to columns (``{"Requirement ID": "id"}``); a header that names
    no column is an error, and so is a value that does not fit its field."""
    if not rows:
        raise MedtraceError(f"{source} has no header row")
    columns = table_columns(schema, kind)
    header = [(mapping or {}).get(cell.strip(), cell.strip()) for cell in rows[0]]
    unknown = [name for name in header if name and name not in columns]
    if unknown:
        raise MedtraceError(
            f"{source}: the columns {', '.join(map(repr, unknown))} are no field or link of a "
            f"{kind} (nothing was written)",
            hint=f"the columns are {', '.join(columns)}; map others with a mapping",
        )
    if "id" not in header or "title" not in header:
        raise MedtraceError(f"{source}: the header names no id or no title column")
    new: list[NewItem] = []
    skipped: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: cell for name, cell in zip(header, row, strict=False) if name}
        if not any(values.values()):
            continue
        item = _row_item(kind, values, schema, f"{source}, row {number}")
        if item.id in taken:
            skipped.append(item.id)
        else:
            new.append(item)
    return new, skipped


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

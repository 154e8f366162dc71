"""Edit and create item files for someone else, with a version check, and commit them.

An editor (the web application's forms) opens an item at a *version* (the
SHA-256 of the file's bytes) and later hands back the whole would-be file. The
would-be file is parsed and checked as ``check`` would (:mod:`medtrace.api.would_be`);
it is saved only if it still holds an item with the same id. Under the
project lock, the file on disk is compared with the version it was opened at:
when someone changed it since, :class:`EditConflictError` carries the three texts
(the common base, theirs and yours) and nothing is written. Otherwise the file
is written atomically and committed with the person as author and their reason
in the message. Creating an item allocates the next free id of its kind under
the same lock, so two people creating items at once get different ids.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from medtrace.api.commit import Author, commit_files, commit_message
from medtrace.api.load import load_project
from medtrace.api.would_be import WouldBe, check_would_be
from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.front_matter import replace_body, update_front_matter
from medtrace.ingest import parse_item
from medtrace.interchange.block_yaml import block_yaml
from medtrace.model import Item, Project, Schema
from medtrace.store import write_atomic
from medtrace.store.lock import project_lock

FieldText = str | tuple[str, ...]  # a value as an editor holds it: text, or lines of a list
_NUMBER = re.compile(r"(.*?)(\d+)")


class EditConflictError(MedtraceError):
    """The file changed since the editor opened it; nothing was written."""

    def __init__(self, path: str, *, base: str, theirs: str | None, yours: str) -> None:
        super().__init__(f"{path} changed since it was opened; nothing was written")
        self.path, self.base, self.theirs, self.yours = path, base, theirs, yours


class InvalidEditError(MedtraceError):
    """The would-be file does not hold the item it should; nothing was written."""

    def __init__(self, message: str, would_be: WouldBe) -> None:
        super().__init__(message)
        self.would_be = would_be


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFile:
    """An item file as an editor opens it."""

    path: str  # relative to the project root
    text: str
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Saved:
    """A saved change: the item, its file, the commit and the findings on it."""

    item_id: str
    path: str
    commit: str
    would_be: WouldBe


def version_of(data: bytes | None) -> str:
    """The version of a file's contents (``""`` when there is no file)."""
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def open_item(root: Path, path: str) -> ItemFile:
    """The file ``path`` of the project at ``root`` with its version."""
    data = _read(root, path)
    if data is None:
        raise ProjectError(f"{path}: no such file in the project")
    return ItemFile(path=path, text=data.decode("utf-8-sig"), version=version_of(data))


def compose(
    item: Item | None,
    text: str | None,
    values: Mapping[str, FieldText | None],
    body: str,
) -> str:
    """The would-be file: ``text`` (the file of ``item``) with the front matter keys
    whose value differs from the item's set to ``values`` (``None`` or empty removes a
    key) and the body replaced; a new file in ``values``' order when there is none."""
    if item is None or text is None:
        front = {key: _yaml_value(v) for key, v in values.items() if v not in (None, "", ())}
        return "---\n" + block_yaml(front) + "---\n" + _body(body)
    current = current_values(item)
    changed = {
        key: (None if value in (None, "", ()) else block_yaml({key: _yaml_value(value)}))
        for key, value in values.items()
        if _normal(value) != _normal(current.get(key))
    }
    updated = update_front_matter(text, changed) if changed else text
    return replace_body(updated, body)


def current_values(item: Item) -> dict[str, FieldText]:
    """The front matter values of ``item`` as an editor holds them."""
    found: dict[str, FieldText] = {"id": item.id, "kind": item.kind, "title": item.title}
    for name, value in item.fields:
        found[name] = value if isinstance(value, tuple) else _text(value)
    for link in item.links:
        existing = found.get(link.role, ())
        found[link.role] = (*(existing if isinstance(existing, tuple) else ()), link.target)
    return found


def save_item(
    root: Path, path: str, text: str, *, base: str, base_version: str, author: Author, reason: str
) -> Saved:
    """Write ``text`` to the item file ``path`` and commit it, if the file is still at
    ``base_version`` (opened with the text ``base``); else :class:`EditConflictError`."""
    commit_message("", reason)  # a missing reason is refused before anything is read
    with project_lock(root, holder=f"medtrace serve: edit by {author.name}"):
        current = _read(root, path)
        if version_of(current) != base_version:
            theirs = current.decode("utf-8", "replace") if current is not None else None
            raise EditConflictError(path, base=base, theirs=theirs, yours=text)
        project = load_project(root)
        old = next((i for i in project.items if i.source.path == path), None)
        would_be = _checked(project, path, text, expected_id=old.id if old else None)
        item_id = would_be.item.id if would_be.item is not None else ""
        if current is not None and current == text.encode("utf-8"):
            raise ProjectError(f"{path}: nothing changed; nothing was written")
        write_atomic(root / path, text.encode("utf-8"))
        summary = f"Edit {item_id}: {would_be.item.title if would_be.item else path}"
        commit = _commit(root, path, current, author, commit_message(summary, reason))
    return Saved(item_id=item_id, path=path, commit=commit, would_be=would_be)


def create_item(
    root: Path,
    kind: str,
    values: Mapping[str, FieldText | None],
    body: str,
    *,
    author: Author,
    reason: str,
) -> Saved:
    """Create an item of ``kind`` with the next free id of its kind, and commit it."""
    commit_message("", reason)
    with project_lock(root, holder=f"medtrace serve: new item by {author.name}"):
        project = load_project(root)
        spec = project.config.schema.kinds.get(kind)
        if spec is None:
            raise ProjectError(f"unknown kind {kind!r}")
        item_id = next_id(project, kind)
        path = new_path(project, kind, item_id)
        ordered = {
            "id": item_id,
            "kind": kind,
            **{k: v for k, v in values.items() if k not in ("id", "kind")},
        }
        text = compose(None, None, ordered, body)
        would_be = _checked(project, path, text, expected_id=item_id)
        write_atomic(root / path, text.encode("utf-8"))
        summary = f"Create {item_id}: {would_be.item.title if would_be.item else path}"
        commit = _commit(root, path, None, author, commit_message(summary, reason))
    return Saved(item_id=item_id, path=path, commit=commit, would_be=would_be)


def next_id(project: Project, kind: str) -> str:
    """The next id of ``kind``: its prefix and one more than the highest number any id
    with that prefix has, as wide as most of them are written."""
    prefix = project.config.schema.kinds[kind].prefix
    numbers: list[int] = []
    widths: Counter[int] = Counter()
    for item in project.items:
        head, _, tail = item.id.rpartition("-")
        if head == prefix and tail.isdigit():
            numbers.append(int(tail))
            widths[len(tail)] += 1
    width = widths.most_common(1)[0][0] if widths else 3
    taken = {item.id for item in project.items}
    number = max(numbers, default=0) + 1
    while f"{prefix}-{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}-{number:0{width}d}"


def new_path(project: Project, kind: str, item_id: str) -> str:
    """Where a new item goes: the folder holding most items of its kind (else one named
    after the kind), in a file named by its id."""
    folders = Counter(
        str(PurePosixPath(i.source.path).parent) for i in project.items if i.kind == kind
    )
    folder = folders.most_common(1)[0][0] if folders else kind
    name = f"{item_id}.md" if folder in ("", ".") else f"{folder}/{item_id}.md"
    return name


def _checked(project: Project, path: str, text: str, *, expected_id: str | None) -> WouldBe:
    would_be = check_would_be(project, path, text.encode("utf-8"))
    if would_be.item is None:
        raise InvalidEditError(
            f"{path}: the file would not hold an item; nothing was written", would_be
        )
    if expected_id is not None and would_be.item.id != expected_id:
        raise InvalidEditError(
            f"{path}: the id would change from {expected_id} to {would_be.item.id}; "
            "nothing was written",
            would_be,
        )
    if would_be.blocking:
        first = would_be.blocking[0]
        raise InvalidEditError(f"{first.location}: {first.message}; nothing was written", would_be)
    return would_be


def _commit(root: Path, path: str, old: bytes | None, author: Author, message: str) -> str:
    """Commit the written file; put the old contents back when git refuses."""
    try:
        return commit_files(root, [path], author=author, message=message)
    except MedtraceError:
        if old is None:
            (root / path).unlink(missing_ok=True)
        else:
            write_atomic(root / path, old)
        raise


def _read(root: Path, path: str) -> bytes | None:
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ProjectError(f"{path}: not a file of the project")
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ProjectError(f"{path}: cannot be read ({error.strerror})") from None


def _body(body: str) -> str:
    normal = body.replace("\r\n", "\n").replace("\r", "\n")
    return normal if not normal or normal.endswith("\n") else normal + "\n"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _normal(value: FieldText | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return tuple(v.strip() for v in value if v.strip())
    return (value.strip(),) if value.strip() else ()


def _yaml_value(value: FieldText | None) -> object:
    if isinstance(value, tuple):
        return [v.strip() for v in value if v.strip()]
    return (value or "").strip()


def opened_values(schema: Schema, opened: ItemFile) -> tuple[dict[str, FieldText], str]:
    """The front matter values and the body of an opened item file, as an editor holds them."""
    parsed = parse_item(opened.text.encode("utf-8"), opened.path, schema).item
    if parsed is None:
        raise ProjectError(f"{opened.path}: the file does not hold an item that can be edited")
    return current_values(parsed), parsed.body


def compose_edit(
    schema: Schema, path: str, base: str, values: Mapping[str, FieldText | None], body: str
) -> str:
    """The would-be file of an edit opened at the text ``base`` of the file ``path``."""
    parsed = parse_item(base.encode("utf-8"), path, schema).item
    return compose(parsed, base, values, body)


@dataclass(frozen=True, slots=True, kw_only=True)
class Merged:
    """Yours merged onto theirs key by key: ``values`` and ``body`` take theirs where you
    left the base as it was, and yours elsewhere; ``conflicts`` are the keys (``body``
    included) that both changed differently."""

    values: dict[str, FieldText | None]
    body: str
    conflicts: tuple[str, ...]
    theirs: dict[str, FieldText]


def merge_edit(
    schema: Schema, path: str, conflict: EditConflictError, values: Mapping[str, FieldText | None],
    body: str,
) -> Merged:  # fmt: skip
    """Merge an edit that met :class:`EditConflictError` onto the file as it is now."""
    base_item = parse_item(conflict.base.encode("utf-8"), path, schema).item
    theirs_item = (
        parse_item(conflict.theirs.encode("utf-8"), path, schema).item if conflict.theirs else None
    )
    base = current_values(base_item) if base_item else {}
    theirs = current_values(theirs_item) if theirs_item else {}
    merged: dict[str, FieldText | None] = {}
    conflicts = []
    for key, yours in values.items():
        if _normal(yours) == _normal(base.get(key)):
            merged[key] = theirs.get(key)
        else:
            merged[key] = yours
            if _normal(theirs.get(key)) not in (_normal(base.get(key)), _normal(yours)):
                conflicts.append(key)
    base_body = base_item.body if base_item else ""
    theirs_body = theirs_item.body if theirs_item else ""
    merged_body = theirs_body if _same(body, base_body) else body
    if (
        not _same(body, base_body)
        and not _same(theirs_body, base_body)
        and not _same(body, theirs_body)
    ):
        conflicts.append("body")
    return Merged(values=merged, body=merged_body, conflicts=tuple(conflicts), theirs=theirs)


def _same(one: str, other: str) -> bool:
    return one.replace("\r\n", "\n").strip() == other.replace("\r\n", "\n").strip()

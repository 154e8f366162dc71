"""What every import writes: new items, rendered as item files, created all or none.

A format's ``map`` module turns its records into :class:`NewItem` values;
:func:`write_new_items` checks each (a valid id, not the project's already, not
twice in the source, no file there already) and creates their files, all or
none: a failure writes nothing. What medtrace has no field for is kept in a
section of the item's body (:func:`body_section`) and reported as unmapped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from medtrace.errors import MedtraceError
from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.block_yaml import block_yaml
from medtrace.interchange.findings import DEVIATIONS
from medtrace.model import CONFIG_FILE, Finding, Severity
from medtrace.store.containment import inside
from medtrace.store.files import NewFiles, StagedFiles

LINK_ROLES = ("derived-from", "verifies", "implements")  # preferred role of an imported link
STATUSES = frozenset({"draft", "in-review", "approved", "obsolete"})  # medtrace's statuses


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    """An item to write: front matter values (fields and links) and a Markdown body."""

    id: str
    kind: str
    title: str
    body: str
    fields: tuple[tuple[str, object], ...] = ()
    links: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unmapped: tuple[str, ...] = ()  # source attributes kept in the body only
    source: str = ""  # where it came from, for the report


@dataclass(frozen=True, slots=True, kw_only=True)
class MigratedItem:
    id: str
    kind: str
    path: str
    links: int
    unmapped: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationReport:
    source: str
    created: tuple[MigratedItem, ...]
    warnings: tuple[Finding, ...]
    dry_run: bool
    skipped: tuple[str, ...] = ()  # ids the project has already: not written

    @property
    def links(self) -> int:
        return sum(item.links for item in self.created)


def body_section(name: str, values: Mapping[str, object]) -> str:
    """The body section ``## name`` an importer keeps what has no field in, as YAML."""
    dumped = block_yaml(dict(values))
    return (
        f"## {name}\n\nAttributes without a medtrace field, as imported:\n\n```yaml\n{dumped}```\n"
    )


def render_item(item: NewItem) -> str:
    """The text of an item file: YAML front matter, then the body."""
    front: dict[str, object] = {"id": item.id, "kind": item.kind, "title": item.title}
    front.update(item.fields)
    front.update({role: list(targets) for role, targets in item.links})
    dumped = block_yaml(front)
    body = item.body if not item.body or item.body.endswith("\n") else item.body + "\n"
    return f"---\n{dumped}---\n{body}"


def read_source(file: Path) -> bytes:
    """The bytes of a file to migrate; one that cannot be read stops the import."""
    try:
        return file.read_bytes()
    except OSError as error:
        raise MedtraceError(f"cannot read {file}: {error.strerror or error}") from error


def stop_on_errors(
    source: Path, findings: Sequence[Finding], joined: bool = True, *, strict: bool = False
) -> None:
    """Stop an import, before anything is written, on the first error of ``findings``
    (located in ``source``, a folder its paths are ``joined`` to, or a file); when
    ``strict``, on the first deviation from the format too (:data:`DEVIATIONS`)."""
    errors = [
        f for f in findings if f.severity is Severity.ERROR or (strict and f.code in DEVIATIONS)
    ]
    if errors:
        first = errors[0]
        where = first.location.path
        where = f"{source}/{where}" if joined and where else where or str(source)
        if first.location.line is not None:
            where = f"{where}:{first.location.line}"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise MedtraceError(f"{where}: {first.message}{more} (nothing was written)")


def _names_in(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()
    except NotADirectoryError as error:
        raise MedtraceError(f"{folder} is not a folder (nothing was written)") from error


def write_new_items(
    root: Path,
    base: str,
    folder: str,
    taken: set[str],
    new: Iterable[NewItem],
    source: str,
    findings: Sequence[Finding],
    dry_run: bool,
    files: NewFiles | None = None,
) -> MigrationReport:
    """Write the items ``new`` (each checked, rendered and handed to ``files`` as it
    comes: an iterator lets a large import map the next item while the files are
    created), all or none; ``files`` defaults to creating them in this process."""
    seen: set[str] = set()
    inside(root, base, f"{CONFIG_FILE} [project] paths")
    prefix = "" if PurePosixPath(base) == PurePosixPath(".") else f"{PurePosixPath(base)}/"
    existing: dict[str, set[str]] = {}  # folder -> its file names, listed once
    created: list[MigratedItem] = []
    top = str(root)
    with files if files is not None else StagedFiles() as staged:
        try:
            for item in new:
                if item.id in taken:
                    raise MedtraceError(
                        f"{item.id} is already an item of the project (nothing was written)"
                    )
                if item.id in seen:
                    raise MedtraceError(
                        f"{item.id} appears twice in {source} (nothing was written)"
                    )
                if not ID_PATTERN.match(item.id):
                    raise MedtraceError(
                        f"{item.source or source}: id {item.id[:80]!r} is not a valid medtrace "
                        "id (nothing was written)",
                        hint="an id starts with a letter and holds letters, digits, '.', '_' "
                        "or '-'",
                    )
                seen.add(item.id)
                where = f"{prefix}{folder}/{item.kind}"
                names = existing.get(where)
                if names is None:
                    names = existing[where] = _names_in(inside(root, where, "the import folder"))
                relative = f"{where}/{item.id}.md"
                if f"{item.id}.md" in names:
                    raise MedtraceError(f"{relative} exists already; an import never overwrites")
                if not dry_run:
                    staged.add(os.path.join(top, relative), render_item(item).encode("utf-8"))
                created.append(
                    MigratedItem(
                        id=item.id,
                        kind=item.kind,
                        path=relative,
                        links=sum(len(targets) for _, targets in item.links),
                        unmapped=item.unmapped,
                        source=item.source,
                    )
                )
            if not dry_run:
                staged.finish()
        except OSError as error:  # a full disk, a folder without write permission
            reason = error.strerror or " ".join(str(error).split())
            failed = error.filename or str(root)
            raise MedtraceError(
                f"cannot write the new items under {root}: {failed}: {reason} (nothing was written)"
            ) from error
    return MigrationReport(
        source=source, created=tuple(created), warnings=tuple(findings), dry_run=dry_run
    )

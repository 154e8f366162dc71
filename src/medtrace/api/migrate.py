"""Migration: import the items of another requirements tool into a project.

An import writes new item files only: it never overwrites a file and never
reuses an id the project has. Everything is read and checked before the
first file is written, so a failure writes nothing. What medtrace has no
field for is kept in a section of the item's body and reported as unmapped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from medtrace.api.load import LoadOptions, load_project
from medtrace.errors import MedtraceError
from medtrace.export.block_yaml import block_yaml
from medtrace.ingest.doorstop import DoorstopTree, parse_doorstop
from medtrace.ingest.needs import Need, parse_needs
from medtrace.model import Finding, Severity, SourceLocation
from medtrace.model.schema import Schema
from medtrace.store.files import NewFiles, StagedFiles

LINK_ROLES = ("derived-from", "verifies", "implements")  # preferred role of an imported link
NEEDS_KINDS = {
    "req": "software-requirement",
    "spec": "software-requirement",
    "test": "test-case",
    "impl": "software-unit",
}
NEEDS_DEFAULT_KIND = "software-requirement"
NEEDS_STATUSES = frozenset({"draft", "in-review", "approved", "obsolete"})


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


def import_doorstop(
    start: Path,
    source_dir: Path,
    dry_run: bool = False,
    kinds: Mapping[str, str] | None = None,
    *,
    options: LoadOptions | None = None,
) -> MigrationReport:
    """Import the Doorstop tree in ``source_dir``: each item becomes an item of the
    kind its document maps to (``kinds``: prefix -> kind; default: the top document
    system-requirement, the others software-requirement), id its UID, its links
    derived-from links; its other attributes go to a ``doorstop`` body section."""
    if not source_dir.is_dir():
        raise MedtraceError(f"{source_dir} is not a folder")
    files = {
        path.relative_to(source_dir).as_posix(): path.read_bytes()
        for path in sorted(source_dir.rglob("*"))
        if path.is_file() and path.name.endswith(".yml")
    }
    tree, findings = parse_doorstop(files)
    stop_on_errors(source_dir, findings)
    project = load_project(start, options)
    new = doorstop_items(tree, project.config.schema, kinds)
    return write_new_items(
        Path(project.root),
        project.config.paths[0],
        "doorstop",
        {item.id for item in project.items},
        new,
        str(source_dir),
        findings,
        dry_run,
    )


def doorstop_items(
    tree: DoorstopTree, schema: Schema, kinds: Mapping[str, str] | None = None
) -> list[NewItem]:
    """The medtrace items of a Doorstop tree (see :func:`import_doorstop`)."""
    documents = {d.prefix: d for d in tree.documents}
    kind_of: dict[str, str] = {}
    for prefix, document in documents.items():
        default = "system-requirement" if document.parent is None else "software-requirement"
        kind_of[prefix] = (kinds or {}).get(prefix, default)
    new: list[NewItem] = []
    for item in tree.items:
        kind = kind_of[item.document]
        section = body_section("doorstop", {"document": item.document, **dict(item.extra)})
        body = item.text.rstrip("\n")
        new.append(
            NewItem(
                id=item.uid,
                kind=kind,
                title=item.title,
                body=f"{body}\n\n{section}" if body else section,
                links=((_link_role(schema, kind), item.links),) if item.links else (),
                unmapped=tuple(name for name, _ in item.extra),
                source=item.path,
            )
        )
    return new


def import_needs(
    start: Path,
    file: Path,
    dry_run: bool = False,
    kinds: Mapping[str, str] | None = None,
    *,
    options: LoadOptions | None = None,
) -> MigrationReport:
    """Import the needs of a sphinx-needs ``needs.json``: each need becomes an item of
    the kind its type maps to (``kinds`` over :data:`NEEDS_KINDS`; other types
    software-requirement), id its id, title its title, body its content (or
    description), tags its tags, status when it is a medtrace status. A link
    becomes the first of derived-from, verifies, implements, part-of that the kind
    may hold to the target's kind; one that fits none, or whose target is
    nowhere, is kept in the ``sphinx-needs`` body section with a warning
    (``migrate/link-unmapped``). The other attributes go to that section."""
    data = read_source(file)
    needs, findings = parse_needs(data, str(file))
    stop_on_errors(file, findings, joined=False)
    project = load_project(start, options)
    schema = project.config.schema
    table = {**NEEDS_KINDS, **(kinds or {})}
    kind_of = {need.id: table.get(need.type, NEEDS_DEFAULT_KIND) for need in needs}
    kind_of_existing = {item.id: item.kind for item in project.items}
    warnings = list(findings)
    new = [
        _need_item(need, schema, kind_of, kind_of_existing, str(file), warnings) for need in needs
    ]
    return write_new_items(
        Path(project.root),
        project.config.paths[0],
        "sphinx-needs",
        set(kind_of_existing),
        new,
        str(file),
        warnings,
        dry_run,
    )


def _need_item(
    need: Need,
    schema: Schema,
    kind_of: Mapping[str, str],
    existing: Mapping[str, str],
    source: str,
    warnings: list[Finding],
) -> NewItem:
    kind = kind_of[need.id]
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="name a kind of medtrace.toml")
    links: dict[str, list[str]] = {}
    unmapped_links: dict[str, list[str]] = {}
    for field, targets in need.links:
        for target in targets:
            target_kind = kind_of.get(target) or existing.get(target)
            role = next(
                (
                    r
                    for r in (*LINK_ROLES, "part-of")
                    if r in spec.links
                    and target_kind is not None
                    and target_kind in schema.links[r].targets
                ),
                None,
            )
            if role is None:
                unmapped_links.setdefault(field, []).append(target)
                why = "is no item" if target_kind is None else f"is a {target_kind}"
                warnings.append(
                    Finding(
                        code="migrate/link-unmapped",
                        severity=Severity.WARNING,
                        message=f"{need.id} {field} -> {target}: the target {why}; "
                        "kept in the body only",
                        location=SourceLocation(path=source),
                        item=need.id,
                    )
                )
            elif target not in links.setdefault(role, []):
                links[role].append(target)
    extra: dict[str, object] = {"type": need.type, **dict(need.extra)}
    fields: list[tuple[str, object]] = []
    if need.tags:
        fields.append(("tags", list(need.tags)))
    if need.status in NEEDS_STATUSES:
        fields.append(("status", need.status))
    elif need.status:
        extra["status"] = need.status
    if unmapped_links:
        extra["unmapped-links"] = unmapped_links
    section = body_section("sphinx-needs", extra)
    body = need.body.rstrip("\n")
    return NewItem(
        id=need.id,
        kind=kind,
        title=need.title.strip().splitlines()[0] if need.title.strip() else need.id,
        body=f"{body}\n\n{section}" if body else section,
        fields=tuple(fields),
        links=tuple((role, tuple(targets)) for role, targets in links.items() if targets),
        unmapped=tuple(extra),
        source=need.id,
    )


def _link_role(schema: Schema, kind: str) -> str:
    spec = schema.kinds.get(kind)
    if spec is None:
        raise MedtraceError(f"kind {kind!r} is not known", hint="name a kind of medtrace.toml")
    for role in LINK_ROLES:
        if role in spec.links:
            return role
    raise MedtraceError(
        f"a {kind} holds none of the links {', '.join(LINK_ROLES)}; its links cannot be imported",
        hint="map the document to a requirement kind",
    )


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


def stop_on_errors(source: Path, findings: Sequence[Finding], joined: bool = True) -> None:
    """Stop an import, before anything is written, on the first error of ``findings``
    (located in ``source``, a folder its paths are ``joined`` to, or a file)."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
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
                seen.add(item.id)
                where = f"{prefix}{folder}/{item.kind}"
                names = existing.get(where)
                if names is None:
                    names = existing[where] = _names_in(root / where)
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
            reason = " ".join(str(error).split())
            raise MedtraceError(
                f"cannot write the new items under {root}: {reason} (nothing was written)"
            ) from error
    return MigrationReport(
        source=source, created=tuple(created), warnings=tuple(findings), dry_run=dry_run
    )

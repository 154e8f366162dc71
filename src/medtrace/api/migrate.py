"""Migration: bring the items of another tool into a project, and give them back.

Each operation reads its source (:mod:`medtrace.interchange`: one package per
format, holding its ``read``, ``map`` and ``write``), loads the project, maps
the source's records to new items and writes them (all or none, never over a
file or an id the project has: :func:`medtrace.interchange.items.write_new_items`).
Everything is read and checked before the first file is written, so a failure
writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from medtrace.api.load import LoadOptions, load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError
from medtrace.graph import TraceGraph
from medtrace.interchange.doorstop.map import doorstop_items
from medtrace.interchange.doorstop.read import ITEM_SUFFIXES, parse_doorstop
from medtrace.interchange.findings import NOT_IMPORTED, migrate_warning
from medtrace.interchange.items import (
    MigrationReport,
    read_source,
    stop_on_errors,
    write_new_items,
)
from medtrace.interchange.needs.map import needs_items
from medtrace.interchange.needs.read import parse_needs
from medtrace.interchange.rdm.map import FOLDER as RDM_FOLDER
from medtrace.interchange.rdm.map import rdm_items, rdm_warnings, relocated
from medtrace.interchange.rdm.read import KNOWN_FILES, parse_rdm
from medtrace.interchange.reqif.map import ReqifMapper
from medtrace.interchange.reqif.read import parse_reqif
from medtrace.interchange.reqif.schema import validate_reqif
from medtrace.interchange.reqif.write import EPOCH, reqif_bytes
from medtrace.interchange.strictdoc.map import FOLDER as STRICTDOC_FOLDER
from medtrace.interchange.strictdoc.map import StrictdocReport, left_out_nodes, strictdoc_items
from medtrace.interchange.strictdoc.read import parse_sdoc
from medtrace.interchange.strictdoc.records import SdocDocument
from medtrace.interchange.tables.map import table_items, table_rows
from medtrace.interchange.tables.read import read_table, table_format
from medtrace.interchange.tables.write import table_bytes
from medtrace.model import Finding
from medtrace.store.collector import collector_paused
from medtrace.store.files import NewFiles, StagedFiles, write_atomic
from medtrace.store.git import GitError, GitRepository
from medtrace.store.writer_process import BackgroundFiles

BACKGROUND_BYTES = 1 << 20  # a ReqIF file this large has its items created by a helper process
TABLE_FOLDER = "imported"  # where a table's items are written, below the first path


def import_reqif(
    start: Path,
    file: Path,
    dry_run: bool = False,
    *,
    strict: bool = False,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> MigrationReport:
    """Create an item per spec object of the ReqIF file ``file`` (.reqif or .reqifz);
    see :mod:`medtrace.interchange.reqif.map` for the mapping. A file that is not
    ReqIF is refused and nothing is written; one that names objects it does not hold
    is imported with a warning for each (refused too when ``strict``)."""
    data = read_source(file)
    with collector_paused(), _new_files(len(data), dry_run) as files:  # (see _new_files)
        trees: list[object] = []  # freed once the last item is mapped (ReqifMapper.items)
        document, findings = parse_reqif(data, str(file), keep=trees, strict=strict)
        stop_on_errors(file, findings, joined=False)
        assert document is not None
        with project_writer(start, on_wait=on_wait, dry_run=dry_run):
            project = load_project(start, options)
            config = project.config
            taken = {item.id for item in project.items}
            mapper = ReqifMapper(config.schema, config.reqif, taken, str(file))
            drafts = mapper.prepare(document)
            return write_new_items(
                Path(project.root),
                config.paths[0],
                config.reqif.folder,
                taken,
                mapper.items(drafts, trees),
                str(file),
                [*findings, *mapper.warnings],
                dry_run,
                files,
            )


def _new_files(size: int, dry_run: bool) -> NewFiles:
    """Where the items of a file of ``size`` bytes are created: for a large file, a
    helper process started now (before the file is parsed), which creates each item
    file as soon as it is mapped and rendered; the garbage collector is paused
    meanwhile (objects by the 100,000, none in a cycle). A frozen medtrace (a single
    executable) has no interpreter to start the helper with."""
    if size >= BACKGROUND_BYTES and not dry_run and not getattr(sys, "frozen", False):
        try:
            return BackgroundFiles()
        except OSError:  # no interpreter to start: create them in this process
            pass
    return StagedFiles()


def export_reqif(
    start: Path, out: Path, *, kinds: Sequence[str] = (), options: LoadOptions | None = None
) -> int:
    """Write the project's items (only those of ``kinds`` when given) as a ReqIF 1.2
    file to ``out``; returns how many. Its time stamps are the date of the commit
    checked out (the Unix epoch outside git), so the same commit gives the same bytes."""
    project = load_project(start, options)
    schema = project.config.schema
    unknown = [kind for kind in kinds if kind not in schema.kinds]
    if unknown:
        raise MedtraceError(
            f"unknown kind {unknown[0]!r}", hint=f"the kinds are {', '.join(schema.kinds)}"
        )
    items = [
        item
        for item in project.items
        if item.kind in schema.kinds and (not kinds or item.kind in kinds)
    ]
    data = reqif_bytes(
        items, schema, title=project.config.name, timestamp=_commit_time(Path(project.root))
    )
    problems = validate_reqif(data)
    if problems:  # a fault of medtrace's, never of the project: nothing is written
        raise MedtraceError(
            f"the ReqIF written for {out} breaks the ReqIF 1.2 schema ({problems[0]}); "
            "nothing was written",
            hint="please report this with the item named",
        )
    write_atomic(out, data)
    return len(items)


def _commit_time(root: Path) -> dt.datetime:
    try:
        repository = GitRepository.containing(root)
        return dt.datetime.fromisoformat(repository.commit_date("HEAD"))
    except (GitError, ValueError):
        return EPOCH


def import_doorstop(
    start: Path,
    source_dir: Path,
    dry_run: bool = False,
    kinds: Mapping[str, str] | None = None,
    *,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> MigrationReport:
    """Import the Doorstop tree in ``source_dir`` (see
    :mod:`medtrace.interchange.doorstop.map`; ``kinds`` maps a document prefix to a
    kind)."""
    if not source_dir.is_dir():
        raise MedtraceError(f"{source_dir} is not a folder")
    files = {
        path.relative_to(source_dir).as_posix(): path.read_bytes()
        for path in sorted(source_dir.rglob("*"))
        if path.is_file() and path.name.endswith(ITEM_SUFFIXES)
    }
    tree, findings = parse_doorstop(files)
    stop_on_errors(source_dir, findings)
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
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


def import_needs(
    start: Path,
    file: Path,
    dry_run: bool = False,
    kinds: Mapping[str, str] | None = None,
    *,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> MigrationReport:
    """Import the needs of a sphinx-needs ``needs.json`` (see
    :mod:`medtrace.interchange.needs.map`; ``kinds`` maps a need type to a kind)."""
    data = read_source(file)
    needs, findings = parse_needs(data, str(file))
    stop_on_errors(file, findings, joined=False)
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        existing = {item.id: item.kind for item in project.items}
        warnings = list(findings)
        new = needs_items(needs, project.config.schema, kinds, existing, str(file), warnings)
        return write_new_items(
            Path(project.root),
            project.config.paths[0],
            "sphinx-needs",
            set(existing),
            new,
            str(file),
            warnings,
            dry_run,
        )


def import_strictdoc(
    start: Path,
    files: Sequence[Path],
    dry_run: bool = False,
    kinds: Mapping[str, str] | None = None,
    *,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> StrictdocReport:
    """Import the ``.sdoc`` documents ``files`` (see
    :mod:`medtrace.interchange.strictdoc.map`). ``kinds`` maps an element tag, a file
    name or a document ``PREFIX`` to a kind, in that order; the default is
    system-requirement for a document marked ``ROOT: True`` or without ``Parent``
    relations, software-requirement for the others."""
    if not files:
        raise MedtraceError("no .sdoc file to import", hint="name one or more .sdoc files")
    documents: list[SdocDocument] = []
    for file in files:
        document, findings = parse_sdoc(read_source(file), str(file))
        if document is None:
            first = findings[0]  # the reader's one finding: the file and line that broke
            raise MedtraceError(f"{first.location}: {first.message} (nothing was written)")
        documents.append(document)
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        existing = {item.id: item.kind for item in project.items}
        warnings: list[Finding] = []
        new = strictdoc_items(documents, project.config.schema, kinds, existing, warnings)
        report = write_new_items(
            Path(project.root),
            project.config.paths[0],
            STRICTDOC_FOLDER,
            set(existing),
            new,
            ", ".join(str(file) for file in files),
            warnings,
            dry_run,
        )
        values = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
        return StrictdocReport(**values, not_imported=left_out_nodes(documents))


def import_rdm(
    start: Path,
    source_dir: Path,
    dry_run: bool = False,
    *,
    strict: bool = False,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> MigrationReport:
    """Import the RDM project in ``source_dir`` (its root, or its ``data`` folder)
    into the project at or above ``start`` (see :mod:`medtrace.interchange.rdm.map`
    for the mapping). The files are written below ``<first path>/rdm/<kind>/``;
    nothing is written when a data file is broken, an id is taken or a file exists."""
    if not source_dir.is_dir():
        raise MedtraceError(f"{source_dir} is not a folder")
    data_dir = source_dir / "data" if (source_dir / "data").is_dir() else source_dir
    prefix = "data/" if data_dir != source_dir else ""
    # Only the known files are read; the others (folders too) are named in a warning.
    files = {
        f"{path.name}/" if path.is_dir() else path.name: _rdm_file(path)
        for path in sorted(data_dir.iterdir())
        if not path.name.startswith(".")
    }
    if not files:
        raise MedtraceError(f"{source_dir} holds no RDM data files", hint="name RDM's data folder")
    data, findings = parse_rdm(files)
    findings = tuple(relocated(f, prefix) for f in findings)
    stop_on_errors(source_dir, findings, strict=strict)
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        new = rdm_items(data, project.config.schema)
        warnings = [
            *findings,
            *(relocated(f, prefix) for f in rdm_warnings(data)),
            *_beside_data(source_dir, data_dir),
        ]
        return write_new_items(
            Path(project.root),
            project.config.paths[0],
            RDM_FOLDER,
            {item.id for item in project.items},
            new,
            str(source_dir),
            warnings,
            dry_run,
        )


def _rdm_file(path: Path) -> bytes:
    if path.name not in KNOWN_FILES or not path.is_file():
        return b""
    return read_source(path)


def _beside_data(source_dir: Path, data_dir: Path) -> list[Finding]:
    """A warning for each entry of the RDM root beside ``data/``: none is imported."""
    if data_dir == source_dir:
        return []
    found: list[Finding] = []
    for path in sorted(source_dir.iterdir()):
        if path == data_dir or path.name.startswith("."):
            continue
        what = "RDM's document templates" if path.name == "documents" else "not RDM data"
        message = f"{path.name}{'/' if path.is_dir() else ''}: {what}; not imported"
        found.append(migrate_warning(NOT_IMPORTED, path.name, message))
    return found


def export_table(start: Path, kind: str, path: Path, *, options: LoadOptions | None = None) -> int:
    """Write the items of ``kind`` to ``path`` (.csv or .xlsx); returns how many."""
    table_format(path)
    project = load_project(start, options)
    schema = project.config.schema
    items = list(TraceGraph(project.items, schema).of_kind(kind))
    rows = table_rows(items, kind, schema)
    write_atomic(path, table_bytes(path, rows))
    return len(items)


def import_table(
    start: Path,
    kind: str,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    *,
    options: LoadOptions | None = None,
    on_wait: OnWait | None = None,
) -> MigrationReport:
    """Create an item of ``kind`` per row of the table at ``path`` (see
    :mod:`medtrace.interchange.tables.map`); a row whose id the project has is
    skipped and reported."""
    rows = read_table(path)
    if not rows:
        raise MedtraceError(f"{path} has no header row")
    with project_writer(start, on_wait=on_wait, dry_run=dry_run):
        project = load_project(start, options)
        schema = project.config.schema
        taken = {item.id for item in project.items}
        new, skipped = table_items(rows, kind, schema, taken, path, mapping)
        report = write_new_items(
            Path(project.root),
            project.config.paths[0],
            TABLE_FOLDER,
            taken,
            new,
            str(path),
            (),
            dry_run,
        )
        return dataclasses.replace(report, skipped=tuple(skipped))

"""Load a project: configuration, item files (through the parse cache), findings.

:func:`open_project` brings the parse cache up to date with the files (cold
loads of many files parse in worker processes) and hands it over; callers
then read what they need from it: the light index for ``check``, the full
items for everything else. Either way the result equals a cold run's.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from medtrace.api.discover import discover, find_root
from medtrace.errors import ProjectError, StoreError
from medtrace.graph.fingerprint import own_fingerprint
from medtrace.ingest import parse_config, parse_item
from medtrace.ingest.reviews import parse_reviews
from medtrace.model import (
    CONFIG_FILE,
    Finding,
    ItemRow,
    LinkRow,
    ParsedFile,
    Project,
    ProjectConfig,
    Severity,
    SourceLocation,
)
from medtrace.model.review import REVIEWS_FILE, Review
from medtrace.store import FileStamp, FreshFile, ParseCache, fresh_file
from medtrace.store.containment import check_settings

# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
_CHUNK = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadOptions:
    """How to load: ``use_cache`` off keeps the cache in memory (a cold parse every
    time); ``jobs`` caps the worker processes."""

    use_cache: bool = True
    jobs: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    """The files parsed again or forgotten in this run, with their index rows before and after."""

    paths: frozenset[str]
    before: tuple[tuple[ItemRow, ...], tuple[LinkRow, ...]]
    after: tuple[tuple[ItemRow, ...], tuple[LinkRow, ...]]
    complete: bool  # every file was parsed in this run: ``after`` is the whole index


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenProject:
    """A project whose parse cache matches its files, for the length of a ``with``.

    ``memo`` holds what the cache remembered from the last run, valid for the
    files as they were *before* ``changes``.
    """

    root: Path
    config: ProjectConfig
    config_bytes: bytes
    diagnostics: tuple[Finding, ...]  # about medtrace.toml and the item paths
    cache: ParseCache
    changes: Changes
    memo: Mapping[str, tuple[Finding, ...]]

    @property
    def changed(self) -> int:
        """How many files were parsed again or forgotten in this run."""
        return len(self.changes.paths)


@contextlib.contextmanager
def open_project(start: Path, options: LoadOptions | None = None) -> Iterator[OpenProject]:
    """Find the project at or above ``start`` and bring its parse cache up to date."""
    options = options or LoadOptions()
    root = find_root(start)
    config_path = root / CONFIG_FILE
    try:
        config_bytes = config_path.read_bytes()
    except OSError as error:
        raise ProjectError(f"{config_path}: cannot be read ({error.strerror})") from None
    config, config_findings = parse_config(config_bytes)
    check_settings(root, config)
    files, path_findings = discover(root, config)
    cache = ParseCache(root if options.use_cache else None, config.digest)
    try:
        try:
            memo, changes = _refresh(cache, root, files, config_bytes, config, options)
        except StoreError:
            # The cache on disk failed mid-way (locked by another process, disk full):
            # carry on with a fresh one in memory, which cannot fail that way.
            cache.close()
            cache = ParseCache(None, config.digest)
            memo, changes = _refresh(cache, root, files, config_bytes, config, options)
        yield OpenProject(
            root=root,
            config=config,
            config_bytes=config_bytes,
            diagnostics=(*config_findings, *path_findings),
            cache=cache,
            changes=changes,
            memo=memo,
        )
    finally:
        cache.close()


def _refresh(
    cache: ParseCache,
    root: Path,
    files: dict[str, FileStamp],
    config_bytes: bytes,
    config: ProjectConfig,
    options: LoadOptions,
) -> tuple[dict[str, tuple[Finding, ...]], Changes]:
    """Parse what changed since the cache last saw the files, and record it."""
    known = cache.stamps()
    stale = sorted(path for path, stamp in files.items() if known.get(path) != stamp)
    removed = [path for path in known if path not in files]
    memo = cache.memos()
    forget = [*removed, *(path for path in stale if path in known)]
    before = cache.rows_of(forget)
    fresh: list[FreshFile] = []

    def batches() -> Iterator[list[FreshFile]]:
        for batch in _parse(root, stale, files, config_bytes, config, options.jobs):
            fresh.extend(batch)
            yield batch

    cache.update(batches(), forget, time.time_ns())
    changes = Changes(
        paths=frozenset((*stale, *removed)),
        before=(tuple(before[0]), tuple(before[1])),
        after=(
            tuple(f.item for f in fresh if f.item is not None),
            tuple(link for f in fresh for link in f.links),
        ),
        complete=not known,
    )
    return memo, changes


def load_project(start: Path, options: LoadOptions | None = None) -> Project:
    """Load the project at or above ``start`` with all its items, sorted by path."""
    with open_project(start, options) as opened:
        parsed = sorted(opened.cache.parsed().items())
    diagnostics = list(opened.diagnostics)
    for _, result in parsed:
        diagnostics.extend(result.findings)
    reviews, problems = _reviews(opened.root)
    return Project(
        root=str(opened.root),
        config=opened.config,
        items=tuple(result.item for _, result in parsed if result.item is not None),
        diagnostics=(*diagnostics, *problems),
        files=sum(1 for _, result in parsed if result.is_item),
        reviews=reviews,
    )


def read_reviews_file(root: Path) -> bytes:
    """The bytes of the project's review stamps file, or nothing when it has none."""
    try:
        return (root / REVIEWS_FILE).read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as error:
        raise ProjectError(f"{root / REVIEWS_FILE}: cannot be read ({error.strerror})") from None


def _reviews(root: Path) -> tuple[tuple[Review, ...], tuple[Finding, ...]]:
    data = read_reviews_file(root)
    return parse_reviews(data) if data else ((), ())


def _parse(
    root: Path,
    paths: list[str],
    files: dict[str, FileStamp],
    config_bytes: bytes,
    config: ProjectConfig,
    jobs: int | None,
) -> Iterator[list[FreshFile]]:
    """Parse ``paths``, yielding batches in path order as they are done."""
    workers = min(jobs or os.cpu_count() or 1, 8)
    if workers < 2 or len(paths) < PARALLEL_MIN_FILES:
        yield [fresh_file(p, files[p], _parse_file(root, p, config)) for p in paths]
        return
    chunks = [
        [(path, files[path]) for path in paths[start : start + _CHUNK]]
        for start in range(0, len(paths), _CHUNK)
    ]
    # Imported here, not at the top: most runs never start workers, and the
    # module is a tenth of the command's start-up time.
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, _worker_start, (str(root), config_bytes)) as pool:
        yield from pool.imap(_worker_parse, chunks)


def _parse_file(root: Path, path: str, config: ProjectConfig) -> ParsedFile:
    """Parse one file, with its item's own fingerprint (kept in the cache with it)."""
    try:
        data = (root / path).read_bytes()
    except OSError as error:
        finding = Finding(
            code="file/unreadable",
            severity=Severity.ERROR,
            message=f"cannot be read ({error.strerror})",
            location=SourceLocation(path=path),
        )
        return ParsedFile(item=None, findings=(finding,))
    return with_fingerprint(parse_item(data, path, config.schema), config)


def with_fingerprint(parsed: ParsedFile, config: ProjectConfig) -> ParsedFile:
    """``parsed`` with its item's own fingerprint under ``config``'s ignore-fields."""
    if parsed.item is None:
        return parsed
    return replace(parsed, fingerprint=own_fingerprint(parsed.item, config.non_normative))


# State of a worker process: set once by the pool initializer, read by its tasks.
_worker: dict[str, object] = {}


def _worker_start(root: str, config_bytes: bytes) -> None:
    _worker["root"] = Path(root)
    _worker["config"] = parse_config(config_bytes)[0]


def _worker_parse(chunk: list[tuple[str, FileStamp]]) -> list[FreshFile]:
    root = _worker["root"]
    config = _worker["config"]
    assert isinstance(root, Path)
    assert isinstance(config, ProjectConfig)
    return [fresh_file(path, stamp, _parse_file(root, path, config)) for path, stamp in chunk]

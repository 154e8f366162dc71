"""The parse cache: per file, its stamp, its encoded parse result and its index rows.

A re-check reparses only files whose size or modification time changed, and
can run the structural checks from the index rows without rebuilding items.
The cache is keyed by the medtrace version, the codec format and the digest
of ``medtrace.toml``; a mismatch or a corrupt database starts it afresh, and
an unwritable folder makes it live in memory for the run: the cache can
never change a result, only its speed.
"""

from __future__ import annotations

import functools
import marshal
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from medtrace import __version__
from medtrace.errors import StoreError
from medtrace.model import CACHE_DIR, Finding, ItemRow, LinkRow, ParsedFile
from medtrace.store import codec

CACHE_FILE = "cache.sqlite"
# A file modified this close to the moment we record it may change again within
# the same mtime tick without its stamp changing; such entries are re-parsed.
_RACY_NS = 2_000_000_000
_Method = TypeVar("_Method", bound=Callable[..., Any])
_TABLES = ("meta", "files", "items", "links", "memo", "notes", "history")
_BATCH = 500
# How long to wait for another medtrace process that is writing the cache.
BUSY_TIMEOUT_S = 5.0  # host parameters per query, well below SQLite's limit


# (size in bytes, modification time in ns): a plain tuple, compared by value.
FileStamp = tuple[int, int]


class FreshFile(NamedTuple):
    """A file just parsed: what the cache records for it (a tuple: cheap to pass between
    worker processes)."""

    path: str
    stamp: FileStamp
    blob: bytes  # codec.encode of the ParsedFile
    findings: bytes | None  # codec.encode_findings of its findings
    is_item: bool
    item: ItemRow | None
    links: tuple[LinkRow, ...]


def fresh_file(path: str, stamp: FileStamp, parsed: ParsedFile) -> FreshFile:
    item = parsed.item
    return FreshFile(
        path=path,
        stamp=stamp,
        blob=codec.encode(parsed),
        findings=codec.encode_findings(parsed.findings),
        is_item=parsed.is_item,
        item=(path, item.id, item.kind, item.source.line) if item is not None else None,
        links=tuple((path, ln.role, ln.target, ln.line) for ln in item.links) if item else (),
    )


def _guarded(method: _Method) -> _Method:
    """Turn SQLite's errors (locked, disk full, I/O) into :class:`StoreError`."""

    @functools.wraps(method)
    def guarded(self: ParseCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise StoreError(f"the cache in {CACHE_DIR}/ failed: {error}") from error

    return cast(_Method, guarded)


class ParseCache:
    """Parse results of a project's files, valid while their stamps are unchanged.

    Every method raises :class:`StoreError` when SQLite fails under it.
    """

    def __init__(self, root: Path | None, config_digest: str) -> None:
        self._key = f"{__version__}/{codec.FORMAT}/{config_digest}"
        self._db = _open(root / CACHE_DIR if root is not None else None)
        self._prepare()

    def _prepare(self) -> None:
        schema = resources.files("medtrace.store").joinpath("schema.sql").read_text("utf-8")
        try:
            if self._stored_key() != self._key:
                with self._db:
                    for table in _TABLES:
                        self._db.execute(f"DROP TABLE IF EXISTS {table}")
            self._db.executescript(schema)
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self._key,))
        except sqlite3.Error:
            self._db.close()
            self._db = _open(None)
            self._db.executescript(schema)

    def _stored_key(self) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row is not None else None

    @_guarded
    def stamps(self) -> dict[str, FileStamp]:
        rows = self._db.execute("SELECT path, size, mtime_ns FROM files").fetchall()
        return {path: (size, mtime) for path, size, mtime in rows}

    @_guarded
    def update(
        self, fresh: Iterable[Sequence[FreshFile]], forget: Iterable[str], now_ns: int
    ) -> None:
        """In one transaction: drop the rows of the ``forget`` paths, then record the
        ``fresh`` files, a batch at a time (batches may still be arriving from workers)."""
        with self._db:
            gone = [(path,) for path in forget]
            for table in ("files", "items", "links"):
                self._db.executemany(f"DELETE FROM {table} WHERE path = ?", gone)
            changed = bool(gone)
            for batch in fresh:
                changed = changed or bool(batch)
                self._insert(batch, now_ns)
            if changed:  # what was remembered was about the files as they were
                self._db.execute("DELETE FROM memo")
                self._db.execute("DELETE FROM notes")

    def _insert(self, batch: Sequence[FreshFile], now_ns: int) -> None:
        files = [
            (
                f.path,
                f.stamp[0] if now_ns - f.stamp[1] > _RACY_NS else -1,
                f.stamp[1],
                f.blob,
                f.findings,
                f.is_item,
            )
            for f in batch
        ]
        items = [f.item for f in batch if f.item is not None]
        links = [(path, seq, *rest) for f in batch for seq, (path, *rest) in enumerate(f.links)]
        self._db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", files)
        self._db.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", items)
        self._db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?)", links)

    @_guarded
    def findings(self) -> list[Finding]:
        """The findings of reading every file (most files have none)."""
        rows = self._db.execute(
            "SELECT path, findings FROM files WHERE findings IS NOT NULL"
        ).fetchall()
        return [finding for path, blob in rows for finding in codec.decode_findings(blob, path)]

    @_guarded
    def index(self) -> tuple[list[ItemRow], list[LinkRow]]:
        """Index rows of every item and link, links in file order."""
        items = self._db.execute("SELECT path, id, kind, line FROM items").fetchall()
        links = self._db.execute(
            "SELECT path, role, target, line FROM links ORDER BY path, seq"
        ).fetchall()
        return items, links

    @_guarded
    def memos(self) -> dict[str, tuple[Finding, ...]]:
        """Findings remembered by key, valid for the files as the cache last recorded them.

        Read them before :meth:`update`, which forgets them.
        """
        rows = self._db.execute("SELECT key, value FROM memo").fetchall()
        return {key: codec.decode_located(blob) for key, blob in rows}

    @_guarded
    def remember(self, key: str, findings: Sequence[Finding]) -> None:
        """Store findings derived from the whole index, until the files next change."""
        blob = codec.encode_located(findings)
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?)", (key, blob))

    @_guarded
    def note(self, key: str) -> str | None:
        """A fact derived from the item files, remembered until they next change."""
        row = self._db.execute("SELECT value FROM notes WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row is not None else None

    @_guarded
    def set_note(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?)", (key, value))

    @_guarded
    def rows_of(self, paths: Iterable[str]) -> tuple[list[ItemRow], list[LinkRow]]:
        """Index rows of the files at ``paths`` (links in file order)."""
        items = self._select_in("SELECT path, id, kind, line FROM items WHERE path IN", paths)
        links = self._select_in(
            "SELECT path, role, target, line FROM links WHERE path IN", paths, " ORDER BY path, seq"
        )
        return items, links

    @_guarded
    def items_with_ids(self, ids: Iterable[str]) -> list[ItemRow]:
        """Index rows of every item whose id is in ``ids`` (duplicates included)."""
        return self._select_in("SELECT path, id, kind, line FROM items WHERE id IN", ids)

    def _select_in(self, query: str, values: Iterable[str], order: str = "") -> list[Any]:
        """Rows of ``query (?, ?, ...) order`` for the sorted ``values``, in batches."""
        wanted = sorted(set(values))
        rows: list[Any] = []
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            rows += self._db.execute(f"{query} ({marks}){order}", batch).fetchall()
        return rows

    @_guarded
    def parsed(self) -> dict[str, ParsedFile]:
        """Every file's full parse result."""
        rows = self._db.execute("SELECT path, result FROM files").fetchall()
        return {path: codec.decode(blob, path) for path, blob in rows}

    @_guarded
    def parsed_of(self, paths: Iterable[str]) -> dict[str, ParsedFile]:
        """The full parse results of the files at ``paths`` (those the cache holds)."""
        rows = self._select_in("SELECT path, result FROM files WHERE path IN", paths)
        return {path: codec.decode(blob, path) for path, blob in rows}

    @_guarded
    def parsed_of_kind(self, kind: str) -> list[ParsedFile]:
        """The full parse results of the files that hold an item of ``kind``, by path."""
        rows = self._db.execute(
            "SELECT path, result FROM files WHERE path IN "
            "(SELECT path FROM items WHERE kind = ?) ORDER BY path",
            (kind,),
        ).fetchall()
        return [codec.decode(blob, path) for path, blob in rows]

    @_guarded
    def counts(self) -> tuple[int, int]:
        """(item files, items): a file is an item file when it has front matter."""
        files = self._db.execute("SELECT count(*) FROM files WHERE is_item").fetchone()[0]
        items = self._db.execute("SELECT count(*) FROM items").fetchone()[0]
        return int(files), int(items)

    @_guarded
    def history(self) -> tuple[str, Any] | None:
        """The walk of git history as it last ended: its version and commit (as
        :meth:`save_history` was given them), and its state (None: never walked)."""
        row = self._db.execute("SELECT value FROM history WHERE key = 'walk'").fetchone()
        if row is None:
            return None
        head, state = marshal.loads(row[0])
        return str(head), state

    @_guarded
    def save_history(self, head: str, state: Any) -> None:
        """Remember the walk's state (plain tuples, lists and text) as it ended at ``head``."""
        blob = marshal.dumps((head, state))
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO history VALUES ('walk', ?)", (blob,))

    def close(self) -> None:
        self._db.close()


def _open(folder: Path | None) -> sqlite3.Connection:
    """Open (creating) the cache database; in memory when the folder is unusable."""
    if folder is not None:
        try:
            folder.mkdir(exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# medtrace cache: rebuildable, never commit\n*\n", "utf-8")
            return _connect(folder / CACHE_FILE)
        except (OSError, sqlite3.Error):
            pass
    return sqlite3.connect(":memory:")


def _connect(database: Path) -> sqlite3.Connection:
    for _attempt in range(2):
        connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return connection
        except sqlite3.OperationalError:
            connection.close()
            raise  # locked or unreadable: leave it to its owner, use memory this time
        except sqlite3.DatabaseError:
            connection.close()
            database.unlink(missing_ok=True)  # corrupt: rebuild it
    raise sqlite3.DatabaseError(f"{database}: cannot be opened")

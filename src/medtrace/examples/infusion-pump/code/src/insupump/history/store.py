"""Event log store (SWU-012): the therapy history in SQLite (SOUP-006).

Every delivery, alarm, settings change, suspension and time change is one row with its UTC
time, local offset, monotonic time and a monotonic sequence number. The database works in
memory, and non-volatile storage (``nvm``, a mapping of name to bytes standing in for the
eMMC) holds its image plus a write-ahead log, as SQLite's WAL mode with synchronous=FULL
does: ``append`` returns only once the event's WAL record, protected by a CRC-32, is stored,
so the caller commands the next stroke only after a bolus record is durable. Every 1000
events the WAL is checkpointed into the image. At start the image is opened and the WAL
replayed up to the first torn record (the write in flight when power failed).

At start the stored image is checked with PRAGMA quick_check. A damaged database is moved
aside as ``history.damaged-<utc>.db``, a new one starts with the event "History damaged",
and the history before that point counts as incomplete (insulin on board then follows
SRS-017). Retention keeps at least 90 days or 50,000 events, whichever is more, deleting
the oldest first, and never deletes a bolus record of the last 24 hours.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

# implements: SRS-053
# implements: SRS-054
# implements: SRS-055

DB_NAME = "history.db"
RETENTION_MS = 90 * 24 * 3_600_000
RETENTION_EVENTS = 50_000
BOLUS_KEEP_MS = 24 * 3_600_000
HISTORY_DAMAGED = "History damaged"
BOLUS_TYPES = frozenset({"bolus-start", "bolus-delivery", "bolus-end"})
CHECKPOINT_EVENTS = 1_000
_COLUMNS = "seq, utc_ms, local_offset_min, mono_ms, boot_id, type, payload"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    utc_ms INTEGER NOT NULL,
    local_offset_min INTEGER NOT NULL,
    mono_ms INTEGER NOT NULL,
    boot_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL
)
"""


class Clock(Protocol):
    def mono_ms(self) -> int: ...

    def utc_ms(self) -> int: ...

    def local_offset_min(self) -> int: ...


class SystemClock:
    """The real clocks: monotonic for elapsed time, the RTC for UTC and the local offset."""

    def mono_ms(self) -> int:
        return time.monotonic_ns() // 1_000_000

    def utc_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def local_offset_min(self) -> int:
        return (time.localtime().tm_gmtoff or 0) // 60


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    utc_ms: int
    local_offset_min: int
    mono_ms: int
    boot_id: int
    type: str
    payload: dict[str, Any]


def open_image(image: bytes) -> sqlite3.Connection:
    """An in-memory connection on a stored image; raises ``sqlite3.DatabaseError`` if damaged."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(image)
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError:
        connection.close()
        raise
    if result != "ok":
        connection.close()
        raise sqlite3.DatabaseError(result)
    return connection


class EventLog:
    def __init__(
        self,
        nvm: MutableMapping[str, bytes],
        clock: Clock | None = None,
        *,
        name: str = DB_NAME,
        boot_id: int = 0,
    ) -> None:
        self._nvm = nvm
        self._clock = clock or SystemClock()
        self._name = name
        self.boot_id = boot_id
        self.started_mono_ms = self._clock.mono_ms()
        self.damaged = False
        self.damage_reason = ""
        self._wal: list[int] = []
        self._next_seq = 1
        self._db = self._open()

    # writing ----------------------------------------------------------------------------

    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int:
        """Log one event; returns its sequence number once the event is durable."""
        clock = self._clock
        row = (
            self._next_seq,
            clock.utc_ms(),
            clock.local_offset_min(),
            clock.mono_ms(),
            self.boot_id,
            type_,
            json.dumps(payload or {}, sort_keys=True),
        )
        self._db.execute(f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        self._db.commit()
        record = json.dumps(row).encode()
        self._nvm[self._wal_key(row[0])] = record + zlib.crc32(record).to_bytes(4, "big")
        self._wal.append(row[0])
        self._next_seq += 1
        if len(self._wal) >= CHECKPOINT_EVENTS:
            self.flush()
        return row[0]

    def flush(self) -> None:
        """Checkpoint: write the database image, then drop the WAL records it now holds."""
        self._nvm[self._name] = self._db.serialize()
        for seq in self._wal:
            self._nvm.pop(self._wal_key(seq), None)
        self._wal.clear()

    def apply_retention(self) -> int:
        """Delete events beyond 90 days *and* beyond the newest 50,000; returns the count."""
        oldest_kept = self._db.execute(
            "SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?", (RETENTION_EVENTS - 1,)
        ).fetchone()
        if oldest_kept is None:
            return 0
        placeholders = ",".join("?" * len(BOLUS_TYPES))
        cursor = self._db.execute(
            f"DELETE FROM events WHERE seq < ? AND utc_ms < ?"
            f" AND NOT (type IN ({placeholders}) AND mono_ms > ?)",
            (
                oldest_kept[0],
                self._clock.utc_ms() - RETENTION_MS,
                *sorted(BOLUS_TYPES),
                self._clock.mono_ms() - BOLUS_KEEP_MS,
            ),
        )
        self._db.commit()
        self.flush()
        return cursor.rowcount

    # reading ----------------------------------------------------------------------------

    def events(self, types: Iterable[str] | None = None) -> list[Event]:
        query, wanted = f"SELECT {_COLUMNS} FROM events", sorted(types or ())
        if types is not None:
            query += f" WHERE type IN ({','.join('?' * len(wanted))})"
        rows = self._db.execute(query + " ORDER BY seq", wanted).fetchall()
        return [Event(*row[:6], json.loads(row[6])) for row in rows]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def boluses_since(self, mono_ms: int) -> list[tuple[int, int]]:
        """(monotonic ms, mU) of every bolus stroke delivered at or after ``mono_ms``."""
        rows = self._db.execute(
            "SELECT mono_ms, payload FROM events WHERE type = 'bolus-delivery' AND mono_ms >= ?"
            " ORDER BY seq",
            (mono_ms,),
        ).fetchall()
        return [(mono, int(json.loads(payload)["delivered_mu"])) for mono, payload in rows]

    def complete_since(self, mono_ms: int) -> bool:
        """False if the history from ``mono_ms`` on cannot be read completely."""
        if self.damaged and mono_ms < self.started_mono_ms:
            return False
        first, last, count = self._db.execute(
            "SELECT MIN(seq), MAX(seq), COUNT(*) FROM events WHERE mono_ms >= ?", (mono_ms,)
        ).fetchone()
        return count == 0 or last - first + 1 == count

    def snapshot(self) -> bytes:
        """A consistent copy of the database for the export process (read-only for it)."""
        return self._db.serialize()

    # start-up ---------------------------------------------------------------------------

    def _wal_key(self, seq: int) -> str:
        return f"{self._name}-wal/{seq:010d}"

    def _open(self) -> sqlite3.Connection:
        image = self._nvm.get(self._name)
        connection: sqlite3.Connection | None = None
        if image is not None:
            try:
                connection = open_image(image)
            except sqlite3.DatabaseError as error:
                self._quarantine(image, str(error))
        if connection is None:
            connection = sqlite3.connect(":memory:")
        connection.execute("PRAGMA journal_mode=WAL")  # on the device's file; memory here
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute(_SCHEMA)
        connection.commit()
        self._db = connection
        last = connection.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
        self._next_seq = last + 1
        self._replay_wal()
        if self.damaged:
            self.append("history-damaged", {"message": HISTORY_DAMAGED})
            self.flush()
        return connection

    def _replay_wal(self) -> None:
        prefix = f"{self._name}-wal/"
        keys = sorted(key for key in self._nvm if key.startswith(prefix))
        torn = False
        for key in keys:
            data = self._nvm[key]
            valid = len(data) > 4 and zlib.crc32(data[:-4]) == int.from_bytes(data[-4:], "big")
            row = json.loads(data[:-4]) if valid and not torn else None
            if row is None or row[0] != self._next_seq:
                torn = True  # the write in flight at the loss of power, and nothing after it
                del self._nvm[key]
                continue
            self._db.execute(
                f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(row)
            )
            self._wal.append(row[0])
            self._next_seq += 1
        self._db.commit()

    def _quarantine(self, image: bytes, reason: str) -> None:
        utc = datetime.fromtimestamp(self._clock.utc_ms() / 1000, UTC)
        aside = f"{self._name.removesuffix('.db')}.damaged-{utc:%Y%m%dT%H%M%SZ}"
        self._nvm[f"{aside}.db"] = image
        del self._nvm[self._name]
        prefix = f"{self._name}-wal/"
        for key in [key for key in self._nvm if key.startswith(prefix)]:
            self._nvm[f"{aside}-wal/{key.removeprefix(prefix)}"] = self._nvm.pop(key)
        self.damaged = True
        self.damage_reason = reason

"""Report exporter (SWU-018, Class B): CSV history and PDF summary for clinic review.

Runs in the separate ``insupump-export`` process (SWI-009). Its only input is a snapshot of
the history database handed over as bytes; it opens the snapshot read-only in its own
in-memory SQLite connection and imports nothing of the controller, so it can neither alter
therapy data nor reach the motor or the safety MCU, and a failure or hang here cannot delay
a stroke or an alarm.

The CSV has one event per row, with UTC time and local offset in separate columns, followed
by an integrity footer; the PDF summary has daily totals, the basal/bolus split, the alarms
and the CGM time in range. Both state the pump serial number, the software version, the
date range, the number of records, the export time and the SHA-256 of the CSV rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from insupump_export.report_pdf import write_pdf

# implements: SRS-056
# implements: SRS-057
# implements: SRS-067

CSV_COLUMNS = ("seq", "utc", "local_offset_min", "type", "detail")
TIME_IN_RANGE_MGDL = (70, 180)
BASAL_TYPES = frozenset({"basal-delivery"})
BOLUS_TYPES = frozenset({"bolus-delivery"})


@dataclass(frozen=True, slots=True)
class ExportRequest:
    serial_number: str
    software_version: str
    start_utc_ms: int  # inclusive
    end_utc_ms: int  # exclusive
    exported_at_utc_ms: int


@dataclass(frozen=True, slots=True)
class Row:
    seq: int
    utc_ms: int
    local_offset_min: int
    type: str
    payload: dict[str, object]


@dataclass(frozen=True, slots=True)
class Export:
    csv_text: str
    pdf: bytes
    sha256: str
    records: int


def _iso(utc_ms: int) -> str:
    moment = datetime.fromtimestamp(utc_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_snapshot(snapshot: bytes, start_utc_ms: int, end_utc_ms: int) -> list[Row]:
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(snapshot)
        connection.execute("PRAGMA query_only = ON")
        rows = connection.execute(
            "SELECT seq, utc_ms, local_offset_min, type, payload FROM events"
            " WHERE utc_ms >= ? AND utc_ms < ? ORDER BY seq",
            (start_utc_ms, end_utc_ms),
        ).fetchall()
    finally:
        connection.close()
    return [
        Row(seq, utc, offset, type_, json.loads(payload))
        for seq, utc, offset, type_, payload in rows
    ]


def _header_lines(request: ExportRequest, records: int, sha256: str) -> list[str]:
    return [
        f"Pump serial number: {request.serial_number}",
        f"Software version: {request.software_version}",
        f"Date range (UTC): {_iso(request.start_utc_ms)} to {_iso(request.end_utc_ms)}",
        f"Records: {records}",
        f"Exported at (UTC): {_iso(request.exported_at_utc_ms)}",
        f"SHA-256 of the CSV rows: {sha256}",
    ]


def render_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        detail = json.dumps(row.payload, sort_keys=True, separators=(",", ":"))
        writer.writerow((row.seq, _iso(row.utc_ms), row.local_offset_min, row.type, detail))
    return buffer.getvalue()


def summary_lines(rows: list[Row]) -> list[str]:
    daily: dict[str, Counter[str]] = defaultdict(Counter)
    alarms: Counter[str] = Counter()
    glucose: list[int] = []
    for row in rows:
        local_day = datetime.fromtimestamp(row.utc_ms / 1000, UTC) + timedelta(
            minutes=row.local_offset_min
        )
        day = local_day.strftime("%Y-%m-%d")
        amount = row.payload.get("delivered_mu")
        if row.type in BASAL_TYPES and isinstance(amount, int):
            daily[day]["basal"] += amount
        elif row.type in BOLUS_TYPES and isinstance(amount, int):
            daily[day]["bolus"] += amount
        elif row.type == "alarm-raised":
            alarms[str(row.payload.get("condition"))] += 1
        elif row.type == "cgm-reading":
            value = row.payload.get("value_mgdl")
            if isinstance(value, int):
                glucose.append(value)
    lines = ["Daily totals (local day): total / basal / bolus"]
    for day in sorted(daily):
        basal, bolus = daily[day]["basal"], daily[day]["bolus"]
        total = basal + bolus
        split = f"{100 * basal // total} % / {100 - 100 * basal // total} %" if total else "-"
        lines.append(
            f"{day}: {total / 1000:.2f} U / {basal / 1000:.2f} U / "
            f"{bolus / 1000:.2f} U (basal/bolus {split})"
        )
    lines.append(
        "Alarms: "
        + (", ".join(f"{name} x{count}" for name, count in sorted(alarms.items())) or "none")
    )
    low, high = TIME_IN_RANGE_MGDL
    if glucose:
        in_range = sum(low <= value <= high for value in glucose)
        lines.append(
            f"CGM time in range {low}-{high} mg/dL: {100 * in_range // len(glucose)} %"
            f" of {len(glucose)} readings"
        )
    else:
        lines.append("CGM time in range: no readings")
    return lines


def export(snapshot: bytes, request: ExportRequest) -> Export:
    rows = read_snapshot(snapshot, request.start_utc_ms, request.end_utc_ms)
    body = render_csv(rows)
    sha256 = hashlib.sha256(body.encode()).hexdigest()
    header = _header_lines(request, len(rows), sha256)
    footer = "".join(f"# {line}\n" for line in header)
    pdf = write_pdf("InsuPump therapy summary", [*header, "", *summary_lines(rows)])
    return Export(body + footer, pdf, sha256, len(rows))

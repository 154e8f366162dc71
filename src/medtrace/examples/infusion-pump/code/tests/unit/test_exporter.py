"""Export CSV columns, time offsets and the integrity footer (TC-041)."""

import csv
import hashlib
import io
from datetime import UTC, datetime

import pytest
from insupump.history.store import EventLog
from insupump_export.exporter import CSV_COLUMNS, ExportRequest, export
from insupump_export.report_pdf import VERIFY_NOTE


def utc_ms(*args):
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.verifies("SRS-056", "SRS-067", "RC-020", "SWU-018")
def test_csv_columns_utc_offsets_and_footer(clock):
    log = EventLog({}, clock)
    clock.set_utc(utc_ms(2026, 3, 28, 23, 0))  # 00:00 CET on the day of the EU change
    for _ in range(6):
        if clock.utc_ms() >= utc_ms(2026, 3, 29, 1, 0):
            clock.set_offset(120)  # 03:00 CEST
        log.append("basal-delivery", {"kind": "basal", "delivered_mu": 1_000})
        clock.advance(3_600_000)
    log.append("bolus-delivery", {"bolus_id": 1, "delivered_mu": 2_000})
    log.append("alarm-raised", {"condition": "reservoir-low"})
    request = ExportRequest(
        "IP-2403-00117",
        "1.2.0",
        utc_ms(2026, 3, 28),
        utc_ms(2026, 3, 30),
        utc_ms(2026, 3, 30, 9, 15),
    )
    result = export(log.snapshot(), request)

    rows_text, _, footer = result.csv_text.partition("\n# ")
    rows = list(csv.reader(io.StringIO(rows_text)))
    assert tuple(rows[0]) == CSV_COLUMNS == ("seq", "utc", "local_offset_min", "type", "detail")
    assert len(rows) - 1 == result.records == 8
    assert [(r[1], r[2]) for r in rows[1:4]] == [
        ("2026-03-28T23:00:00Z", "60"),
        ("2026-03-29T00:00:00Z", "60"),
        ("2026-03-29T01:00:00Z", "120"),
    ]  # UTC and the local offset in separate columns
    assert rows[-1][3] == "alarm-raised"

    sha = hashlib.sha256((rows_text + "\n").encode()).hexdigest()
    assert result.sha256 == sha
    lines = ("# " + footer).splitlines()
    assert lines == [
        "# Pump serial number: IP-2403-00117",
        "# Software version: 1.2.0",
        "# Date range (UTC): 2026-03-28T00:00:00Z to 2026-03-30T00:00:00Z",
        "# Records: 8",
        "# Exported at (UTC): 2026-03-30T09:15:00Z",
        f"# SHA-256 of the CSV rows: {sha}",
    ]
    assert result.pdf.startswith(b"%PDF-1.4") and result.pdf.rstrip().endswith(b"%%EOF")
    assert VERIFY_NOTE.encode() in result.pdf
    assert f"SHA-256 of the CSV rows: {sha}".encode() in result.pdf
    assert b"Pump serial number: IP-2403-00117" in result.pdf

"""Data export over USB (TC-077)."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from insupump.history.store import EventLog
from insupump_export.exporter import ExportRequest, export
from insupump_export.report_pdf import VERIFY_NOTE

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.mark.verifies("SYS-025", "RC-020")
def test_csv_and_pdf_match_event_log(clock):
    clock.set_utc(int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000) - 60 * 60_000)
    log = EventLog({}, clock)  # 00:00 local on 1 January
    reference = {}
    for day in range(95):
        date = f"{datetime.fromtimestamp((clock.utc_ms() + HOUR) / 1000, UTC):%Y-%m-%d}"
        totals = reference.setdefault(date, [0, 0])
        for hour in range(24):
            log.append("basal-delivery", {"kind": "basal", "delivered_mu": 800 + 50 * (hour % 3)})
            totals[0] += 800 + 50 * (hour % 3)
            if hour in (7, 12, 18):
                bolus = 1_000 + 250 * ((day + hour) % 7)
                log.append("bolus-delivery", {"bolus_id": day * 3 + hour, "delivered_mu": bolus})
                totals[1] += bolus
            if hour == 22:
                log.append("cgm-reading", {"value_mgdl": 60 + 15 * (day % 12)})
            if hour == 23 and day % 10 == 0:
                log.append("alarm-raised", {"condition": "reservoir-low"})
            clock.advance(HOUR)

    end = clock.utc_ms() - clock.utc_ms() % DAY - HOUR  # midnight local
    for days in (30, 90):
        request = ExportRequest("IP-2403-00117", "1.2.0", end - days * DAY, end, clock.utc_ms())
        result = export(log.snapshot(), request)
        body = result.csv_text.split("\n# ")[0]
        rows = list(csv.DictReader(io.StringIO(body)))
        in_range = [e for e in log.events() if end - days * DAY <= e.utc_ms < end]
        assert len(rows) == len(in_range) == result.records
        for row, event in zip(rows, in_range, strict=True):
            assert int(row["seq"]) == event.seq and row["type"] == event.type
            assert json.loads(row["detail"]) == event.payload
            assert int(row["local_offset_min"]) == event.local_offset_min
        assert f"# Records: {len(in_range)}" in result.csv_text

        text = result.pdf.decode("latin-1")
        daily = re.findall(r"\((\d{4}-\d\d-\d\d): ([\d.]+) U / ([\d.]+) U / ([\d.]+) U", text)
        assert len(daily) == days
        for date, total, basal, bolus in daily:
            expected_basal, expected_bolus = reference[date]
            assert (float(basal), float(bolus)) == (expected_basal / 1000, expected_bolus / 1000)
            assert float(total) == pytest.approx((expected_basal + expected_bolus) / 1000)
        assert "CGM time in range 70-180 mg/dL" in text
        assert VERIFY_NOTE in text and result.sha256 in text

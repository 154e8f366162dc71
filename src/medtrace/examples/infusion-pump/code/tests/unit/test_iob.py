"""Insulin on board (TC-016, TC-017)."""

import sqlite3

import pytest
from insupump.dosing.bolus_calculator import (
    UNAVAILABLE,
    BolusCalculator,
    CalculatorUnavailable,
)
from insupump.dosing.iob import InsulinOnBoard, IobUnavailable
from insupump.history.store import EventLog, open_image
from insupump.therapy.settings import TherapySettings

# 10 U bolus, DIA 4 h, peak 75 min: reference values from numerical integration of the
# activity curve of the exponential model (independent of the closed form in iob.py)
REFERENCE_U = {0: 10.000, 60: 7.374, 120: 3.417, 180: 0.808, 240: 0.000}


@pytest.mark.verifies("SRS-016", "SRS-059", "SWU-005", "DD-005")
def test_iob_curve_matches_reference_and_uses_monotonic_time(clock):
    iob = InsulinOnBoard(240)
    start = clock.mono_ms()
    iob.add_bolus(start, 10_000)
    for minutes, units in REFERENCE_U.items():
        assert abs(iob.value(start + minutes * 60_000) - units * 1000) <= 10, minutes
    assert iob.display(start + 60 * 60_000) == "7.35 U"  # displayed to 0.05 U

    log = EventLog({}, clock)
    log.append("bolus-delivery", {"bolus_id": 1, "delivered_mu": 10_000})
    log.append("basal-delivery", {"kind": "basal", "delivered_mu": 50})  # basal not counted
    clock.advance(60 * 60_000)
    rebuilt = InsulinOnBoard(240)
    rebuilt.rebuild(log, clock.mono_ms())
    before = rebuilt.value(clock.mono_ms())
    assert abs(before - 7_374) <= 10
    clock.set_utc(clock.utc_ms() - 5 * 3_600_000)  # wall clock moved back 5 hours
    assert rebuilt.value(clock.mono_ms()) == before
    clock.set_utc(clock.utc_ms() + 26 * 3_600_000)  # and a day forward
    again = InsulinOnBoard(240)
    again.rebuild(log, clock.mono_ms())
    assert again.value(clock.mono_ms()) == before


@pytest.mark.verifies("SRS-017", "RC-004", "SWU-005")
def test_incomplete_history_disables_calculator(clock):
    nvm = {}
    log = EventLog(nvm, clock)
    for bolus_id in range(1, 6):
        log.append("bolus-delivery", {"bolus_id": bolus_id, "delivered_mu": 1_000})
        log.append("alarm-raised", {"condition": "reservoir-low"})
        clock.advance(20 * 60_000)
    log.flush()

    complete = InsulinOnBoard(240)
    complete.rebuild(EventLog(nvm, clock), clock.mono_ms())
    assert complete.value(clock.mono_ms()) > 2_000

    # a gap in the last DIA hours: event 4 is missing from the stored history
    connection = open_image(nvm["history.db"])
    connection.execute("DELETE FROM events WHERE seq = 4")
    connection.commit()
    gapped = dict(nvm, **{"history.db": connection.serialize()})
    settings = TherapySettings()
    for storage in (gapped, damaged(nvm)):
        start = clock.mono_ms()
        iob = InsulinOnBoard(240)
        iob.rebuild(EventLog(storage, clock), start)
        calc = BolusCalculator(settings.calculator(), iob)
        with pytest.raises(IobUnavailable):
            iob.value(start)
        with pytest.raises(CalculatorUnavailable, match=UNAVAILABLE):
            calc.suggest(30, None, start + 3 * 3_600_000, 720)
        assert calc.suggest(30, None, start + 4 * 3_600_000, 720).total_mu == 3_000


def damaged(nvm):
    image = bytearray(nvm["history.db"])
    for page in range(1, len(image) // 4096):
        image[page * 4096 : page * 4096 + 12] = b"\xff" * 12
    with pytest.raises(sqlite3.DatabaseError):
        open_image(bytes(image))
    return {"history.db": bytes(image)}

"""CGM reception, signal loss and the use of CGM data in therapy (TC-072, TC-073)."""

import math

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.limits import BASAL_KINDS
from insupump.therapy.settings import TherapySettings
from insupump.ui.screens import trend_arrow

MINUTE = 60_000


@pytest.mark.verifies("SYS-020")
def test_readings_displayed_and_signal_loss_alert_at_20_min(make_pump):
    pump = make_pump(accelerated=True)
    pump.boot()
    outages = {(8 * 60, 10), (16 * 60, 25)}  # (start minute, minutes) of the 10 and 25 min gaps
    missing = {m for start, length in outages for m in range(start, start + length, 5)}
    displayed = 0
    for minute in range(0, 24 * 60, 5):
        if minute not in missing:
            value = round(140 + 50 * math.sin(minute / 180))
            reading = pump.send_cgm(value)
            assert reading.valid
            assert pump.cgm.latest.value_mgdl == value  # shown on the home screen
            assert trend_arrow(reading.trend_mgdl_per_min) != "?" or displayed == 0
            displayed += 1
        pump.run(5 * MINUTE, step_ms=5_000)
    assert displayed == 288 - len(missing)
    lost = pump.log.events({"alarm-raised"})
    raised = [e for e in lost if e.payload["condition"] == "cgm-signal-lost"]
    assert len(raised) == 1  # no alert for the 10-minute gap, one for the 25-minute gap
    last_reading = pump.log.events({"cgm-reading"})
    before = max(e.mono_ms for e in last_reading if e.mono_ms <= raised[0].mono_ms)
    assert raised[0].mono_ms - before == 20 * MINUTE  # 20 minutes after the last reading
    cleared = [
        e for e in pump.log.events({"alarm-cleared"}) if e.payload["condition"] == "cgm-signal-lost"
    ]
    assert len(cleared) == 1 and cleared[0].mono_ms - before == 30 * MINUTE  # next reading
    assert not pump.alarms.is_active(Condition.CGM_SIGNAL_LOST)


@pytest.mark.verifies("SYS-021", "RC-011")
def test_invalid_readings_not_used_for_therapy(make_pump):
    settings = TherapySettings(lgs_enabled=True, basal_segments=((0, 1440, 2_000),))
    pump = make_pump(settings=settings, accelerated=True)
    pump.boot()
    pump.send_cgm(92)
    pump.run(5 * MINUTE, step_ms=1_000)
    invalid = [
        lambda: pump.send_cgm(40),  # implausible: -52 mg/dL in 5 minutes
        lambda: pump.send_cgm(35),  # out of range
        lambda: pump.send_cgm(405),
        lambda: pump.send_cgm(60, age_ms=-3 * MINUTE),  # future-dated
        lambda: pump.send_cgm(60, age_ms=16 * MINUTE),  # stale
        lambda: pump.send_cgm(60, transmitter="7XQ2LM"),  # a second transmitter
    ]
    for send in invalid:
        reading = send()
        assert not reading.valid, reading.reason
        assert pump.glucose_prefill() is None  # the calculator asks for a blood glucose
        assert not pump.lgs.active and not pump.scheduler.suspended
        pump.run(5 * MINUTE, step_ms=1_000)
        assert pump.strokes(BASAL_KINDS, since_ms=pump.clock.mono_ms() - 5 * MINUTE) >= 3
    valid = pump.send_cgm(88)
    assert valid.valid and pump.glucose_prefill().value_mgdl == 88

"""Air-in-line detection (TC-064)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.settings import TherapySettings

MINUTE = 60_000


@pytest.mark.verifies("SYS-011", "RC-007")
def test_single_and_cumulative_air_detected(make_pump):
    settings = TherapySettings(basal_segments=((0, 1440, 2_000),))  # a stroke every 90 s
    cases = {
        "5 uL": ([5.0], False),
        "10 uL": ([10.0], True),
        "3 x 10 uL": ([10.0, 10.0, 10.0], True),
        "4 x 8 uL in 60 min": ([8.0, 8.0, 8.0, 8.0], True),
        "3 x 9.5 uL in 60 min": ([9.5, 9.5, 9.5], False),
    }
    for case, (bubbles, alarm) in cases.items():
        pump = make_pump(settings=settings, accelerated=True)
        pump.boot()
        pump.run(10 * MINUTE, step_ms=1_000)
        for bubble in bubbles:  # injected at the reservoir outlet, 15 minutes apart
            pump.mcu.pending_bubbles.append(bubble)
            pump.run(15 * MINUTE, step_ms=1_000)
        assert pump.alarms.is_active(Condition.AIR_IN_LINE) is alarm, case
        assert pump.guard.stopped is alarm, case
        if alarm:
            stopped_at = pump.log.events({"delivery-stopped"})[-1].mono_ms
            assert pump.mcu.stroke_times[-1] <= stopped_at
            assert pump.display.alarm[:2] == ("Air in line", "red")

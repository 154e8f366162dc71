"""Time changes and daylight saving (TC-078), including the PR-004 scenario."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from insupump.therapy.limits import BASAL_KINDS
from insupump.therapy.settings import TherapySettings
from insupump.ui.screens import TimeSettingScreen

HOUR = 3_600_000
# a different rate every hour: 0.10 U/h at 00:00 up to 2.40 U/h at 23:00
PROFILE = tuple((h * 60, h * 60 + 60, 100 * (h + 1)) for h in range(24))


@pytest.mark.verifies("SYS-026", "RC-019", "SRS-060")
def test_time_changes_do_not_repeat_or_skip_basal(make_pump, clock):
    clock.set_utc(int(datetime(2026, 10, 24, 22, 0, tzinfo=UTC).timestamp() * 1000))
    pump = make_pump(settings=TherapySettings(basal_segments=PROFILE), accelerated=True)
    pump.boot()  # 00:00 CEST (UTC+2) on the day of the EU fall-back
    rate_by_hour = {h: 100 * (h + 1) for h in range(24)}
    expected = Fraction(0)
    start = clock.mono_ms()
    times = TimeSettingScreen(clock.set_local, log=pump.log)

    def run_hours(hours):
        nonlocal expected
        for _ in range(hours * 60):
            expected += Fraction(rate_by_hour[clock.local_minute() // 60], 60)
            pump.run(60_000, step_ms=5_000)

    def delivered():
        return pump.strokes(BASAL_KINDS, since_ms=start)

    run_hours(3)  # 00:00 to 03:00 CEST
    clock.set_offset(60)  # 03:00 CEST becomes 02:00 CET: the PR-004 fall-back
    run_hours(4)
    clock.set_offset(120)  # spring-forward style jump: 02:00 becomes 03:00
    run_hours(3)
    clock.set_offset(120 + 9 * 60)  # a flight: time zone +9 h
    run_hours(5)
    clock.set_offset(120 + 3 * 60)  # and -6 h
    run_hours(5)
    before = clock.local()
    assert not times.request(before, before + timedelta(hours=4))  # manual change of 4 h
    assert times.confirm_again()
    assert clock.local() == before + timedelta(hours=4)
    run_hours(6)

    assert abs(delivered() - expected / 50) <= 1  # nothing repeated, nothing skipped
    change = pump.log.events({"time-change"})[-1]
    assert change.payload == {
        "old": before.isoformat(),
        "new": (before + timedelta(hours=4)).isoformat(),
    }
    # hour by hour in elapsed time, delivery follows the segment in force at that moment
    stroke_times = pump.stroke_times(BASAL_KINDS)
    for hour in range(26):
        count = sum(start + hour * HOUR < t <= start + (hour + 1) * HOUR for t in stroke_times)
        assert count <= 49  # never more than the highest hourly rate (2.40 U/h) + 1 stroke

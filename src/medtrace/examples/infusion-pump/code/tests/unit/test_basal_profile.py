"""Basal profile and temporary basal validation (TC-001)."""

import pytest
from insupump.history.store import EventLog
from insupump.therapy.basal import (
    BasalProfile,
    BasalScheduler,
    BasalSegment,
    ProfileError,
    TempBasal,
)


@pytest.mark.verifies("SRS-001", "SRS-003", "SWU-001", "DD-001")
def test_profile_and_temp_basal_ranges(clock):
    invalid = {
        "gap": [(0, 600, 1000), (630, 1440, 1000)],
        "overlap": [(0, 630, 1000), (600, 1440, 1000)],
        "off-boundary start": [(0, 615, 1000), (615, 1440, 1000)],
        "49 segments": [(i * 30 % 1440, i * 30 % 1440 + 30, 1000) for i in range(49)],
        "rate 35.05 U/h": [(0, 1440, 35_050)],
        "rate off the 0.05 U/h step": [(0, 1440, 1_025)],
        "not reaching 24:00": [(0, 1410, 1000)],
        "not starting at 00:00": [(30, 1440, 1000)],
    }
    for rows in invalid.values():  # rejected on entry, and on load (the same constructor)
        with pytest.raises(ProfileError):
            BasalProfile.from_rows(rows)

    forty_eight = BasalProfile.from_rows((m, m + 30, 50 * (m // 30)) for m in range(0, 1440, 30))
    assert len(forty_eight.segments) == 48
    assert forty_eight.rate_at(23 * 60 + 45) == 50 * 47
    assert BasalProfile.flat(35_000).rate_at(0) == 35_000
    assert BasalProfile.flat(0).rate_at(720) == 0
    assert (
        BasalProfile((BasalSegment(0, 360, 800), BasalSegment(360, 1440, 1200))).rate_at(360)
        == 1200
    )

    for percent, minutes in [(260, 30), (255, 30), (-10, 30), (100, 15), (100, 45), (100, 1470)]:
        with pytest.raises(ProfileError):
            TempBasal(percent, minutes)
    assert TempBasal(0, 30).percent == 0
    assert TempBasal(250, 24 * 60).duration_min == 1440

    log = EventLog({}, clock)
    scheduler = BasalScheduler(BasalProfile.flat(1_000), log=log)
    scheduler.tick(clock.mono_ms(), clock.local_minute())
    start = clock.mono_ms()
    scheduler.start_temp_basal(TempBasal(250, 30), start)
    strokes, ended_at = 0, None
    while clock.mono_ms() < start + 31 * 60_000:
        clock.advance(100)
        strokes += scheduler.tick(clock.mono_ms(), clock.local_minute())
        if ended_at is None and scheduler.temp_basal is None:
            ended_at = clock.mono_ms()
    deadline = start + 30 * 60_000
    stroke_interval_ms = 3_600_000 * 50 // 1_000  # at the scheduled 1.00 U/h
    assert ended_at is not None and deadline <= ended_at <= deadline + stroke_interval_ms
    assert ended_at - deadline <= 100  # at the first control loop tick after the deadline
    assert abs(strokes - 25) <= 1  # 2.50 U/h for 30 min, then 1 min at 1.00 U/h
    ends = log.events({"temp-basal-end"})
    assert [e.payload for e in ends] == [{"percent": 250, "reason": "completed"}]

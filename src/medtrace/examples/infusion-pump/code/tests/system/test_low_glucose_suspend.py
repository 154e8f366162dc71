"""Low glucose suspend with simulated CGM traces (TC-061)."""

from itertools import pairwise

import pytest
from insupump.therapy.limits import BASAL_KINDS
from insupump.therapy.settings import TherapySettings

MINUTE = 60_000


def basal_gaps(pump, since_ms):
    """The longest interval without a basal stroke since ``since_ms``, in minutes."""
    times = [since_ms] + [t for t in pump.stroke_times(BASAL_KINDS) if t > since_ms]
    return max((b - a for a, b in pairwise(times)), default=0) / MINUTE


@pytest.mark.verifies("SYS-009", "RC-012")
def test_suspend_resume_and_two_hour_limit(make_pump):
    settings = TherapySettings(basal_segments=((0, 1440, 2_000),), lgs_enabled=True)
    pump = make_pump(settings=settings, accelerated=True)
    pump.boot()

    def replay(trace):
        """One reading every 5 minutes; None is a missing reading (signal loss)."""
        for value in trace:
            if value is not None:
                pump.send_cgm(value)
            pump.run(5 * MINUTE, step_ms=1_000)

    start = pump.clock.mono_ms()
    replay([120, 110, 100, 92, 85, 78, 72])  # falling
    assert not pump.lgs.active
    replay([68])  # at or below 70 mg/dL: suspended within one stroke interval
    suspended = pump.lgs.started_ms
    assert suspended is not None
    replay([66, 71, 80, 88, 91, 86, 93, 97])  # recovering: two in a row at >= 90 end it
    resumed = pump.log.events({"lgs-end"})[-1]
    assert resumed.payload == {"reason": "glucose recovered"}
    assert (resumed.mono_ms - suspended) / MINUTE == 40
    assert pump.strokes(BASAL_KINDS, since_ms=suspended) > 0
    on_suspension = [t for t in pump.stroke_times(BASAL_KINDS) if suspended < t <= resumed.mono_ms]
    assert on_suspension == []  # nothing delivered while suspended
    assert pump.strokes(BASAL_KINDS, since_ms=start) >= 3

    replay([75, 69])  # the second episode: glucose never reaches the recovery level
    second = pump.lgs.started_ms
    replay(
        [
            62,
            60,
            58,
            57,
            60,
            61,
            63,
            64,
            62,
            60,
            61,
            63,
            65,
            66,
            68,
            67,
            69,
            70,
            70,
            72,
            75,
            78,
            80,
            82,
            84,
            85,
            86,
            88,
            86,
            87,
            85,
            88,
        ]
    )
    end = pump.log.events({"lgs-end"})[-1]
    assert end.payload == {"reason": "120-minute limit"}
    assert end.mono_ms - second == 120 * MINUTE
    assert not pump.lgs.active
    assert basal_gaps(pump, end.mono_ms) <= 3  # 2.00 U/h again, a stroke every 90 s

    replay([95, 100])
    replay([66])  # a third episode, then the CGM signal is lost
    third = pump.lgs.started_ms
    replay([None] * 30)  # 150 minutes without readings
    end = pump.log.events({"lgs-end"})[-1]
    assert end.payload == {"reason": "120-minute limit"} and end.mono_ms - third == 120 * MINUTE
    assert basal_gaps(pump, end.mono_ms) <= 3  # 2.00 U/h delivered again after the limit
    assert not pump.lgs.active  # missing readings did not start a new suspension

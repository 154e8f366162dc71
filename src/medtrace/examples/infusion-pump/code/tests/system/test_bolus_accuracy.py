"""Bolus delivery accuracy, rate and stop (TC-057)."""

from itertools import pairwise

import pytest
from insupump.hal.motor import strokes_to_ul
from insupump.therapy.bolus import BolusKind, BolusRequest
from insupump.therapy.settings import TherapySettings

MINUTE = 60_000


@pytest.mark.verifies("SYS-003", "SYS-004", "SYS-005")
def test_bolus_volumes_rate_and_stop(make_pump):
    settings = TherapySettings(
        max_bolus_mu=25_000, max_daily_mu=250_000, basal_segments=((0, 1440, 0),)
    )  # the balance sees boluses only
    pump = make_pump(settings=settings, accelerated=True)
    pump.boot()

    def deliver(request, run_ms, step_ms=100):
        before = pump.mcu.executed_strokes
        assert pump.bolus.start(request, pump.clock.mono_ms()).ok
        pump.run(run_ms, step_ms=step_ms)
        return strokes_to_ul(pump.mcu.executed_strokes - before), pump.bolus.last_outcome

    for units in (1, 10, 25):
        volume, outcome = deliver(BolusRequest(units * 1000), units * 40_000 + 5_000)
        expected = units * 10  # uL of U-100 insulin
        assert abs(volume - expected) <= expected * 5 / 100
        duration_min = (outcome.stroke_times[-1] - outcome.stroke_times[0] + 2_000) / MINUTE
        assert units / duration_min == pytest.approx(1.5)  # U/min

    volume, outcome = deliver(
        BolusRequest(6_000, BolusKind.EXTENDED, duration_min=180), 181 * MINUTE, step_ms=1_000
    )
    assert volume == 60 and len(outcome.stroke_times) == 120
    gaps = {b - a for a, b in pairwise(outcome.stroke_times)}
    assert gaps == {90_000}  # evenly over 3 hours

    dual = BolusRequest(5_000, BolusKind.DUAL_WAVE, duration_min=120, immediate_mu=2_000)
    volume, outcome = deliver(dual, 121 * MINUTE + 60_000, step_ms=1_000)
    assert volume == 50
    assert outcome.stroke_times[39] - outcome.stroke_times[0] < 2 * MINUTE  # 2 U first

    before = pump.mcu.executed_strokes
    assert pump.bolus.start(BolusRequest(10_000), pump.clock.mono_ms()).ok
    pump.run(30_000)
    stopped = pump.bolus.stop()
    pump.run(10 * MINUTE)
    delivered = pump.mcu.executed_strokes - before
    assert delivered * 50 == stopped.delivered_mu
    assert stopped.delivered_mu in (750, 800)  # 30 s at 1.5 U/min
    assert stopped.undelivered_mu == 10_000 - stopped.delivered_mu

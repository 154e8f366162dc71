"""Reservoir low and empty (TC-065)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.hal.motor import strokes_to_ul
from insupump.therapy.settings import TherapySettings

MINUTE = 60_000


@pytest.mark.verifies("SYS-012", "RC-008")
def test_low_and_empty_reservoir_alarms(make_pump):
    settings = TherapySettings(max_basal_mu_h=35_000, basal_segments=((0, 1440, 35_000),))
    pump = make_pump(settings=settings, fill_mu=30_000, accelerated=True)
    pump.boot()
    raised = {}
    while not pump.guard.stopped and pump.clock.mono_ms() < 2 * 60 * MINUTE + 10_000_000:
        pump.run(1_000, step_ms=1_000)
        for condition in (
            Condition.RESERVOIR_LOW,
            Condition.RESERVOIR_VERY_LOW,
            Condition.RESERVOIR_EMPTY,
        ):
            if pump.alarms.is_active(condition) and condition not in raised:
                raised[condition] = strokes_to_ul(pump.mcu.executed_strokes)
    # the balance at each alert: 30 U filled, alerts at 20 U and 5 U left, empty below 0.5 U
    empty = raised.pop(Condition.RESERVOIR_EMPTY)
    assert raised == {Condition.RESERVOIR_LOW: 100, Condition.RESERVOIR_VERY_LOW: 250}
    assert 295 <= empty <= 295.5  # 0.50 to 0.45 U left by the lower of estimate and plunger
    assert pump.guard.stop_reasons == ("Reservoir empty",)
    assert pump.alarms.top().condition is Condition.RESERVOIR_EMPTY
    assert not pump.alarms.clear_condition(Condition.RESERVOIR_EMPTY, pump.clock.mono_ms())
    strokes = pump.mcu.executed_strokes
    pump.run(10 * MINUTE, step_ms=1_000)
    assert pump.mcu.executed_strokes == strokes
    assert pump.supply.display_remaining() == "0 U"

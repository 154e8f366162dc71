"""Pressure rise to occlusion alarm and stop (TC-044)."""

from decimal import Decimal

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.bolus import BolusRequest
from insupump.therapy.limits import BOLUS_KINDS


@pytest.mark.verifies("SWI-004", "SWI-003", "SRS-024", "SRS-026", "RC-005")
def test_pressure_rise_to_alarm_and_stop(pump):
    pump.mcu.occlude_after_strokes = 20
    assert pump.bolus.start(BolusRequest(10_000), pump.clock.mono_ms()).ok
    pump.run(10 * 60_000)
    assert pump.occlusion.occluded
    assert pump.mcu.executed_strokes < 60  # stopped before stroke 60
    assert pump.mcu.undelivered_mu < 2_000
    assert pump.mcu.retracts == [Decimal("0.2")]
    assert pump.guard.stopped and not pump.bolus.running
    assert pump.bolus.last_outcome.reason.startswith("Delivery stopped")
    assert pump.alarms.top().condition is Condition.OCCLUSION
    assert pump.display.alarm == ("Occlusion detected", "red", True)
    assert pump.speaker.melody is not None
    strokes = pump.strokes(BOLUS_KINDS)
    pump.run(10 * 60_000)
    assert pump.strokes() == pump.mcu.executed_strokes and pump.strokes(BOLUS_KINDS) == strokes

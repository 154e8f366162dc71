"""Runaway and stuck motor fault injection (TC-080)."""

import pytest
from insupump.alarms.manager import Condition, Priority
from insupump.hal.motor import strokes_to_ul
from insupump.therapy.bolus import BolusRequest


@pytest.mark.verifies("SYS-028", "RC-003")
def test_encoder_mismatch_stops_delivery(make_pump):
    for fault in ("extra encoder steps", "stuck motor"):
        pump = make_pump()
        pump.boot()
        assert pump.bolus.start(BolusRequest(5_000), pump.clock.mono_ms()).ok
        pump.run(20_000)
        assert not pump.guard.stopped
        if fault == "extra encoder steps":
            pump.mcu.extra_encoder_steps = 1  # the motor runs on after each command
        else:
            pump.mcu.stuck_motor = True  # commanded, but the plunger does not move
        commanded = pump.mcu.executed_strokes
        pump.run(60_000)
        assert pump.guard.stop_reasons == ("Delivery error",), fault
        alarm = pump.alarms.get(Condition.DELIVERY_ERROR)
        assert alarm.spec.priority is Priority.HIGH
        assert pump.display.alarm[0] == "Delivery error"
        further = pump.mcu.executed_strokes - commanded
        assert further == 3  # stopped as soon as the difference exceeded 2 strokes (0.1 U)
        assert strokes_to_ul(further) == 1.5
        pump.run(5 * 60_000)
        assert pump.mcu.executed_strokes - commanded == 3

"""Suspend and resume through the keypad (TC-060)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.limits import BASAL_KINDS, BOLUS_KINDS
from insupump.ui.entry import Key
from insupump.ui.screens import ReviewScreen, TherapyCommand

MINUTE = 60_000


@pytest.mark.verifies("SYS-008")
def test_suspend_reminders_and_resume(pump):
    def keypad(command):
        screen = ReviewScreen(command, max_bolus_mu=pump.store.current.max_bolus_mu)
        return pump.apply(screen.press(Key.CONFIRM, pump.clock.mono_ms()))

    pump.run(10 * MINUTE, step_ms=1_000)
    assert keypad(TherapyCommand("bolus", amount_mu=3_000)).ok
    pump.run(20_000)
    assert pump.bolus.running
    assert keypad(TherapyCommand("suspend")).ok
    suspended_at = pump.clock.mono_ms()
    tones = pump.speaker.tones
    assert pump.display.alarm[0] == "Insulin suspended"

    pump.run(60 * MINUTE, step_ms=1_000)
    assert pump.strokes(since_ms=suspended_at) == 0  # no insulin for an hour
    assert pump.mcu.stroke_times[-1] <= suspended_at
    assert pump.speaker.tones - tones == 4  # reminded every 15 minutes

    bolus_before = pump.strokes(BOLUS_KINDS)
    assert keypad(TherapyCommand("resume")).ok
    resumed_at = pump.clock.mono_ms()
    assert not pump.alarms.is_active(Condition.INSULIN_SUSPENDED)
    pump.run(61 * MINUTE, step_ms=1_000)
    assert pump.strokes(BASAL_KINDS, since_ms=resumed_at) == 20  # 1.00 U/h again
    assert pump.strokes(BOLUS_KINDS) == bolus_before  # the interrupted bolus stays ended
    assert pump.bolus.last_outcome.reason == "suspended"

"""Suspend and resume (TC-003)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.bolus import BolusRequest
from insupump.therapy.limits import BASAL_KINDS, BOLUS_KINDS
from insupump.therapy.suspend import ResumeNotConfirmedError


@pytest.mark.verifies("SRS-020", "SRS-021", "SWU-001")
def test_suspend_stops_strokes_and_persists_across_restart(pump, make_pump):
    pump.run(10 * 60_000)
    assert pump.strokes(BASAL_KINDS) >= 3  # 1.00 U/h: a stroke every 3 minutes
    assert pump.bolus.start(BolusRequest(2_000), pump.clock.mono_ms()).ok
    pump.run(10_000)
    delivered_before = pump.strokes(BOLUS_KINDS)
    assert 0 < delivered_before < 40

    suspended_at = pump.clock.mono_ms()
    pump.suspender.suspend(suspended_at)
    pump.run(2_000)
    assert pump.strokes(since_ms=suspended_at) == 0  # nothing commanded within 2 s
    assert not pump.bolus.running
    tones_at_suspend = pump.speaker.tones
    assert pump.alarms.is_active(Condition.INSULIN_SUSPENDED)

    pump.run(60 * 60_000, step_ms=1_000)
    assert pump.strokes(since_ms=suspended_at) == 0
    # reminders at 15, 30, 45 and 60 minutes
    assert pump.speaker.tones - tones_at_suspend == 4

    pump.shutdown()
    restarted = make_pump(nvm=pump.nvm, mcu=pump.mcu)  # a restart with the same storage
    restarted.boot()
    assert restarted.scheduler.suspended
    restarted_at = restarted.clock.mono_ms()
    restarted.run(30 * 60_000, step_ms=1_000)
    assert restarted.strokes(since_ms=restarted_at) == 0

    with pytest.raises(ResumeNotConfirmedError):
        restarted.suspender.resume(restarted.clock.mono_ms(), confirmed=False)
    assert restarted.scheduler.suspended
    resumed_at = restarted.clock.mono_ms()
    restarted.suspender.resume(resumed_at, confirmed=True)
    assert not restarted.alarms.is_active(Condition.INSULIN_SUSPENDED)
    restarted.run(30 * 60_000, step_ms=1_000)
    basal = restarted.stroke_times(BASAL_KINDS)
    assert len(basal) == 10  # the segment rate of 1.00 U/h again: 0.50 U in 30 min
    assert basal[0] - resumed_at == 180_000  # nothing owed for the suspended time
    assert restarted.strokes(BOLUS_KINDS) == 0  # the interrupted bolus is not continued
    assert not restarted.bolus.running

"""Safety MCU cuts motor power when the controller stalls (TC-049)."""

import pytest
from insupump.therapy.bolus import BolusRequest


@pytest.mark.verifies("SWI-008", "SRS-062", "RC-015")
def test_mcu_cuts_motor_power_when_controller_stalls(make_pump):
    for mode in ("process stopped", "control loop stalled"):
        pump = make_pump()
        pump.boot()
        assert pump.bolus.start(BolusRequest(10_000), pump.clock.mono_ms()).ok
        pump.run(20_000)
        assert pump.mcu.heartbeats >= 40 and pump.mcu.motor_power
        strokes = pump.mcu.executed_strokes
        stalled_at = pump.clock.mono_ms()
        for _ in range(100):  # 10 s of stall
            pump.clock.advance(100)
            if mode == "control loop stalled":  # only the heartbeat task still runs
                pump.heartbeat_task(pump.clock.mono_ms())
            pump.mcu.tick(pump.clock.mono_ms())
        last = pump.mcu.last_heartbeat_ms
        assert not pump.mcu.motor_power and pump.mcu.buzzer, mode
        assert pump.mcu.power_cut_ms - last <= 3_000 + 100  # within 3 s (one MCU tick)
        if mode == "control loop stalled":
            assert last - stalled_at <= 1_500
        assert pump.mcu.executed_strokes == strokes
        pump.run(10_000)  # even if the controller resumes, the motor stays unpowered
        assert pump.mcu.executed_strokes == strokes
        assert pump.guard.stopped

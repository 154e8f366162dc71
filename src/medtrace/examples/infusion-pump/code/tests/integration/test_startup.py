"""Power loss recovery requires confirmation (TC-050)."""

import pytest
from insupump.therapy.limits import BASAL_KINDS


@pytest.mark.verifies("SWI-008", "SWI-001", "SRS-033", "SRS-061")
def test_power_loss_recovery_requires_confirmation(pump, make_pump):
    pump.run(31 * 60_000, step_ms=1_000)
    assert pump.strokes(BASAL_KINDS) == 10  # 1.00 U/h
    settings, events = pump.store.current, pump.log.count()
    cut_at = pump.clock.local().strftime("%H:%M")
    # the supply is cut: no clean shutdown; the storage survives as it was
    pump.clock.advance(5 * 60_000)
    restarted = make_pump(nvm=pump.nvm, mcu=pump.mcu)
    result = restarted.boot()
    assert result.passed and result.duration_ms <= 30_000
    assert restarted.power.message == f"Power was lost at {cut_at}: delivery was stopped"
    assert restarted.store.current == settings  # settings kept
    assert restarted.log.count() >= events - 1  # history kept (up to its last flush)
    started = restarted.clock.mono_ms()
    restarted.run(30 * 60_000, step_ms=1_000)
    assert restarted.strokes(since_ms=started) == 0  # nothing before confirmation
    assert restarted.mcu.executed_strokes == 10

    restarted.confirm_power_loss()
    restarted.run(30 * 60_000, step_ms=1_000)
    assert restarted.strokes(BASAL_KINDS) in (10, 11)  # 1.00 U/h from the confirmation on

    blocked = make_pump(nvm=dict(restarted.nvm), mcu=restarted.mcu)
    result = blocked.boot(tone_confirmed=False)  # the user did not hear the test tone
    assert not result.passed and result.error_code == "E-070"
    blocked.confirm_power_loss()
    blocked.run(30 * 60_000, step_ms=1_000)
    assert blocked.strokes() == 0  # a failed self test blocks therapy

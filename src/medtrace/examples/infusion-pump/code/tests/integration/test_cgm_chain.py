"""CGM reading to the bolus calculator and low glucose suspend (TC-047)."""

import pytest
from insupump.dosing.bolus_calculator import GlucoseSource
from insupump.therapy.limits import BASAL_KINDS
from insupump.therapy.settings import TherapySettings

MINUTE = 60_000


@pytest.mark.verifies("SWI-007", "SWI-002", "SWI-001", "SRS-048", "SRS-022", "RC-011")
def test_cgm_reading_to_calculator_and_lgs(make_pump):
    pump = make_pump(settings=TherapySettings(lgs_enabled=True, lgs_threshold_mgdl=70))
    pump.boot()
    assert pump.cgm.connected
    pump.send_cgm(150)
    prefill = pump.glucose_prefill()
    assert prefill.value_mgdl == 150 and prefill.source is GlucoseSource.CGM
    suggestion = pump.calculator.suggest(
        0, prefill, pump.clock.mono_ms(), pump.clock.local_minute()
    )
    assert suggestion.total_mu == 1_000  # (150 - 110) / 40

    pump.run(16 * MINUTE, step_ms=1_000)  # no further reading: the value becomes stale
    assert pump.glucose_prefill() is None
    stale = pump.send_cgm(62, age_ms=20 * MINUTE)  # delivered late by the link
    assert not stale.valid
    assert pump.glucose_prefill() is None and not pump.scheduler.suspended
    pump.run(10 * MINUTE, step_ms=1_000)
    assert not pump.lgs.active

    low = pump.send_cgm(65)
    assert low.valid and pump.scheduler.suspended and pump.lgs.active
    suspended_at = pump.clock.mono_ms()
    pump.run(30 * MINUTE, step_ms=1_000)
    assert pump.strokes(BASAL_KINDS, since_ms=suspended_at) == 0
    assert pump.glucose_prefill() is None  # 30 minutes old by now

"""Bolus delivery (TC-006) and the Stop key (TC-007)."""

from itertools import pairwise

import pytest
from insupump.therapy.bolus import BolusController, BolusKind, BolusRequest
from insupump.therapy.limits import BASAL_KINDS, BOLUS_KINDS, Kind
from insupump.therapy.settings import TherapySettings


@pytest.mark.verifies("SRS-004", "SRS-005", "SWU-002", "DD-002")
def test_bolus_stroke_timing_and_distribution(make_pump):
    pump = make_pump()
    pump.boot()
    pump.run(5 * 60_000)
    start = pump.clock.mono_ms()
    assert pump.bolus.start(BolusRequest(5_000), start).ok
    pump.run(200_000)
    outcome = pump.bolus.last_outcome
    assert outcome is not None and outcome.delivered_mu == 5_000
    times = outcome.stroke_times
    assert len(times) == 100
    assert {b - a for a, b in pairwise(times)} == {2_000}  # 1.5 U/min
    sequence = [kind for t, kind, _ in pump.deliveries if times[0] <= t <= times[-1]]
    assert Kind.BASAL in sequence  # basal strokes interleaved, not deferred
    first_basal = sequence.index(Kind.BASAL)
    assert sequence[first_basal - 1] == Kind.BOLUS and sequence[first_basal + 1] == Kind.BOLUS
    basal_times = pump.stroke_times(BASAL_KINDS)
    assert all(b - a == 180_000 for a, b in pairwise(basal_times))

    extended = BolusRequest(3_000, BolusKind.EXTENDED, duration_min=120)
    start = pump.clock.mono_ms()
    assert pump.bolus.start(extended, start).ok
    pump.run(2 * 3_600_000 + 1_000, step_ms=1_000)
    times = pump.bolus.last_outcome.stroke_times
    assert len(times) == 60
    assert [t - start for t in times] == [120_000 * (i + 1) for i in range(60)]

    dual = BolusRequest(3_000, BolusKind.DUAL_WAVE, duration_min=60, immediate_mu=1_000)
    start = pump.clock.mono_ms()
    assert pump.bolus.start(dual, start).ok
    pump.run(3_600_000 + 60_000, step_ms=1_000)
    times = pump.bolus.last_outcome.stroke_times
    assert len(times) == 60
    immediate, spread = times[:20], times[20:]
    assert immediate[-1] - immediate[0] == 19 * 2_000  # the immediate part first
    assert spread[0] - immediate[-1] == 90_000 and spread[-1] - immediate[-1] == 3_600_000

    # both parts are checked against the maximum bolus as one bolus
    over = BolusRequest(11_000, BolusKind.DUAL_WAVE, duration_min=60, immediate_mu=6_000)
    before = pump.strokes(BOLUS_KINDS)
    decision = pump.bolus.start(over, pump.clock.mono_ms())
    assert not decision.ok and decision.reason == "Bolus exceeds maximum"
    pump.run(60_000)
    assert pump.strokes(BOLUS_KINDS) == before


@pytest.mark.verifies("SRS-006", "SWU-002")
def test_stop_key_halts_bolus_and_logs_amounts(make_pump):
    pump = make_pump(settings=TherapySettings(max_daily_mu=250_000))
    pump.boot()
    for boundary in range(40):  # Stop at every stroke boundary of a 2.00 U bolus
        controller = BolusController(pump.guard, log=pump.log)
        assert controller.start(BolusRequest(2_000), pump.clock.mono_ms()).ok
        delivered = 0
        while delivered < boundary:
            pump.clock.advance(100)
            delivered += controller.tick(pump.clock.mono_ms())
        outcome = controller.stop()
        assert outcome is not None
        assert outcome.delivered_mu == boundary * 50
        assert outcome.delivered_mu + outcome.undelivered_mu == 2_000
        strokes = pump.mcu.executed_strokes
        for _ in range(100):
            pump.clock.advance(100)
            assert controller.tick(pump.clock.mono_ms()) == 0
        assert pump.mcu.executed_strokes == strokes
        end = pump.log.events({"bolus-end"})[-1].payload
        assert end["delivered_mu"] == boundary * 50
        assert end["undelivered_mu"] == 2_000 - boundary * 50
        assert end["reason"] == "stopped by user"
        assert outcome.display() == (
            f"Delivered {boundary * 0.05:.2f} U, not delivered {2 - boundary * 0.05:.2f} U"
        )

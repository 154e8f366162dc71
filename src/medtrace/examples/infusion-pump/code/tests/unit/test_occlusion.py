"""Occlusion detector (TC-021, TC-022, TC-023)."""

import random
from decimal import Decimal

import pytest
from insupump.alarms.manager import Condition, Priority
from insupump.hal.sensors import StrokeSensors
from insupump.monitoring.occlusion import OcclusionDetector
from insupump.therapy.limits import Kind, StrokeCommand

# Rise of the post-stroke pressure per undelivered stroke, from the compliance of the set
# and reservoir measured on the bench; at low rates the line relaxes between strokes.
RISE_MMHG_PER_STROKE = {"0.05 U/h": 25.5, "1.0 U/h": 27.0, "10 U/h": 29.0, "10 U bolus": 31.0}


def occluded_curve(rise, seed, strokes=60):
    """Post-stroke pressures of a set clamped before the first stroke."""
    rng = random.Random(seed)
    return [160 + rise * n + rng.uniform(-8, 8) for n in range(1, strokes + 1)]


def readings(values):
    return [StrokeSensors(pressure_mmhg=v, air_ul=0.0, plunger_mm=30.0) for v in values]


@pytest.mark.verifies("SRS-024", "RC-005", "SWU-008", "DD-008")
def test_alarm_before_2_units_undelivered(pump):
    for seed, (case, rise) in enumerate(RISE_MMHG_PER_STROKE.items()):
        detector = OcclusionDetector(pump.alarms, pump.guard, log=pump.log)
        alarm_stroke = None
        for stroke, sensors in enumerate(readings(occluded_curve(rise, seed)), start=1):
            if detector.on_stroke_sensors(sensors, pump.clock.mono_ms()):
                alarm_stroke = stroke
                break
        assert alarm_stroke is not None and alarm_stroke < 40, case  # before 2.0 U
        assert pump.alarms.get(Condition.OCCLUSION).spec.priority is Priority.HIGH
        detector.line_cleared(pump.clock.mono_ms())
        assert not pump.guard.stopped


@pytest.mark.verifies("SRS-025", "RC-006", "SWU-008")
def test_single_pressure_spikes_do_not_alarm(pump):
    detector = OcclusionDetector(pump.alarms, pump.guard, log=pump.log)
    now = pump.clock.mono_ms()
    for value in (300, 1_200, 320, 1_150, 1_300, 310, 290):  # spikes of one and two readings
        assert not detector.on_stroke_sensors(readings([value])[0], now)
    assert detector.transients == 2
    transients = pump.log.events({"pressure-transient"})
    assert [e.payload["readings_mmhg"] for e in transients] == [[1_200], [1_150, 1_300]]
    assert not pump.alarms.is_active(Condition.OCCLUSION) and not pump.guard.stopped
    assert not detector.on_stroke_sensors(readings([1_000])[0], now)  # not above 1000 mmHg

    for value in (1_050, 1_100):
        assert not detector.on_stroke_sensors(readings([value])[0], now)
    assert detector.on_stroke_sensors(readings([1_150])[0], now)  # the third in a row
    assert pump.alarms.is_active(Condition.OCCLUSION)


@pytest.mark.verifies("SRS-026", "SWU-008")
def test_occlusion_stops_delivery_and_relieves_pressure(pump):
    detector = OcclusionDetector(pump.alarms, pump.guard, log=pump.log)
    now = pump.clock.mono_ms()
    for sensors in readings([1_100, 1_180, 1_260]):
        detector.on_stroke_sensors(sensors, now)
    assert pump.guard.stopped and "Occlusion detected" in pump.guard.stop_reasons
    assert pump.mcu.retracts == [Decimal("0.2")]
    assert pump.display.alarm == ("Occlusion detected", "red", True)
    decision = pump.guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), now)
    assert not decision.ok
    pump.run(10 * 60_000)
    assert pump.mcu.executed_strokes == 0

    assert not pump.alarms.clear_condition(Condition.OCCLUSION, now)  # latched
    assert pump.alarms.is_active(Condition.OCCLUSION)
    detector.line_cleared(pump.clock.mono_ms())  # set changed or line confirmed clear
    assert not pump.alarms.is_active(Condition.OCCLUSION)
    assert not pump.guard.stopped
    assert pump.guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), now).ok

"""Sensor range and stuck-value detection (TC-020)."""

import itertools

import pytest
from insupump.alarms.manager import Condition, Priority
from insupump.hal.sensors import RawStrokeSample, SensorBus, SensorFaultError
from insupump.therapy.limits import Kind, StrokeCommand

AIR_NOISE = itertools.cycle((95, 97, 96, 98))  # the air sensor's signal is never constant


def sample(pressure=250, air=0, plunger=30_000, moving=True):
    air = next(AIR_NOISE) if air == 0 else air
    return RawStrokeSample(pressure=pressure, air=air, plunger=plunger, motor_moving=moving)


@pytest.mark.verifies("SRS-027", "SWU-007", "DD-007")
def test_out_of_range_and_stuck_values_raise_sensor_fault(pump):
    now = pump.clock.mono_ms()
    faults = [
        sample(pressure=3_200),  # 3100 mmHg, above the 3000 mmHg range
        sample(air=None),  # a missing air reading
        sample(plunger=46_000),  # 46 mm
    ]
    for raw in faults:
        bus = SensorBus(pump.alarms, pump.guard.stop)
        with pytest.raises(SensorFaultError):
            bus.after_stroke(raw, now)
        assert pump.guard.stop_reasons == ("Sensor fault",)
        alarm = pump.alarms.get(Condition.SENSOR_FAULT)
        assert alarm.spec.priority is Priority.HIGH and alarm.spec.message == "Sensor fault"
        assert not pump.guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), now).ok
        pump.guard.release("Sensor fault")
        pump.alarms.resolve_condition(Condition.SENSOR_FAULT, now)

    bus = SensorBus(pump.alarms, pump.guard.stop)
    assert bus.after_stroke(sample(pressure=3_100), now).pressure_mmhg == 3_000  # in range
    for plunger in range(9):  # 9 identical pressure values while the motor moves: fine
        bus.after_stroke(sample(pressure=480, plunger=30_000 - plunger * 8), now)
    for _ in range(20):  # identical values with the motor at rest are not suspicious
        bus.after_stroke(sample(pressure=480, moving=False), now)
    assert not pump.guard.stopped
    for plunger in range(9):
        bus.after_stroke(sample(pressure=480, plunger=29_000 - plunger * 8), now)
    with pytest.raises(SensorFaultError, match="pressure stuck"):
        bus.after_stroke(sample(pressure=480, plunger=28_000), now)  # the 10th
    assert pump.guard.stopped and pump.alarms.is_active(Condition.SENSOR_FAULT)

    with pytest.raises(SensorFaultError):
        SensorBus(pump.alarms, pump.guard.stop).battery(101, now)
    assert SensorBus(pump.alarms, pump.guard.stop).battery(55, now).percent == 55

"""Supply monitor: air, reservoir and battery (TC-024, TC-025, TC-026)."""

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition, Priority
from insupump.hal.sensors import StrokeSensors
from insupump.monitoring.supply import PLUNGER_MU_PER_MM, SupplyMonitor

MINUTE = 60_000


class Rig:
    def __init__(self, **options):
        self.alarms = AlarmManager(
            Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
        )
        self.stops = []
        self.events = []
        self.monitor = SupplyMonitor(
            self.alarms, self._stop, controlled_stop=lambda: self.events.append("flush"), **options
        )

    def _stop(self, reason, now_ms):
        self.stops.append(reason)
        self.events.append("stop")

    def raised(self, condition):
        return self.alarms.is_active(condition)


@pytest.mark.verifies("SRS-028", "RC-007", "SWU-009", "DD-009")
def test_air_single_and_cumulative_thresholds():
    rig = Rig()
    rig.monitor.on_air(9.0, 0)
    assert not rig.stops and not rig.raised(Condition.AIR_IN_LINE)
    rig.monitor.on_air(10.0, MINUTE)
    assert rig.stops == ["Air in line"]
    assert rig.alarms.get(Condition.AIR_IN_LINE).spec.priority is Priority.HIGH

    rig = Rig()
    for minute in (0, 15, 30):
        rig.monitor.on_air(8.0, minute * MINUTE)
    assert not rig.stops  # 24 uL so far
    rig.monitor.on_air(8.0, 45 * MINUTE)  # 32 uL within 60 minutes
    assert rig.stops == ["Air in line"] and rig.raised(Condition.AIR_IN_LINE)

    rig = Rig()
    for minute in (0, 30, 60, 90):  # the same bubbles spread over 90 minutes
        rig.monitor.on_air(8.0, minute * MINUTE)
    assert not rig.stops and not rig.raised(Condition.AIR_IN_LINE)

    # readings after every stroke feed the same check
    rig = Rig()
    rig.monitor.on_stroke_sensors(StrokeSensors(200.0, 12.5, 30.0), 0)
    assert rig.raised(Condition.AIR_IN_LINE)


@pytest.mark.verifies("SRS-029", "SRS-030", "SRS-031", "RC-008", "SWU-009")
def test_reservoir_estimate_and_alerts():
    rig = Rig()
    monitor = rig.monitor
    monitor.on_reservoir_filled(100_000)
    monitor.on_delivered(10_000, 0)
    assert monitor.remaining_mu() == 90_000 and monitor.display_remaining() == "90 U"
    monitor.on_stroke_sensors(StrokeSensors(200.0, 0.0, 84_000 / PLUNGER_MU_PER_MM), 0)
    assert rig.alarms.get(Condition.CHECK_RESERVOIR).spec.priority is Priority.LOW
    assert monitor.remaining_mu() == 84_000  # the lower of the two values
    assert monitor.display_remaining() == "84 U"
    rig = Rig()
    rig.monitor.on_reservoir_filled(100_000)
    rig.monitor.on_stroke_sensors(StrokeSensors(200.0, 0.0, 96_000 / PLUNGER_MU_PER_MM), 0)
    assert not rig.raised(Condition.CHECK_RESERVOIR)  # 4 U apart: within tolerance

    rig = Rig()
    monitor = rig.monitor
    monitor.on_reservoir_filled(30_000)
    levels = {}
    delivered = 0
    while not rig.stops:
        monitor.on_delivered(50, delivered)
        delivered += 50
        for condition in (
            Condition.RESERVOIR_LOW,
            Condition.RESERVOIR_VERY_LOW,
            Condition.RESERVOIR_EMPTY,
        ):
            if rig.raised(condition) and condition not in levels:
                levels[condition] = monitor.remaining_mu()
    assert levels == {
        Condition.RESERVOIR_LOW: 20_000,
        Condition.RESERVOIR_VERY_LOW: 5_000,
        Condition.RESERVOIR_EMPTY: 450,
    }
    assert rig.stops == ["Reservoir empty"]
    priorities = {c: rig.alarms.get(c).spec.priority for c in levels}
    assert priorities == {
        Condition.RESERVOIR_LOW: Priority.LOW,
        Condition.RESERVOIR_VERY_LOW: Priority.MEDIUM,
        Condition.RESERVOIR_EMPTY: Priority.HIGH,
    }

    rig = Rig(low_threshold_u=50)
    rig.monitor.on_reservoir_filled(200_000)
    rig.monitor.on_stroke_sensors(StrokeSensors(200.0, 0.0, 0.0), 0)  # plunger end stop
    assert rig.stops == ["Reservoir empty"] and rig.raised(Condition.RESERVOIR_EMPTY)


@pytest.mark.verifies("SRS-032", "RC-009", "SWU-009")
def test_battery_thresholds_and_controlled_stop():
    rig = Rig()
    alarms, monitor = rig.alarms, rig.monitor
    raised = []

    def record(percent):
        before = {a.condition for a in alarms.active()}
        monitor.on_battery(percent, 0)
        raised.extend(a.condition for a in alarms.active() if a.condition not in before)

    for percent in (100, 50, 21):
        record(percent)
    assert raised == []
    record(20)
    assert raised == [Condition.BATTERY_LOW]
    alarms.clear_condition(Condition.BATTERY_LOW, 0)  # acknowledged by the user
    for percent in (21, 20, 21, 20, 21, 20):  # flicker: no repeated alert
        record(percent)
    assert raised == [Condition.BATTERY_LOW]
    for percent in (23, 20):  # a real recovery re-arms the alert
        record(percent)
    assert raised == [Condition.BATTERY_LOW, Condition.BATTERY_LOW]
    for percent in (10, 6, 5):
        record(percent)
    assert raised[-1] is Condition.BATTERY_CRITICAL
    assert alarms.get(Condition.BATTERY_CRITICAL).spec.priority is Priority.HIGH
    assert not rig.stops and not monitor.power_off_allowed

    record(2)
    assert rig.events == ["stop", "flush"]  # delivery stopped, state and history stored...
    depleted = alarms.get(Condition.BATTERY_DEPLETED)  # ...and the alarm raised
    assert depleted.spec.message == "Battery depleted: delivery stopped"
    assert depleted.spec.priority is Priority.HIGH
    assert monitor.power_off_allowed  # only now may the power controller switch off

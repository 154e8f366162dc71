"""Alarm priorities, escalation, silence and clearing (TC-027)."""

import pytest
from insupump.alarms.annunciator import (
    MAX_VOLUME,
    NORMAL_VOLUME,
    SIGNALS,
    Annunciator,
    Display,
    Speaker,
    VibrationMotor,
)
from insupump.alarms.manager import ALARM_TABLE, AlarmManager, Condition, Priority

EXPECTED = {  # condition: (priority, message), as the software requirements state them
    Condition.OCCLUSION: (Priority.HIGH, "Occlusion detected"),
    Condition.AIR_IN_LINE: (Priority.HIGH, "Air in line"),
    Condition.RESERVOIR_EMPTY: (Priority.HIGH, "Reservoir empty"),
    Condition.DELIVERY_ERROR: (Priority.HIGH, "Delivery error"),
    Condition.SENSOR_FAULT: (Priority.HIGH, "Sensor fault"),
    Condition.DAILY_MAXIMUM: (Priority.HIGH, "Daily maximum reached"),
    Condition.BATTERY_CRITICAL: (Priority.HIGH, "Battery critical"),
    Condition.BATTERY_DEPLETED: (Priority.HIGH, "Battery depleted: delivery stopped"),
    Condition.SELF_TEST_FAILED: (Priority.HIGH, "Self test failed"),
    Condition.RESERVOIR_VERY_LOW: (Priority.MEDIUM, "Reservoir very low"),
    Condition.INSULIN_SUSPENDED: (Priority.MEDIUM, "Insulin suspended"),
    Condition.LOW_GLUCOSE_SUSPEND: (Priority.MEDIUM, "Low glucose: basal suspended"),
    Condition.CGM_SIGNAL_LOST: (Priority.MEDIUM, "CGM signal lost"),
    Condition.RESERVOIR_LOW: (Priority.LOW, "Reservoir low"),
    Condition.CHECK_RESERVOIR: (Priority.LOW, "Check reservoir level"),
    Condition.BATTERY_LOW: (Priority.LOW, "Battery low"),
    Condition.BASAL_RESUMED: (Priority.LOW, "Basal resumed"),
    Condition.WIRELESS_SECURITY: (Priority.LOW, "Wireless security event"),
}
LATCHED = {
    Condition.OCCLUSION,
    Condition.AIR_IN_LINE,
    Condition.RESERVOIR_EMPTY,
    Condition.DELIVERY_ERROR,
}


def rig():
    speaker, vibration, display = Speaker(), VibrationMotor(), Display()
    annunciator = Annunciator(speaker, vibration, display, request_buzzer=lambda: None)
    return AlarmManager(annunciator), speaker, vibration, display


@pytest.mark.verifies("SRS-034", "SRS-036", "SRS-038", "SWU-010", "DD-010")
def test_priority_escalation_and_silence_rules():
    assert set(ALARM_TABLE) == set(EXPECTED)
    for condition, (priority, message) in EXPECTED.items():
        manager, speaker, vibration, display = rig()
        manager.raise_condition(condition, 0)
        signal = SIGNALS[priority]
        assert ALARM_TABLE[condition].priority is priority
        assert speaker.melody == signal.melody and speaker.volume == NORMAL_VOLUME
        assert vibration.pattern == signal.vibration
        assert display.alarm == (message, signal.colour, signal.flashing)
        assert ALARM_TABLE[condition].latched == (condition in LATCHED)
    assert [SIGNALS[p].melody.count("C4") + SIGNALS[p].melody.count("E4") for p in Priority] == [
        2,
        3,
        10,
    ]  # low, medium and high priority bursts
    assert [SIGNALS[p].colour for p in (Priority.HIGH, Priority.MEDIUM)] == ["red", "yellow"]

    # escalation of an unacknowledged high-priority alarm after 60 s
    manager, speaker, vibration, _ = rig()
    manager.raise_condition(Condition.OCCLUSION, 0)
    manager.tick(59_999)
    assert speaker.volume == NORMAL_VOLUME and vibration.pattern != "continuous"
    manager.tick(60_000)
    assert speaker.volume == MAX_VOLUME and vibration.pattern == "continuous"
    manager, speaker, _, _ = rig()
    manager.raise_condition(Condition.AIR_IN_LINE, 0)
    manager.acknowledge(10_000)
    manager.tick(120_000)
    assert speaker.volume == NORMAL_VOLUME  # acknowledged: no escalation

    # silence lasts 300 s at most
    manager, speaker, _, _ = rig()
    manager.raise_condition(Condition.DELIVERY_ERROR, 0)
    manager.acknowledge(1_000)
    assert manager.silence(1_000, duration_ms=600_000) == 301_000
    assert speaker.melody is None
    manager.tick(300_999)
    assert speaker.melody is None
    manager.tick(301_000)
    assert speaker.melody == SIGNALS[Priority.HIGH].melody

    # latched alarms are cleared only when their condition has been resolved
    for condition in LATCHED:
        manager.raise_condition(condition, 0)
        assert not manager.clear_condition(condition, 0)
        assert manager.is_active(condition)
        manager.resolve_condition(condition, 0)
        assert manager.clear_condition(condition, 0)
        assert not manager.is_active(condition)
    manager.raise_condition(Condition.BATTERY_LOW, 0)
    assert manager.clear_condition(Condition.BATTERY_LOW, 0)  # not latched

    # a medium-priority alarm is annunciated again every 15 minutes while it lasts
    manager, speaker, _, _ = rig()
    manager.raise_condition(Condition.CGM_SIGNAL_LOST, 0)
    for minute in range(1, 47):
        manager.tick(minute * 60_000)
    assert speaker.tones == 4  # at 0, 15, 30 and 45 minutes
    manager.resolve_condition(Condition.CGM_SIGNAL_LOST, 46 * 60_000)
    for minute in range(47, 100):
        manager.tick(minute * 60_000)
    assert speaker.tones == 4

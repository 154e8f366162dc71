"""Heartbeat and encoder cross-check (TC-037, TC-038)."""

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition, Priority
from insupump.hal.motor import EncoderReport
from insupump.safety.supervisor import Supervisor


def rig():
    sent, stops = [], []
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    supervisor = Supervisor(
        lambda seq, state: sent.append((seq, state)),
        lambda reason, now: stops.append(reason),
        alarms,
    )
    return supervisor, sent, stops, alarms


@pytest.mark.verifies("SRS-062", "RC-015", "SWU-016", "DD-016")
def test_heartbeat_stops_when_main_loop_stalls():
    supervisor, sent, _, _ = rig()
    times = []
    for now in range(0, 10_000, 100):  # loop cycles every 100 ms, heartbeat task every 100 ms
        supervisor.on_loop_cycle(now)
        if supervisor.heartbeat_tick(now, "running"):
            times.append(now)
    assert times == list(range(0, 10_000, 500))  # every 500 ms
    assert [seq for seq, _ in sent] == list(range(20)) and sent[0][1] == "running"

    last_cycle = 9_900
    for now in range(10_000, 20_000, 100):  # the loop stalls; the heartbeat task runs on
        if supervisor.heartbeat_tick(now, "running"):
            times.append(now)
    assert times[-1] - last_cycle <= 1_500  # nothing sent once cycles stop for 1.5 s
    assert times[20:] == [10_000, 10_500, 11_000]
    supervisor.on_loop_cycle(20_000)  # the loop runs again
    assert supervisor.heartbeat_tick(20_000, "suspended") and sent[-1][1] == "suspended"


@pytest.mark.verifies("SRS-063", "RC-003", "SWU-016")
def test_encoder_discrepancy_over_two_strokes_stops_delivery():
    supervisor, _, stops, alarms = rig()
    assert supervisor.on_encoder_report(EncoderReport(100, 100), 0)
    assert supervisor.on_encoder_report(EncoderReport(120, 122), 0)  # 2 strokes: accepted
    assert supervisor.on_encoder_report(EncoderReport(130, 128), 0)
    assert not stops
    assert not supervisor.on_encoder_report(EncoderReport(140, 143), 0)  # 3 strokes
    assert stops == ["Delivery error"]
    alarm = alarms.get(Condition.DELIVERY_ERROR)
    assert alarm.spec.priority is Priority.HIGH and "encoder 143" in alarm.detail
    assert not supervisor.on_encoder_report(EncoderReport(150, 150), 0)  # not retried
    assert stops == ["Delivery error"]

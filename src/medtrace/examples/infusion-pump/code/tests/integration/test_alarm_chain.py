"""Alarm latency under load and the speaker fault fall-back (TC-045)."""

import time

import pytest
from insupump.alarms.manager import ALARM_TABLE, Condition
from insupump.therapy.bolus import BolusRequest
from insupump.ui.entry import Key
from insupump_export.exporter import ExportRequest, export


@pytest.mark.verifies("SWI-004", "SWI-005", "SRS-035", "SRS-037", "RC-010")
def test_condition_to_annunciation_latency_and_speaker_fault(pump):
    started = []
    annunciate = pump.annunciator.annunciate

    def timed(priority, message, now_ms):
        started.append(time.perf_counter())
        annunciate(priority, message, now_ms)

    pump.annunciator.annunciate = timed
    assert pump.bolus.start(BolusRequest(10_000), pump.clock.mono_ms()).ok
    pump.keypad.tick(pump.clock.mono_ms() + 60_000)
    assert pump.keypad.locked
    pump.display.on = False
    conditions = [c for c in ALARM_TABLE if c is not Condition.DELIVERY_ERROR]
    day = 86_400_000
    now_utc = pump.clock.utc_ms()
    request = ExportRequest("IP-2403-00117", "1.2.0", now_utc - day, now_utc + day, now_utc)
    latencies = []
    for index in range(500):
        pump.run(200)  # the bolus keeps running
        if index % 50 == 0:
            export(pump.log.snapshot(), request)  # an export request meanwhile
        condition = conditions[index % len(conditions)]
        raised = time.perf_counter()
        pump.alarms.raise_condition(condition, pump.clock.mono_ms())
        latencies.append(started[-1] - raised)
        assert pump.display.on  # annunciated with the display off and the keypad locked
        pump.alarms.resolve_condition(condition, pump.clock.mono_ms())
        pump.alarms.clear_condition(condition, pump.clock.mono_ms())
        pump.display.on = False
    assert len(latencies) == 500 and max(latencies) < 1.0
    assert pump.alarms.latencies_ms == [0] * len(pump.alarms.latencies_ms)
    assert pump.keypad.press(Key.CONFIRM, pump.clock.mono_ms(), alarm_active=True).value == (
        "acknowledge-alarm"
    )

    pump.speaker.current_ma = 0.0  # speaker feedback stuck at 0 mA
    assert not pump.mcu.buzzer
    pump.alarms.raise_condition(Condition.AIR_IN_LINE, pump.clock.mono_ms())
    assert pump.annunciator.speaker_faulty
    assert pump.vibration.pattern is not None  # vibration continues
    assert pump.mcu.buzzer  # the safety MCU was asked for its independent buzzer
    assert pump.log.events({"speaker-fault"})[-1].payload == {"message": "Speaker fault"}

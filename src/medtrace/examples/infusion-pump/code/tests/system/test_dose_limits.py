"""Dose limits end to end, through the keypad and the companion app (TC-058)."""

from dataclasses import replace

import pytest
from insupump.alarms.manager import Condition
from insupump.comms.remote_commands import MessageError, parse_remote_command
from insupump.therapy.basal import BasalProfile
from insupump.therapy.settings import SettingsStore, TherapySettings
from insupump.ui.entry import Key, NumericEntry
from insupump.ui.screens import ReviewScreen, ReviewState, TherapyCommand


def confirm(screen, now_ms):
    """The keypad robot presses Confirm until the review screen lets the command go."""
    command = None
    while screen.state not in (ReviewState.CONFIRMED, ReviewState.DISCARDED):
        command = screen.press(Key.CONFIRM, now_ms)
    return command


@pytest.mark.verifies("SYS-006", "RC-001")
def test_limits_enforced_on_all_entry_paths(make_pump, monkeypatch):
    pump = make_pump(settings=TherapySettings(basal_segments=((0, 1440, 3_000),)))
    pump.boot()
    max_bolus = pump.store.current.max_bolus_mu

    def via_keypad(command):
        return pump.apply(confirm(ReviewScreen(command, max_bolus_mu=max_bolus), 0))

    def via_app(payload):
        pump.remote.offer(parse_remote_command(payload), pump.clock.mono_ms())
        command = confirm(pump.remote.review_screen(max_bolus), pump.clock.mono_ms())
        return pump.apply(command)

    entry = NumericEntry.bolus(max_bolus)
    for _ in range(50):
        entry.press(Key.UP, held_ms=3_000)
    assert entry.value == 10_000  # the keypad cannot even enter more than the maximum

    bolus_strokes = pump.strokes({"bolus", "remote-bolus"})
    assert via_keypad(TherapyCommand("bolus", amount_mu=10_050)).reason == ("Bolus exceeds maximum")
    assert via_app(b'{"kind":"bolus","amount_mu":12000}').reason == "Bolus exceeds maximum"
    with pytest.raises(MessageError):
        parse_remote_command(b'{"kind":"bolus","amount_mu":26000}')  # above the 25 U limit
    rates = [segment.rate_mu_h for segment in BasalProfile.flat(6_000).segments]
    assert pump.guard.check_profile(rates, 0).reason == "Basal rate exceeds maximum"
    decision = via_keypad(TherapyCommand("temp-basal", percent=200, duration_min=60))
    assert decision.reason == "Basal rate exceeds maximum"  # 6.00 U/h
    decision = via_app(b'{"kind":"temp-basal","percent":250,"duration_min":60}')
    assert decision.reason == "Basal rate exceeds maximum"  # 7.50 U/h
    assert pump.scheduler.temp_basal is None
    pump.run(5 * 60_000)
    assert pump.strokes({"bolus", "remote-bolus"}) == bolus_strokes == 0

    for _ in range(8):  # 72 U of bolus and about 3 U of basal: 75 U today
        assert via_keypad(TherapyCommand("bolus", amount_mu=9_000)).ok
        pump.run(400_000)
    assert 74_000 < pump.guard.delivered_24h_mu(pump.clock.mono_ms()) < 76_000
    decision = via_app(b'{"kind":"bolus","amount_mu":10000}')
    assert decision.reason == "Bolus exceeds daily maximum"
    assert not pump.bolus.running

    # a corrupted configuration cannot widen the absolute limits
    corrupted = replace(pump.store.current, max_bolus_mu=999_000, max_daily_mu=999_000)
    monkeypatch.setattr(SettingsStore, "current", property(lambda store: corrupted))
    strokes = pump.mcu.executed_strokes
    decision = pump.guard.check_bolus(25_050, pump.clock.mono_ms())
    assert decision.reason == "Delivery error" and pump.guard.stopped
    pump.alarms.resolve_condition(Condition.DELIVERY_ERROR, pump.clock.mono_ms())
    pump.run(60_000)
    assert pump.mcu.executed_strokes == strokes

"""Therapy history retained through power cuts (TC-076).

91 days of accelerated therapy: basal hours, meal boluses, alarms and a daily retention
run, with 300 power cuts at random moments; after each cut the controller starts again
from what the non-volatile storage holds at that moment."""

import random

import pytest
from insupump.dosing.iob import InsulinOnBoard
from insupump.history.store import EventLog

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.mark.verifies("SYS-024", "RC-004")
def test_history_retained_through_power_cuts(clock):
    rng = random.Random(76)
    nvm = {}
    log = EventLog(nvm, clock)
    first_utc = clock.utc_ms()
    acknowledged = []  # (seq, type, monotonic ms) of every event append() confirmed
    days = 91
    cut_hours = set(rng.sample(range(days * 24), 300))
    restarts = 0
    for hour in range(days * 24):
        acknowledged.append(
            (
                log.append("basal-delivery", {"delivered_mu": 1_000}),
                "basal-delivery",
                clock.mono_ms(),
            )
        )
        if hour % 24 in (7, 12, 19):
            amount = rng.randrange(20, 160) * 50
            for type_, payload in (
                ("bolus-start", {"commanded_mu": amount}),
                ("bolus-delivery", {"delivered_mu": amount}),
                ("bolus-end", {"delivered_mu": amount}),
            ):
                acknowledged.append((log.append(type_, payload), type_, clock.mono_ms()))
        if rng.random() < 0.05:
            acknowledged.append(
                (
                    log.append("alarm-raised", {"condition": "reservoir-low"}),
                    "alarm-raised",
                    clock.mono_ms(),
                )
            )
        if hour % 24 == 3:
            log.apply_retention()
        if hour in cut_hours:
            if rng.random() < 0.5:  # cut while the next event was half written to the WAL
                nvm[f"history.db-wal/{acknowledged[-1][0] + 1:010d}"] = b'[9999, "torn'
            nvm = dict(nvm)  # power back: a new process on the same storage
            log = EventLog(nvm, clock)
            restarts += 1
            assert not log.damaged
            stored = [(e.seq, e.type, e.mono_ms) for e in log.events()]
            assert stored == acknowledged  # nothing acknowledged is ever lost
            iob = InsulinOnBoard(240)
            iob.rebuild(log, clock.mono_ms())
            expected = InsulinOnBoard(240)
            for event in log.events({"bolus-delivery"}):
                expected.add_bolus(event.mono_ms, event.payload["delivered_mu"])
            assert iob.value(clock.mono_ms()) == expected.value(clock.mono_ms())
        clock.advance(HOUR)
    assert restarts == 300
    events = log.events()
    assert len(events) == len(acknowledged) < 50_000  # below 50,000: nothing deleted
    assert events[0].utc_ms == first_utc  # all 91 days retained
    assert clock.utc_ms() - events[0].utc_ms >= 90 * DAY

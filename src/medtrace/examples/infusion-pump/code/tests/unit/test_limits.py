"""Dose limits of the limit guard (TC-009, TC-010, TC-011)."""

from dataclasses import replace

import pytest
from insupump.alarms.manager import Condition, Priority
from insupump.hal.mcu_protocol import McuProtocol
from insupump.hal.motor import MotorLink
from insupump.therapy.basal import BasalProfile
from insupump.therapy.bolus import BolusRequest
from insupump.therapy.limits import (
    ABS_MAX_BASAL_MU_H,
    Kind,
    LimitGuard,
    StrokeCommand,
)
from insupump.therapy.settings import TherapySettings


@pytest.mark.verifies("SRS-008", "RC-001", "SWU-003", "DD-003")
def test_bolus_above_max_is_rejected(pump):
    assert pump.store.current.max_bolus_mu == 10_000
    now = pump.clock.mono_ms()
    decision = pump.guard.check_bolus(10_050, now)
    assert not decision.ok and decision.reason == "Bolus exceeds maximum"
    refused = pump.log.events({"request-refused"})
    assert refused[-1].payload == {"message": "Bolus exceeds maximum", "requested_mu": 10_050}
    assert pump.guard.check_bolus(10_000, now).ok

    assert not pump.bolus.start(BolusRequest(10_050), now).ok
    pump.run(30_000)
    assert pump.mcu.executed_strokes == pump.strokes({Kind.BASAL}) == 0
    assert pump.bolus.start(BolusRequest(10_000), now).ok
    pump.run(400_000)
    assert pump.bolus.last_outcome.delivered_mu == 10_000


@pytest.mark.verifies("SRS-009", "SRS-010", "SRS-059", "SWU-003")
def test_basal_and_daily_limits(pump):
    guard, clock = pump.guard, pump.clock
    now = clock.mono_ms()
    assert pump.store.current.max_basal_mu_h == 5_000
    decision = guard.check_profile([1_000, 5_050], now)
    assert not decision.ok and decision.reason == "Basal rate exceeds maximum"
    assert guard.check_profile([1_000, 5_000], now).ok
    profile = BasalProfile.from_rows([(0, 720, 3_000), (720, 1440, 4_000)])
    # 150 % is 4.50 U/h in the first segment but 6.00 U/h in the second
    assert guard.check_temp_basal(profile, 150, 600, 60, now).ok
    decision = guard.check_temp_basal(profile, 150, 690, 60, now)
    assert not decision.ok and decision.reason == "Basal rate exceeds maximum"
    decision = guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=5_050), now)
    assert not decision.ok and decision.reason == "Basal rate exceeds maximum"

    for _ in range(8):  # 80 U in the rolling 24 hours
        command = StrokeCommand(Kind.BOLUS, 200, programme_mu=10_000)
        assert guard.submit(command, clock.mono_ms()).ok
        clock.advance(3_600_000)
    assert guard.delivered_24h_mu(clock.mono_ms()) == 80_000
    decision = guard.check_bolus(50, clock.mono_ms())
    assert not decision.ok and decision.reason == "Bolus exceeds daily maximum"
    decision = guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), clock.mono_ms())
    assert not decision.ok and decision.reason == "Daily maximum reached"
    assert guard.stopped
    alarm = pump.alarms.get(Condition.DAILY_MAXIMUM)
    assert alarm is not None and alarm.spec.priority is Priority.HIGH
    assert alarm.spec.message == "Daily maximum reached"

    # the window is elapsed time: a wall-clock jump of a day changes nothing...
    clock.set_utc(clock.utc_ms() + 25 * 3_600_000)
    assert guard.delivered_24h_mu(clock.mono_ms()) == 80_000
    # ...while 24 hours of elapsed time after the first bolus free the first 10 U
    clock.advance(24 * 3_600_000 - 8 * 3_600_000 + 1)
    assert guard.delivered_24h_mu(clock.mono_ms()) == 70_000
    guard.release("Daily maximum reached")
    assert guard.check_bolus(10_000, clock.mono_ms()).ok


def corrupted_guard(mcu, alarms):
    corrupted = replace(
        TherapySettings(), max_bolus_mu=999_000, max_basal_mu_h=999_000, max_daily_mu=999_000
    )
    return LimitGuard(MotorLink(McuProtocol(mcu)), lambda: corrupted, alarms=alarms)


@pytest.mark.verifies("SRS-011", "SWU-003", "DD-003")
def test_absolute_limits_hold_with_corrupted_configuration(pump):
    now = pump.clock.mono_ms()
    requests = [
        lambda guard: guard.check_bolus(25_050, now),
        lambda guard: guard.submit(StrokeCommand(Kind.BOLUS, 1, programme_mu=25_050), now),
        lambda guard: guard.submit(StrokeCommand(Kind.REMOTE_BOLUS, 1, programme_mu=30_000), now),
        lambda guard: guard.check_basal_rate(ABS_MAX_BASAL_MU_H + 50, now),
        lambda guard: guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=35_050), now),
        lambda guard: guard.submit(StrokeCommand(Kind.TEMP_BASAL, 1, rate_mu_h=87_500), now),
        lambda guard: guard.check_priming(30_050, now),
        lambda guard: guard.submit(StrokeCommand(Kind.PRIMING, 2, programme_mu=30_050), now),
    ]
    for request in requests:
        assert not pump.alarms.is_active(Condition.DELIVERY_ERROR)
        guard = corrupted_guard(pump.mcu, pump.alarms)
        decision = request(guard)
        assert not decision.ok and decision.reason == "Delivery error"
        assert guard.stopped and guard.stop_reasons == ("Delivery error",)
        assert pump.alarms.get(Condition.DELIVERY_ERROR).spec.priority is Priority.HIGH
        pump.alarms.resolve_condition(Condition.DELIVERY_ERROR, now)  # for the next case
        pump.alarms.clear_condition(Condition.DELIVERY_ERROR, now)
        # and delivery stays stopped for every other command
        assert not guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), now).ok
    assert pump.mcu.executed_strokes == 0

    guard = corrupted_guard(pump.mcu, pump.alarms)
    assert guard.check_bolus(25_000, now).ok
    assert guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=35_000), now).ok
    assert guard.submit(StrokeCommand(Kind.PRIMING, 600, programme_mu=30_000), now).ok

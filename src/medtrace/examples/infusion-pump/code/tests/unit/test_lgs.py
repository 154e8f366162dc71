"""Low glucose suspend (TC-004)."""

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition, Priority
from insupump.cgm.validator import CgmValidator, RawReading
from insupump.therapy.basal import BasalProfile, BasalScheduler
from insupump.therapy.lgs import LowGlucoseSuspend

PAIRED = "8G4K2Q"


@pytest.mark.verifies("SRS-022", "SRS-023", "RC-012", "SWU-001", "DD-001")
def test_suspend_at_threshold_and_resume_rules(clock):
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    scheduler = BasalScheduler(BasalProfile.flat(1_000))
    lgs = LowGlucoseSuspend(scheduler, alarms, threshold_mgdl=70)
    validator = CgmValidator(PAIRED)

    def reading(value, *, age_min=0, transmitter=PAIRED):
        clock.advance(5 * 60_000)
        raw = RawReading.signed(transmitter, value, clock.utc_ms() - age_min * 60_000)
        glucose = validator.validate(raw, clock.utc_ms(), clock.mono_ms())
        lgs.on_reading(glucose, clock.mono_ms())
        lgs.tick(clock.mono_ms())
        return glucose

    reading(80)
    reading(75)
    assert not scheduler.suspended
    reading(70)  # at the threshold
    assert scheduler.suspended and lgs.active
    alert = alarms.get(Condition.LOW_GLUCOSE_SUSPEND)
    assert alert is not None and alert.spec.priority is Priority.MEDIUM
    assert alert.spec.message == "Low glucose: basal suspended"

    reading(90)
    reading(85)  # below threshold + 20: the recovery count starts again
    reading(90)
    assert scheduler.suspended
    assert not reading(94, transmitter="ZZZZZZ").valid  # invalid: ignored, neither way
    reading(90)
    assert not scheduler.suspended and not lgs.active
    assert alarms.is_active(Condition.BASAL_RESUMED)
    assert not alarms.is_active(Condition.LOW_GLUCOSE_SUSPEND)

    # missing or invalid readings never start a suspension
    assert not reading(39).valid  # out of range
    assert not reading(60, transmitter="ZZZZZZ").valid
    stale = reading(60, age_min=16)
    assert not stale.usable(clock.mono_ms())
    assert not scheduler.suspended
    clock.advance(60 * 60_000)  # a gap of an hour without any reading
    lgs.tick(clock.mono_ms())
    assert not scheduler.suspended

    # a suspension ends after 120 minutes whatever the readings
    reading(65)
    started = lgs.started_ms
    assert scheduler.suspended and started is not None
    while clock.mono_ms() - started < 115 * 60_000:
        reading(62)  # still low, and valid
        assert scheduler.suspended
    clock.advance(5 * 60_000)
    lgs.tick(clock.mono_ms())
    assert not scheduler.suspended
    assert clock.mono_ms() - started == 120 * 60_000

    # ...and invalid or missing readings cannot prolong one
    reading(60)
    started = lgs.started_ms
    for _ in range(10):
        reading(55, age_min=30)  # stale readings
    clock.advance(120 * 60_000 - (clock.mono_ms() - started))
    lgs.tick(clock.mono_ms())
    assert not scheduler.suspended

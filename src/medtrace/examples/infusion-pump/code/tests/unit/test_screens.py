"""Review screens, keypad lock, clinician PIN and time setting (TC-029, TC-030)."""

from datetime import datetime, timedelta

import pytest
from insupump.therapy.settings import SettingsStore, TherapySettings
from insupump.ui.entry import Key, KeyAction, KeypadLock, PinGuard, PinLockedOutError
from insupump.ui.screens import (
    ClinicianSettingsScreen,
    PinRequiredError,
    ReviewScreen,
    ReviewState,
    TherapyCommand,
    TimeSettingScreen,
)


@pytest.mark.verifies("SRS-018", "RC-002", "SWU-011")
def test_therapy_change_requires_confirmation_screen():
    for command in (
        TherapyCommand("bolus", amount_mu=2_000),
        TherapyCommand("temp-basal", percent=150, duration_min=120),
        TherapyCommand("suspend"),
        TherapyCommand("resume"),
    ):
        screen = ReviewScreen(command, max_bolus_mu=10_000)
        for key in (Key.UP, Key.DOWN, Key.STOP):
            assert screen.press(key, 0) is None  # only Confirm acts
        assert screen.press(Key.CONFIRM, 0) == command
        assert screen.state is ReviewState.CONFIRMED

    screen = ReviewScreen(
        TherapyCommand("temp-basal", percent=150, duration_min=120), max_bolus_mu=10_000
    )
    assert screen.lines()[2:4] == ["150 %", "2 h 00 min"]

    big = ReviewScreen(TherapyCommand("bolus", amount_mu=6_000), max_bolus_mu=10_000)
    assert big.lines()[2] == "6.00 U"  # value and unit in large digits
    assert big.press(Key.CONFIRM, 0) is None  # 6.00 U is above 50 % of 10.00 U
    assert big.state is ReviewState.SECOND_REVIEW
    assert big.lines()[0] == "Large bolus: confirm again"
    assert big.press(Key.CONFIRM, 0) == TherapyCommand("bolus", amount_mu=6_000)
    half = ReviewScreen(TherapyCommand("bolus", amount_mu=5_000), max_bolus_mu=10_000)
    assert half.press(Key.CONFIRM, 0) is not None  # exactly 50 %: one confirmation

    discarded = ReviewScreen(TherapyCommand("bolus", amount_mu=6_000), max_bolus_mu=10_000)
    discarded.press(Key.CONFIRM, 0)
    assert discarded.press(Key.BACK, 0) is None
    assert discarded.state is ReviewState.DISCARDED
    assert discarded.press(Key.CONFIRM, 0) is None  # Back discarded the entry


@pytest.mark.verifies("SRS-041", "SRS-042", "SRS-060", "SWU-011")
def test_keypad_lock_pin_lockout_and_time_change(clock):
    lock = KeypadLock(0)
    lock.tick(59_999)
    assert not lock.locked
    lock.tick(60_000)
    assert lock.locked
    assert lock.press(Key.CONFIRM, 61_000) is KeyAction.SWALLOWED
    assert lock.press(Key.CONFIRM, 61_500, alarm_active=True) is KeyAction.ACKNOWLEDGE_ALARM
    for key, at in ((Key.UP, 62_000), (Key.DOWN, 65_000), (Key.CONFIRM, 67_500)):
        lock.press(key, at)  # too slow: 5.5 s
    assert lock.locked
    assert lock.press(Key.UP, 70_000) is KeyAction.SWALLOWED
    assert lock.press(Key.DOWN, 71_000) is KeyAction.SWALLOWED
    assert lock.press(Key.CONFIRM, 74_900) is KeyAction.UNLOCKED
    assert not lock.locked and lock.press(Key.UP, 75_000) is KeyAction.PASS

    nvm = {}
    store = SettingsStore(nvm)
    store.save(TherapySettings())
    pins = PinGuard(nvm)
    pins.set_pin("482916")
    screen = ClinicianSettingsScreen(store, pins)
    with pytest.raises(PinRequiredError):
        screen.change("max_bolus_mu", 15_000, 0)
    assert screen.change("reservoir_low_u", 30, 0).reservoir_low_u == 30  # not protected
    for field in ("max_bolus_mu", "max_basal_mu_h", "max_daily_mu", "dia_min"):
        with pytest.raises(PinRequiredError):
            screen.change(field, 10_000 if field != "dia_min" else 300, 0, pin="000000")
    assert screen.change("max_bolus_mu", 15_000, 0, pin="482916").max_bolus_mu == 15_000
    for attempt in range(5):
        assert not pins.check("111111", 1_000 + attempt)
    with pytest.raises(PinLockedOutError):
        pins.check("482916", 2_000)  # even the right PIN is refused for 15 minutes
    restarted = PinGuard(nvm)  # the lockout survives a restart
    with pytest.raises(PinLockedOutError):
        restarted.check("482916", 1_004 + 15 * 60_000 - 1)
    assert restarted.check("482916", 1_004 + 15 * 60_000)

    applied = []
    log = []

    class Log:
        def append(self, type_, payload=None):
            log.append((type_, payload))
            return len(log)

    times = TimeSettingScreen(applied.append, log=Log())
    now = datetime(2026, 3, 2, 8, 0)
    assert not times.request(now, now + timedelta(hours=4))  # needs a second confirmation
    assert applied == [] and log == []
    assert times.confirm_again()
    assert applied == [now + timedelta(hours=4)]
    assert log == [("time-change", {"old": "2026-03-02T08:00:00", "new": "2026-03-02T12:00:00"})]
    assert times.request(now, now - timedelta(hours=2, minutes=59))  # one confirmation
    assert log[-1][1]["new"] == "2026-03-02T05:01:00"
    times.set_format(clock_24h=False)
    assert log[-1] == ("time-format-change", {"clock_24h": False})

"""Safe data entry and keypad lock, by the keypad robot (TC-069)."""

import pytest
from insupump.alarms.manager import Condition
from insupump.therapy.limits import BOLUS_KINDS
from insupump.ui.entry import Key, KeyAction, NumericEntry
from insupump.ui.screens import ReviewScreen, ReviewState, TherapyCommand

SECOND = 1_000


class KeypadRobot:
    """Presses keys through the keypad lock, as the robot on the bench does."""

    def __init__(self, pump):
        self.pump = pump
        self.captures = []

    def press(self, key, *, held_ms=0, target=None):
        pump = self.pump
        pump.run(300)
        action = pump.keypad.press(
            key, pump.clock.mono_ms(), alarm_active=pump.alarms.top() is not None
        )
        if action is KeyAction.ACKNOWLEDGE_ALARM:
            pump.alarms.acknowledge(pump.clock.mono_ms())
        result = None
        if action is KeyAction.PASS and target is not None:
            if isinstance(target, NumericEntry):
                result = target.press(key, held_ms)
            else:
                result = target.press(key, pump.clock.mono_ms())
                self.captures.append(target.lines())
        return action, result


@pytest.mark.verifies("SYS-016", "SYS-018", "RC-002")
def test_entry_confirmation_and_keypad_lock(pump):
    robot = KeypadRobot(pump)
    max_bolus = pump.store.current.max_bolus_mu
    entry = NumericEntry.bolus(max_bolus)
    assert robot.press(Key.DOWN, target=entry)[1] == 0  # no wrap-around below 0.00 U
    for _ in range(30):
        robot.press(Key.UP, held_ms=3 * SECOND, target=entry)
    assert entry.value == max_bolus
    assert robot.press(Key.UP, target=entry)[1] == max_bolus  # no wrap-around to 0.00 U
    for _ in range(8):
        robot.press(Key.DOWN, held_ms=3 * SECOND, target=entry)
    assert entry.value == 6_000

    unconfirmed = ReviewScreen(
        TherapyCommand("bolus", amount_mu=entry.value), max_bolus_mu=max_bolus
    )
    robot.press(Key.BACK, target=unconfirmed)
    pump.run(30 * SECOND)
    assert unconfirmed.state is ReviewState.DISCARDED and pump.strokes(BOLUS_KINDS) == 0

    review = ReviewScreen(TherapyCommand("bolus", amount_mu=entry.value), max_bolus_mu=max_bolus)
    assert robot.press(Key.CONFIRM, target=review)[1] is None  # the second confirmation
    assert robot.captures[-1][0] == "Large bolus: confirm again"
    assert robot.captures[-1][2] == "6.00 U"
    pump.run(30 * SECOND)
    assert pump.strokes(BOLUS_KINDS) == 0
    _, command = robot.press(Key.CONFIRM, target=review)
    assert pump.apply(command).ok
    pump.run(300 * SECOND)
    assert pump.strokes(BOLUS_KINDS) == 120

    pump.run(60 * SECOND)
    assert pump.keypad.locked  # 60 s without a key press
    stray = ReviewScreen(TherapyCommand("bolus", amount_mu=1_000), max_bolus_mu=max_bolus)
    assert robot.press(Key.CONFIRM, target=stray)[0] is KeyAction.SWALLOWED
    assert stray.state is ReviewState.REVIEW

    pump.alarms.raise_condition(Condition.RESERVOIR_LOW, pump.clock.mono_ms())
    action, _ = robot.press(Key.CONFIRM)
    assert action is KeyAction.ACKNOWLEDGE_ALARM  # alarms stay acknowledgeable when locked
    assert pump.alarms.get(Condition.RESERVOIR_LOW).acknowledged_ms is not None
    assert pump.keypad.locked

    assert [robot.press(key)[0] for key in (Key.UP, Key.DOWN, Key.CONFIRM)][-1] is (
        KeyAction.UNLOCKED
    )
    assert robot.press(Key.BACK, target=stray)[0] is KeyAction.PASS
    assert stray.state is ReviewState.DISCARDED

"""Numeric entry (TC-028)."""

import pytest
from insupump.ui.entry import Key, NumericEntry


@pytest.mark.verifies("SRS-019", "RC-002", "SWU-011", "DD-011")
def test_numeric_entry_clamps_without_wraparound():
    entry = NumericEntry.bolus(max_bolus_mu=10_000)
    assert entry.value == 0  # bolus entry starts at 0.00 U
    assert entry.press(Key.DOWN) == 0  # no wrap-around to the maximum
    assert entry.press(Key.UP) == 50
    assert entry.press(Key.UP, held_ms=1_999) == 100
    assert entry.press(Key.UP, held_ms=2_000) == 600  # ten steps per press when held 2 s
    while entry.value < 10_000:
        entry.press(Key.UP, held_ms=5_000)
    assert entry.value == 10_000
    assert entry.press(Key.UP) == 10_000  # stops at the maximum, no wrap to 0.00
    assert entry.press(Key.UP, held_ms=3_000) == 10_000
    assert entry.press(Key.DOWN, held_ms=3_000) == 9_500
    while entry.value > 0:
        entry.press(Key.DOWN, held_ms=5_000)
    assert entry.press(Key.DOWN, held_ms=5_000) == 0

    setting = NumericEntry.setting(current=20, step=1, minimum=10, maximum=50)
    assert setting.value == 20  # settings start at their current value
    for _ in range(5):
        setting.press(Key.DOWN, held_ms=2_500)
    assert setting.value == 10
    assert setting.press(Key.CONFIRM) == 10

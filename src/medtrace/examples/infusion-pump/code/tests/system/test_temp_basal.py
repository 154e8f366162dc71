"""Temporary basal end to end (TC-056)."""

import pytest
from insupump.therapy.limits import BASAL_KINDS, Kind
from insupump.ui.entry import Key
from insupump.ui.screens import ReviewScreen, TherapyCommand

HOUR = 3_600_000


def keypad_robot(pump, command):
    """Program a therapy change through its review screen and the Confirm key."""
    screen = ReviewScreen(command, max_bolus_mu=pump.store.current.max_bolus_mu)
    confirmed = screen.press(Key.CONFIRM, pump.clock.mono_ms())
    return pump.apply(confirmed)


@pytest.mark.verifies("SYS-002")
def test_temp_basal_applied_and_reverted(make_pump):
    pump = make_pump(accelerated=True)  # 1.00 U/h profile
    pump.boot()
    pump.run(HOUR, step_ms=1_000)

    def delivered(since, until):
        return sum(
            n for t, kind, n in pump.deliveries if kind in BASAL_KINDS and since < t <= until
        )

    start = pump.clock.mono_ms()
    assert keypad_robot(pump, TherapyCommand("temp-basal", percent=150, duration_min=120)).ok
    pump.run(2 * HOUR, step_ms=1_000)
    assert abs(delivered(start, start + 2 * HOUR) - 60) <= 1  # 3.00 U at 1.50 U/h
    assert pump.scheduler.temp_basal is None  # back to the profile automatically
    pump.run(HOUR, step_ms=1_000)
    assert abs(delivered(start + 2 * HOUR, start + 3 * HOUR) - 20) <= 1
    assert [e.payload["reason"] for e in pump.log.events({"temp-basal-end"})] == ["completed"]

    start = pump.clock.mono_ms()
    assert keypad_robot(pump, TherapyCommand("temp-basal", percent=0, duration_min=30)).ok
    pump.run(30 * 60_000, step_ms=1_000)
    assert delivered(start, start + 30 * 60_000 - 1_000) == 0
    pump.run(HOUR, step_ms=1_000)
    assert abs(delivered(start + 30 * 60_000, start + 90 * 60_000) - 20) <= 1
    kinds = {kind for t, kind, _ in pump.deliveries if t > start + 31 * 60_000}
    assert kinds == {Kind.BASAL}

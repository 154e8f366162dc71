"""Remote bolus expiry without on-pump confirmation (TC-036)."""

import pytest
from insupump.comms.remote_commands import RemoteCommandQueue, parse_remote_command
from insupump.history.store import EventLog
from insupump.ui.entry import Key
from insupump.ui.screens import TherapyCommand


@pytest.mark.verifies("SRS-050", "RC-014", "SWU-015")
def test_remote_bolus_expires_without_on_pump_confirmation(clock):
    log = EventLog({}, clock)
    queue = RemoteCommandQueue(log=log)
    command = parse_remote_command(b'{"kind": "bolus", "amount_mu": 2000}')
    start = clock.mono_ms()
    queue.offer(command, start)
    screen = queue.review_screen(max_bolus_mu=10_000)
    assert screen is not None and "2.00 U" in screen.lines()
    queue.tick(start + 60_000)
    assert queue.pending == command  # still shown at 60 s
    queue.tick(start + 60_001)
    assert queue.pending is None
    expired = log.events({"remote-command-expired"})
    assert expired[-1].payload == {"kind": "bolus", "message": "Remote command expired"}
    assert screen.press(Key.CONFIRM, start + 61_000) is None  # too late: nothing to deliver

    queue.offer(command, start + 100_000)
    screen = queue.review_screen(max_bolus_mu=10_000)
    confirmed = screen.press(Key.CONFIRM, start + 130_000)
    assert confirmed == TherapyCommand("bolus", amount_mu=2_000, source="remote")
    assert queue.pending is None
    assert log.events({"remote-command-confirmed"})[-1].payload == {"kind": "bolus"}

"""CGM reconnection and signal loss alert (TC-034)."""

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition, Priority
from insupump.cgm.link import CgmLink
from insupump.cgm.validator import CgmValidator, RawReading

PAIRED = "8G4K2Q"
SECOND = 1_000
MINUTE = 60_000


class MockBleClient:
    def __init__(self):
        self.reachable = True
        self.calls = []

    def connect(self, transmitter_id):
        self.calls.append(transmitter_id)
        if not self.reachable:
            raise TimeoutError("device not found")
        return True


@pytest.mark.verifies("SRS-045", "SRS-046", "SWU-013", "DD-013")
def test_reconnect_interval_and_signal_loss_alert(clock):
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    client = MockBleClient()
    received = []
    link = CgmLink(PAIRED, client, CgmValidator(PAIRED), alarms, on_reading=received.append)
    with pytest.raises(ValueError):
        CgmLink("ABC12", client, CgmValidator(PAIRED), alarms)

    def advance(ms, step=SECOND):
        for _ in range(ms // step):
            clock.advance(step)
            link.tick(clock.mono_ms())

    def notify(value):
        raw = RawReading.signed(PAIRED, value, clock.utc_ms())
        return link.on_notification(raw, clock.utc_ms(), clock.mono_ms())

    link.start(clock.mono_ms())
    assert link.connected and client.calls == [PAIRED]
    for value in (120, 124, 127):  # a reading every 5 minutes
        advance(5 * MINUTE)
        assert notify(value).valid
    assert [r.value_mgdl for r in received] == [120, 124, 127]
    last_valid = clock.mono_ms()

    client.reachable = False
    link.on_disconnected(clock.mono_ms())
    lost_at = clock.mono_ms()
    advance(5 * MINUTE)
    assert [t - lost_at for t in link.attempts[1:]] == [30_000 * n for n in range(1, 11)]
    assert not link.connected

    advance(15 * MINUTE - 1 * SECOND)  # 19:59 after the last valid reading
    assert clock.mono_ms() - last_valid == 20 * MINUTE - SECOND
    assert not alarms.is_active(Condition.CGM_SIGNAL_LOST)
    advance(SECOND)
    alarm = alarms.get(Condition.CGM_SIGNAL_LOST)
    assert alarm is not None and alarm.spec.priority is Priority.MEDIUM
    assert alarm.spec.message == "CGM signal lost"

    client.reachable = True
    advance(30 * SECOND)
    assert link.connected
    attempts = len(link.attempts)
    advance(5 * MINUTE)
    assert len(link.attempts) == attempts  # no attempts while connected
    assert alarms.is_active(Condition.CGM_SIGNAL_LOST)
    assert not notify(39).valid  # an invalid reading does not clear the alert
    assert alarms.is_active(Condition.CGM_SIGNAL_LOST)
    assert notify(131).valid
    assert not alarms.is_active(Condition.CGM_SIGNAL_LOST)  # cleared by the next valid one

"""BLE reconnection after a Bluetooth adapter reset (TC-051).

The device uses bleak (SOUP-004) over BlueZ; this dependency-free example has no radio, so
a simulated adapter and transmitter stand in for BlueZ: a reset drops the connection and
makes the adapter disappear for up to 40 s, and the transmitter notifies a reading as soon
as it is connected again."""

import random

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition
from insupump.cgm.link import AdapterMissingError, CgmLink
from insupump.cgm.validator import CgmValidator, RawReading

PAIRED = "8G4K2Q"
SECOND = 1_000


class SimulatedAdapter:
    def __init__(self, clock):
        self.clock = clock
        self.back_at = 0
        self.connected = False
        self.resets_requested = 0

    def connect(self, transmitter_id):
        if self.clock.mono_ms() < self.back_at:
            raise AdapterMissingError("org.bluez.Error.NotReady")
        self.connected = transmitter_id == PAIRED
        return self.connected

    def reset(self, down_ms):
        self.connected = False
        self.back_at = self.clock.mono_ms() + down_ms


@pytest.mark.verifies("SOUP-004", "SWI-007", "SRS-045")
def test_bluez_adapter_reset_reconnects(clock):
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    adapter = SimulatedAdapter(clock)
    readings = []

    def request_reset():
        adapter.resets_requested += 1

    link = CgmLink(
        PAIRED,
        adapter,
        CgmValidator(PAIRED),
        alarms,
        on_reading=readings.append,
        reset_adapter=request_reset,
    )
    rng = random.Random(51)
    link.start(clock.mono_ms())
    resume_times = []
    for _ in range(20):
        clock.advance(rng.randrange(6, 20) * 60 * SECOND)
        adapter.reset(down_ms=rng.randrange(2, 40) * SECOND)
        link.on_disconnected(clock.mono_ms())
        reset_at, resumed = clock.mono_ms(), None
        while resumed is None:
            clock.advance(SECOND)
            link.tick(clock.mono_ms())
            if link.connected and adapter.connected:  # notifications flow again
                raw = RawReading.signed(PAIRED, 110 + rng.randrange(-5, 6), clock.utc_ms())
                link.on_notification(raw, clock.utc_ms(), clock.mono_ms())
                resumed = clock.mono_ms()
        resume_times.append(resumed - reset_at)
        assert clock.mono_ms() - reset_at <= 60 * SECOND
    assert len(resume_times) == 20 and max(resume_times) <= 60 * SECOND
    assert all(reading.valid for reading in readings) and len(readings) == 20
    assert not alarms.is_active(Condition.CGM_SIGNAL_LOST)
    assert 1 <= adapter.resets_requested < 20  # at most one adapter reset per 10 minutes

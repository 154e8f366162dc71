"""Tampered, replayed and unbonded messages (TC-035)."""

import pytest
from insupump.alarms.annunciator import Annunciator, Display, Speaker, VibrationMotor
from insupump.alarms.manager import AlarmManager, Condition, Priority
from insupump.comms.secure_channel import (
    Direction,
    Pairing,
    Peer,
    SecureChannel,
    Session,
    derive_session_key,
    ecdh_p256,
    p256_public_key,
)

APP = Peer("F4:12:9A:33:0C:7E", bonded=True, pairing=Pairing.NUMERIC_COMPARISON)
APP_KEY = 0x3A1F_77C2_9D04_EE51_6B28_C0F3_1A9E_55D7_4C02_B8E6_19F3_7A2D_E054_6C91_8B37_2F0D
MINUTE = 60_000


def connect(channel, now):
    pump_nonce, app_nonce = b"P" * 16, b"A" * 16
    pump_public = channel.open(APP, p256_public_key(APP_KEY), pump_nonce, app_nonce, now)
    assert pump_public is not None
    key = derive_session_key(ecdh_p256(APP_KEY, pump_public), pump_nonce, app_nonce)
    return Session(key, Direction.APP_TO_PUMP)


@pytest.mark.verifies("SRS-049", "RC-013", "SWU-015", "DD-015")
def test_tampered_replayed_and_unbonded_messages_dropped():
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    channel = SecureChannel({APP.address}, alarms)
    app = connect(channel, 0)
    first = app.seal(b'{"kind":"suspend"}')
    assert channel.receive(APP.address, first, 0) == b'{"kind":"suspend"}'
    assert app.open(channel.send(b"ack")) == b"ack"  # and the other direction

    flipped = bytearray(app.seal(b'{"kind":"resume"}'))
    flipped[12] ^= 0x01  # one bit of the ciphertext
    assert channel.receive(APP.address, bytes(flipped), MINUTE) is None
    assert channel.receive(APP.address, first, 2 * MINUTE) is None  # replayed counter
    assert channel.receive("66:00:DE:AD:BE:EF", app.seal(b"x"), 3 * MINUTE) is None
    stranger = Peer("66:00:DE:AD:BE:EF", bonded=False, pairing=Pairing.JUST_WORKS)
    assert channel.open(stranger, p256_public_key(7), b"P" * 16, b"A" * 16, 4 * MINUTE) is None
    assert channel.connected and not alarms.is_active(Condition.WIRELESS_SECURITY)
    assert channel.receive(APP.address, app.seal(b"still fine"), 5 * MINUTE) == b"still fine"

    late = bytearray(app.seal(b"tampered"))
    late[-1] ^= 0x80  # the tag
    assert channel.receive(APP.address, bytes(late), 9 * MINUTE) is None  # fifth in 10 min
    assert not channel.connected
    alert = alarms.get(Condition.WIRELESS_SECURITY)
    assert alert.spec.priority is Priority.LOW
    assert alert.spec.message == "Wireless security event"

    # drops spread over more than 10 minutes do not close the connection
    alarms = AlarmManager(
        Annunciator(Speaker(), VibrationMotor(), Display(), request_buzzer=lambda: None)
    )
    channel = SecureChannel({APP.address}, alarms)
    app = connect(channel, 0)
    replay = app.seal(b"once")
    channel.receive(APP.address, replay, 0)
    for minute in range(1, 25, 3):  # 8 drops, never 5 within 10 minutes
        assert channel.receive(APP.address, replay, minute * MINUTE) is None
    assert channel.connected and not alarms.is_active(Condition.WIRELESS_SECURITY)

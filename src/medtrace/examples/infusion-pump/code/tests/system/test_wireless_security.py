"""Wireless attack scenarios (TC-074)."""

import json

import pytest
from insupump.comms.remote_commands import parse_remote_command
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
from insupump.therapy.limits import BOLUS_KINDS

APP = Peer("F4:12:9A:33:0C:7E", bonded=True, pairing=Pairing.NUMERIC_COMPARISON)
ATTACKER = Peer("02:DE:AD:BE:EF:01", bonded=False, pairing=Pairing.JUST_WORKS)
APP_KEY, ATTACKER_KEY = 0x2B7E_1516_28AE_D2A6_ABF7_1588_09CF_4F3C, 0x1337_C0DE


@pytest.mark.verifies("SYS-022", "RC-013", "RC-014")
def test_unbonded_replayed_and_tampered_traffic_rejected(pump):
    channel = SecureChannel({APP.address}, pump.alarms, log=pump.log)
    now = pump.clock.mono_ms
    assert (
        channel.open(ATTACKER, p256_public_key(ATTACKER_KEY), b"n" * 16, b"m" * 16, now()) is None
    )  # no bonding: refused
    legacy = Peer(APP.address, bonded=True, pairing=Pairing.LEGACY)
    assert (
        channel.open(legacy, p256_public_key(ATTACKER_KEY), b"n" * 16, b"m" * 16, now()) is None
    )  # bonded, but without LE Secure Connections
    pump_public = channel.open(APP, p256_public_key(APP_KEY), b"n" * 16, b"m" * 16, now())
    app = Session(
        derive_session_key(ecdh_p256(APP_KEY, pump_public), b"n" * 16, b"m" * 16),
        Direction.APP_TO_PUMP,
    )

    captured = app.seal(json.dumps({"kind": "bolus", "amount_mu": 5_000}).encode())
    command = parse_remote_command(channel.receive(APP.address, captured, now()))
    pump.remote.offer(command, now())  # the legitimate user's request: never confirmed
    assert channel.receive(APP.address, captured, now()) is None  # replayed
    flipped = bytearray(app.seal(b'{"kind":"bolus","amount_mu":1000}'))
    flipped[9] ^= 0x04
    assert channel.receive(APP.address, bytes(flipped), now()) is None  # bit-flipped
    assert channel.receive(ATTACKER.address, captured, now()) is None  # injected
    attacker_session = Session(b"\x00" * 16, Direction.APP_TO_PUMP)
    forged = attacker_session.seal(b'{"kind":"bolus","amount_mu":25000}')
    assert channel.receive(APP.address, forged, now()) is None  # wrong key
    assert not channel.connected  # five drops: the link is closed
    assert any(a.spec.message == "Wireless security event" for a in pump.alarms.active())

    pump.run(70_000)  # the proposal was never confirmed on the pump
    assert pump.remote.pending is None
    assert pump.strokes(BOLUS_KINDS) == 0
    assert pump.log.events({"remote-command-expired"})[-1].payload["kind"] == "bolus"

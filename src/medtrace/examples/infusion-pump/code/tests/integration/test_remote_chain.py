"""Remote command shown for on-pump confirmation (TC-048)."""

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
from insupump.therapy.limits import Kind
from insupump.ui.entry import Key, KeyAction

APP = Peer("F4:12:9A:33:0C:7E", bonded=True, pairing=Pairing.NUMERIC_COMPARISON)
APP_KEY = 0x51C2_0A9F_3B7E_64D1_88A3_F027_CC19_5E6B_A4D0_3F81_92E7_6C05_B13A_D84F_2E96_107B


@pytest.mark.verifies("SWI-007", "SWI-005", "SRS-050", "RC-014")
def test_remote_command_shown_for_on_pump_confirmation(pump):
    channel = SecureChannel({APP.address}, pump.alarms, log=pump.log)
    pump_public = channel.open(
        APP, p256_public_key(APP_KEY), b"p" * 16, b"a" * 16, pump.clock.mono_ms()
    )
    app = Session(
        derive_session_key(ecdh_p256(APP_KEY, pump_public), b"p" * 16, b"a" * 16),
        Direction.APP_TO_PUMP,
    )
    message = json.dumps({"kind": "bolus", "amount_mu": 2_000}).encode()
    plaintext = channel.receive(APP.address, app.seal(message), pump.clock.mono_ms())
    pump.remote.offer(parse_remote_command(plaintext), pump.clock.mono_ms())

    screen = pump.remote.review_screen(pump.store.current.max_bolus_mu)
    assert screen.lines()[1:3] == ["bolus", "2.00 U"]  # shown on the pump's review screen
    pump.run(30_000)
    assert pump.strokes({Kind.REMOTE_BOLUS, Kind.BOLUS}) == 0  # nothing without Confirm
    for key in (Key.UP, Key.DOWN):
        assert screen.press(key, pump.clock.mono_ms()) is None

    assert pump.keypad.press(Key.CONFIRM, pump.clock.mono_ms()) is KeyAction.PASS
    command = screen.press(Key.CONFIRM, pump.clock.mono_ms())
    assert command.source == "remote"
    assert pump.apply(command).ok
    pump.run(90_000)
    assert pump.strokes({Kind.REMOTE_BOLUS}) == 40
    assert pump.strokes({Kind.BOLUS}) == 0

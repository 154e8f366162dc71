"""Settings copies and CRC handling (TC-012)."""

import json
import zlib
from dataclasses import asdict

import pytest
from insupump.hal.mcu_protocol import McuProtocol
from insupump.hal.motor import MotorLink
from insupump.therapy.limits import Kind, LimitGuard, StrokeCommand
from insupump.therapy.settings import (
    SETTINGS_LOST,
    SettingsLostError,
    SettingsStore,
    TherapySettings,
)


def with_valid_crc(settings_dict):
    body = json.dumps(settings_dict, sort_keys=True, separators=(",", ":")).encode()
    return body + zlib.crc32(body).to_bytes(4, "big")


@pytest.mark.verifies("SRS-066", "SWU-003", "DD-003")
def test_crc_mismatch_uses_valid_copy_or_blocks_delivery(clock, mcu):
    nvm = {}
    settings = TherapySettings(max_bolus_mu=8_000, reservoir_low_u=30)
    SettingsStore(nvm).save(settings)
    assert nvm["settings.a"] == nvm["settings.b"]

    damaged = bytearray(nvm["settings.a"])
    damaged[10] ^= 0x01
    nvm["settings.a"] = bytes(damaged)
    store = SettingsStore(nvm)
    assert store.load() == settings
    assert nvm["settings.a"] == nvm["settings.b"]  # restored from the valid copy

    out_of_range = asdict(settings) | {"max_bolus_mu": 30_000}
    nvm["settings.b"] = with_valid_crc(out_of_range)  # valid CRC, value out of range
    assert SettingsStore(nvm).load() == settings
    assert nvm["settings.b"] == nvm["settings.a"]

    nvm["settings.a"] = with_valid_crc(out_of_range)
    nvm["settings.b"] = nvm["settings.b"][:-1] + b"\x00"
    store = SettingsStore(nvm)
    with pytest.raises(SettingsLostError, match="Settings lost: re-enter therapy settings"):
        store.load()
    assert store.delivery_blocked

    guard = LimitGuard(MotorLink(McuProtocol(mcu)), lambda: store.current)
    decision = guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), clock.mono_ms())
    assert not decision.ok and decision.reason == SETTINGS_LOST
    assert not guard.check_bolus(1_000, clock.mono_ms()).ok
    assert mcu.executed_strokes == 0

    store.save(settings)  # re-entered therapy settings
    assert guard.submit(StrokeCommand(Kind.BASAL, 1, rate_mu_h=1_000), clock.mono_ms()).ok

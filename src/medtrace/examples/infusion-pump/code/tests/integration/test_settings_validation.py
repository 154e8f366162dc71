"""Strict settings and message models reject coercion (TC-053).

The device validates with pydantic strict models (SOUP-005); this dependency-free example
implements the same strict checks, which this test exercises on every model."""

import json
import zlib
from dataclasses import asdict

import pytest
from insupump.comms.remote_commands import MessageError, parse_remote_command
from insupump.dosing.bolus_calculator import CalculatorSegment, CalculatorSettingsError
from insupump.therapy.basal import BasalProfile, ProfileError, TempBasal
from insupump.therapy.bolus import BolusRequest, BolusRequestError
from insupump.therapy.settings import SettingsError, TherapySettings, decode, encode


def stored(values):
    body = json.dumps(values, sort_keys=True, separators=(",", ":")).encode()
    return body + zlib.crc32(body).to_bytes(4, "big")


@pytest.mark.verifies("SOUP-005", "SRS-014", "SRS-066")
def test_pydantic_strict_models_reject_coercion():
    good = asdict(TherapySettings())
    assert decode(encode(TherapySettings())) == TherapySettings()
    assert decode(stored(good)) == TherapySettings()
    coerced = {
        "max_bolus_mu": ["10000", 10000.0, True, 30_000, 25],
        "max_basal_mu_h": ["5000", 5000.5, False, 40_000],
        "max_daily_mu": ["80000", 80000.0, None, 5_000],
        "dia_min": ["240", 240.0, True, 90, 500],
        "lgs_enabled": [1, "true", None],
        "lgs_threshold_mgdl": ["70", 70.0, 59, 91],
        "reservoir_low_u": ["20", 9, 51],
        "calculator_segments": [
            [[0, "10", 40, 110]],
            [[0, 10.0, 40, 110]],
            [[0, True, 40, 110]],
            [[0, 10, 40, 200]],
            "0,10,40,110",
        ],
        "basal_segments": [
            [[0, 1440, "1000"]],
            [[0, 1440, 1000.0]],
            [[0, 1440, True]],
            [[0, 1440, 35_050]],
        ],
    }
    for field, values in coerced.items():
        for value in values:
            with pytest.raises(SettingsError):
                decode(stored(good | {field: value}))
    with pytest.raises(SettingsError):
        decode(stored(good | {"concentration": 200}))  # unknown fields are refused too

    for row in ((0, "10", 40, 110), (0, 10, 40.0, 110), (0, 10, 40, True), ("0", 10, 40, 110)):
        with pytest.raises(CalculatorSettingsError):
            CalculatorSegment(*row)
    for rows in ([(0, 1440, "1000")], [(0, 1440.0, 1000)], [(0, 1440, False)]):
        with pytest.raises(ProfileError):
            BasalProfile.from_rows(rows)
    for args in ((True, 30), ("100", 30), (100, 30.0)):
        with pytest.raises(ProfileError):
            TempBasal(*args)
    for amount in ("2000", 2000.0, True):
        with pytest.raises(BolusRequestError):
            BolusRequest(amount)

    assert parse_remote_command(b'{"kind": "bolus", "amount_mu": 2000}').amount_mu == 2_000
    messages = [
        {"kind": "bolus", "amount_mu": "2000"},
        {"kind": "bolus", "amount_mu": 2000.0},
        {"kind": "bolus", "amount_mu": True},
        {"kind": "bolus", "amount_mu": 25_050},
        {"kind": "bolus", "amount_mu": 2_025},
        {"kind": "bolus"},
        {"kind": "bolus", "amount_mu": 2000, "confirmed": True},
        {"kind": "temp-basal", "percent": "150", "duration_min": 60},
        {"kind": "temp-basal", "percent": 150, "duration_min": 45},
        {"kind": "prime", "amount_mu": 100},
        {"kind": 1},
        ["bolus", 2000],
    ]
    for message in messages:
        with pytest.raises(MessageError):
            parse_remote_command(json.dumps(message).encode())
    with pytest.raises(MessageError):
        parse_remote_command(b"\xff not json")

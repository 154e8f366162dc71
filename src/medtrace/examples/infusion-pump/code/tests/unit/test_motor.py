"""Whole strokes, rounding down and U-100 conversion (TC-018)."""

from dataclasses import fields
from decimal import Decimal
from pathlib import Path

import insupump
import pytest
from insupump.hal.mcu_protocol import McuProtocol
from insupump.hal.motor import (
    STROKE_UL,
    U100_UL_PER_UNIT,
    MotorLink,
    mu_to_strokes,
    round_down_mu,
    strokes_to_ul,
    units_to_mu,
)
from insupump.therapy.settings import TherapySettings


@pytest.mark.verifies("SRS-007", "SRS-043", "RC-017", "SWU-006", "DD-006")
def test_amounts_rounded_down_to_whole_strokes(mcu):
    cases = {"0.07": 1, "0.10": 2, "25.00": 500, "0.049": 0, "0.05": 1, "1.13": 22, "0.0999": 1}
    for units, strokes in cases.items():
        assert mu_to_strokes(units_to_mu(units)) == strokes, units
    assert round_down_mu(units_to_mu("2.57")) == 2_550  # never rounded up
    assert U100_UL_PER_UNIT == 10 and Decimal("0.5") == STROKE_UL
    assert strokes_to_ul(1) == Decimal("0.5") and strokes_to_ul(500) == Decimal("250")

    link = MotorLink(McuProtocol(mcu))
    token = link.issue_token()
    link.deliver(mu_to_strokes(units_to_mu("0.07")), token=token)
    assert mcu.executed_strokes == 1  # 0.07 U delivers one stroke; no stroke is added

    # no concentration setting exists: not in the settings model, not in the code base
    assert not [f.name for f in fields(TherapySettings) if "concentration" in f.name.lower()]
    package = Path(next(iter(insupump.__path__)))
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8").lower()
        assert "concentration_" not in text and "set_concentration" not in text, source

"""Bolus calculator (TC-013, TC-014, TC-015)."""

import itertools
from decimal import ROUND_FLOOR, Decimal

import pytest
from insupump.cgm.validator import CgmValidator, RawReading
from insupump.dosing.bolus_calculator import (
    BolusCalculator,
    CalculatorSegment,
    CalculatorSettings,
    CalculatorSettingsError,
    GlucoseInput,
    GlucoseSource,
    SuggestionExpiredError,
    blood_glucose,
    glucose_from_cgm,
)
from insupump.therapy.limits import BOLUS_KINDS
from insupump.therapy.settings import SettingsError, TherapySettings, validate_settings


class FixedIob:
    def __init__(self, mu):
        self.mu = mu

    def value(self, now_ms):
        return self.mu


def calculator(icr, isf, target, iob_mu, dia_min=240):
    settings = CalculatorSettings((CalculatorSegment(0, icr, isf, target),), dia_min)
    return BolusCalculator(settings, FixedIob(iob_mu))


def reference_units(carbs, icr, glucose, target, isf, iob_u):
    """Independent reference in decimal units: never negative, rounded down to 0.05 U."""
    total = Decimal(carbs) / Decimal(icr) + (Decimal(glucose) - Decimal(target)) / Decimal(isf)
    total -= Decimal(iob_u)
    if total <= 0:
        return Decimal("0.00")
    return (total / Decimal("0.05")).to_integral_value(rounding=ROUND_FLOOR) * Decimal("0.05")


# carbs g, ICR g/U, glucose mg/dL, target mg/dL, ISF mg/dL/U, IOB U, expected U
HAND_COMPUTED = [
    (60, 10, 190, 110, 40, "0", "8.00"),
    (60, 10, 190, 110, 40, "1.00", "7.00"),
    (45, 12, 110, 110, 40, "0", "3.75"),
    (50, 15, 110, 110, 40, "0", "3.30"),  # 3.333 rounded down
    (0, 10, 80, 110, 40, "0", "0.00"),  # -0.75 limited to 0
    (30, 10, 70, 110, 40, "0", "2.00"),  # reverse correction: 3.00 - 1.00
    (20, 10, 110, 110, 40, "3.00", "0.00"),  # insulin on board above the meal bolus
    (75, 7, 110, 110, 40, "0", "10.70"),  # 10.714
    (10, 3, 200, 100, 30, "0", "6.65"),  # 3.333 + 3.333
    (100, 8, 250, 120, 45, "1.23", "14.15"),  # 12.5 + 2.889 - 1.23
]


@pytest.mark.verifies("SRS-013", "SRS-014", "SWU-004", "DD-004")
def test_suggestion_formula_rounding_and_ranges():
    generated = [
        (carbs, icr, glucose, target, isf, iob, None)
        for carbs, (icr, isf, target), glucose, iob in itertools.islice(
            itertools.product(
                (0, 15, 48, 95, 150),
                ((1, 5, 80), (12, 45, 110), (150, 400, 180)),
                (40, 95, 183, 400),
                ("0", "0.35", "4.10"),
            ),
            5,
            185,
            6,
        )
    ]
    cases = HAND_COMPUTED + generated
    assert len(cases) == 40
    for carbs, icr, glucose, target, isf, iob_u, expected in cases:
        reference = reference_units(carbs, icr, glucose, target, isf, iob_u)
        if expected is not None:
            assert reference == Decimal(expected)
        suggestion = calculator(icr, isf, target, int(Decimal(iob_u) * 1000)).suggest(
            carbs, GlucoseInput(glucose, GlucoseSource.BLOOD_GLUCOSE), 0, 720
        )
        assert suggestion.total_mu == int(reference * 1000), (carbs, icr, glucose, iob_u)
        assert suggestion.total_mu >= 0 and suggestion.total_mu % 50 == 0

    bad_segments = [
        (0, 0, 40, 110),
        (0, 151, 40, 110),
        (0, 10, 4, 110),
        (0, 10, 401, 110),
        (0, 10, 40, 79),
        (0, 10, 40, 181),
        (0, "10", 40, 110),
        (0, 10.0, 40, 110),
        (0, True, 40, 110),
        (15, 10, 40, 110),
    ]
    for row in bad_segments:
        with pytest.raises(CalculatorSettingsError):
            CalculatorSegment(*row)
    for dia in (90, 510, 135, 240.0):
        with pytest.raises(CalculatorSettingsError):
            CalculatorSettings.from_rows([(0, 10, 40, 110)], dia)
    with pytest.raises(CalculatorSettingsError):
        CalculatorSettings.from_rows([(m, 10, 40, 110) for m in range(0, 270, 30)], 240)
    for limits in ((0, 1, 5, 80), (0, 150, 400, 180)):
        assert CalculatorSettings.from_rows([limits], 120).dia_min == 120
    assert (
        len(
            CalculatorSettings.from_rows(
                [(m, 10, 40, 110) for m in range(0, 240, 30)], 480
            ).segments
        )
        == 8
    )
    # ...and on load, through the settings store's validation
    with pytest.raises(SettingsError):
        validate_settings(TherapySettings(calculator_segments=((0, 10, 401, 110),)))
    with pytest.raises(SettingsError):
        validate_settings(TherapySettings(dia_min=510))


@pytest.mark.verifies("SRS-048", "RC-011", "SWU-004")
def test_cgm_value_used_only_when_valid_and_recent(clock):
    validator = CgmValidator("8G4K2Q")

    def receive(value, *, age_min, checksum_ok=True):
        raw = RawReading.signed("8G4K2Q", value, clock.utc_ms() - age_min * 60_000)
        if not checksum_ok:
            raw = RawReading(raw.transmitter_id, raw.value_mgdl, raw.timestamp_utc_ms, 0)
        return validator.validate(raw, clock.utc_ms(), clock.mono_ms())

    assert glucose_from_cgm(receive(420, age_min=1), clock.mono_ms()) is None
    assert glucose_from_cgm(receive(150, age_min=1, checksum_ok=False), clock.mono_ms()) is None
    assert glucose_from_cgm(receive(150, age_min=16), clock.mono_ms()) is None
    assert glucose_from_cgm(None, clock.mono_ms()) is None

    reading = receive(142, age_min=4)
    prefill = glucose_from_cgm(reading, clock.mono_ms())
    assert prefill == GlucoseInput(142, GlucoseSource.CGM, 4)
    assert prefill.label() == "142 mg/dL (CGM, 4 min)"
    clock.advance(12 * 60_000)  # the same reading is 16 minutes old when used
    assert glucose_from_cgm(reading, clock.mono_ms()) is None

    suggestion = calculator(10, 40, 110, 0).suggest(60, None, clock.mono_ms(), 720)
    assert suggestion.components()["glucose"] == "enter blood glucose"
    assert suggestion.total_mu == 6_000  # no correction without a glucose value
    entered = calculator(10, 40, 110, 0).suggest(60, blood_glucose(190), clock.mono_ms(), 720)
    assert entered.components()["glucose"] == "190 mg/dL (BG, 0 min)"


@pytest.mark.verifies("SRS-015", "RC-002", "SWU-004")
def test_suggestion_needs_confirmation_and_expires(pump):
    pump.iob.add_bolus(pump.clock.mono_ms() - 60 * 60_000, 2_000)
    calc = BolusCalculator(
        TherapySettings(calculator_segments=((0, 10, 40, 110),)).calculator(), pump.iob
    )
    now = pump.clock.mono_ms()
    suggestion = calc.suggest(60, blood_glucose(190), now, pump.clock.local_minute())
    shown = suggestion.components()
    assert shown["carbohydrate"] == "6.00 U" and shown["correction"] == "2.00 U"
    iob_mu = pump.iob.value(now)
    assert 1_400 < iob_mu < 1_600
    assert shown["insulin on board"] == f"-{iob_mu // 10 / 100:.2f} U"
    assert suggestion.total_mu == (8_000 - iob_mu) // 50 * 50
    pump.run(60_000)
    assert pump.strokes(BOLUS_KINDS) == 0  # a suggestion alone delivers nothing

    with pytest.raises(SuggestionExpiredError):
        calc.confirm(suggestion, suggestion.total_mu, now + 301_000)
    fresh = calc.suggest(60, blood_glucose(190), pump.clock.mono_ms(), pump.clock.local_minute())
    request = calc.confirm(fresh, 7_000, pump.clock.mono_ms() + 10_000)  # changed amount
    assert request.amount_mu == 7_000
    assert pump.bolus.start(request, pump.clock.mono_ms()).ok
    pump.run(300_000)
    assert pump.strokes(BOLUS_KINDS) == 140

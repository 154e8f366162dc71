"""Bolus calculator (SWU-004).

suggested = carbohydrate / ICR + (glucose - target) / ISF - insulin on board, with the ICR,
ISF and target of the time segment active at the time of the calculation, computed exactly
(rational arithmetic in mU), limited to not less than 0 and rounded down to 0.05 U. A
glucose below the target reduces the suggestion (reverse correction).

The glucose value is pre-filled from the CGM only when a reading valid for therapy exists
now; otherwise the user is asked for a blood glucose entry. A suggestion delivers nothing:
it shows its components and becomes a bolus request only when the user confirms it, with
the suggested or a changed amount, within 5 minutes. If insulin on board is unavailable the
calculator refuses to work rather than assume zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from insupump.cgm.validator import GlucoseReading
from insupump.dosing.iob import InsulinOnBoard, IobUnavailable
from insupump.therapy.bolus import BolusRequest

# implements: SRS-013
# implements: SRS-014
# implements: SRS-015
# implements: SRS-048

ICR_RANGE = (1, 150)  # g/U
ISF_RANGE = (5, 400)  # mg/dL per U
TARGET_RANGE = (80, 180)  # mg/dL
DIA_RANGE_MIN = (120, 480)  # 2.0 to 8.0 h
DIA_STEP_MIN = 30
MAX_SEGMENTS = 8
CARBS_RANGE_G = (0, 300)
BG_RANGE_MGDL = (20, 600)
SUGGESTION_TTL_MS = 5 * 60_000
ROUNDING_MU = 50
UNAVAILABLE = "Bolus calculator unavailable: history incomplete"


class CalculatorSettingsError(ValueError):
    pass


class CalculatorUnavailable(Exception):  # noqa: N818 - the name used in DD-004
    def __init__(self) -> None:
        super().__init__(UNAVAILABLE)


class SuggestionExpiredError(Exception):
    pass


def _require(name: str, value: object, limits: tuple[int, int], step: int = 1) -> None:
    low, high = limits
    if type(value) is not int:  # strict: no str, float or bool
        raise CalculatorSettingsError(f"{name} must be an integer, not {value!r}")
    if not low <= value <= high or (value - low) % step:
        raise CalculatorSettingsError(f"{name} {value} outside {low} to {high}")


@dataclass(frozen=True, slots=True)
class CalculatorSegment:
    start_minute: int
    icr_g_per_u: int
    isf_mgdl_per_u: int
    target_mgdl: int

    def __post_init__(self) -> None:
        _require("start minute", self.start_minute, (0, 1410), 30)
        _require("ICR", self.icr_g_per_u, ICR_RANGE)
        _require("ISF", self.isf_mgdl_per_u, ISF_RANGE)
        _require("target", self.target_mgdl, TARGET_RANGE)


@dataclass(frozen=True, slots=True)
class CalculatorSettings:
    segments: tuple[CalculatorSegment, ...]
    dia_min: int

    def __post_init__(self) -> None:
        if not 1 <= len(self.segments) <= MAX_SEGMENTS:
            raise CalculatorSettingsError(f"1 to {MAX_SEGMENTS} calculator segments")
        starts = [segment.start_minute for segment in self.segments]
        if starts[0] != 0 or starts != sorted(set(starts)):
            raise CalculatorSettingsError("segments start at 00:00 in increasing order")
        _require("DIA", self.dia_min, DIA_RANGE_MIN, DIA_STEP_MIN)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]], dia_min: int) -> CalculatorSettings:
        return cls(tuple(CalculatorSegment(*row) for row in rows), dia_min)

    def segment_at(self, local_minute: int) -> CalculatorSegment:
        minute = local_minute % 1440
        return [s for s in self.segments if s.start_minute <= minute][-1]


class GlucoseSource(StrEnum):
    CGM = "CGM"
    BLOOD_GLUCOSE = "BG"


@dataclass(frozen=True, slots=True)
class GlucoseInput:
    value_mgdl: int
    source: GlucoseSource
    age_min: int = 0

    def label(self) -> str:
        """Source and age, as shown on the calculator screen."""
        return f"{self.value_mgdl} mg/dL ({self.source}, {self.age_min} min)"


def glucose_from_cgm(reading: GlucoseReading | None, now_ms: int) -> GlucoseInput | None:
    """The CGM value for pre-filling, or None: then ask for a blood glucose entry."""
    if reading is None or not reading.usable(now_ms):
        return None
    return GlucoseInput(reading.value_mgdl, GlucoseSource.CGM, reading.age_min(now_ms))


def blood_glucose(value_mgdl: int) -> GlucoseInput:
    _require("blood glucose", value_mgdl, BG_RANGE_MGDL)
    return GlucoseInput(value_mgdl, GlucoseSource.BLOOD_GLUCOSE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    carb_mu: Fraction
    correction_mu: Fraction
    iob_mu: int
    total_mu: int
    glucose: GlucoseInput | None
    calculated_at_ms: int
    expires_at_ms: int

    def components(self) -> dict[str, str]:
        """The lines of the suggestion screen, each to 0.01 U."""

        def units(mu: Fraction | int) -> str:
            return f"{math.floor(Fraction(mu) / 10) / 100:.2f} U"

        return {
            "carbohydrate": units(self.carb_mu),
            "correction": units(self.correction_mu),
            "insulin on board": f"-{units(self.iob_mu)}",
            "suggested": units(self.total_mu),
            "glucose": self.glucose.label() if self.glucose else "enter blood glucose",
        }


class BolusCalculator:
    def __init__(self, settings: CalculatorSettings, iob: InsulinOnBoard) -> None:
        self.settings = settings
        self._iob = iob

    def suggest(
        self, carbs_g: int, glucose: GlucoseInput | None, now_ms: int, local_minute: int
    ) -> Suggestion:
        _require("carbohydrate", carbs_g, CARBS_RANGE_G)
        try:
            iob_mu = self._iob.value(now_ms)
        except IobUnavailable as error:
            raise CalculatorUnavailable() from error
        segment = self.settings.segment_at(local_minute)
        carb = Fraction(carbs_g * 1000, segment.icr_g_per_u)
        correction = Fraction(0)
        if glucose is not None:
            correction = Fraction(
                (glucose.value_mgdl - segment.target_mgdl) * 1000, segment.isf_mgdl_per_u
            )
        total = carb + correction - iob_mu
        total_mu = 0 if total <= 0 else math.floor(total / ROUNDING_MU) * ROUNDING_MU
        return Suggestion(
            carb, correction, iob_mu, total_mu, glucose, now_ms, now_ms + SUGGESTION_TTL_MS
        )

    @staticmethod
    def confirm(suggestion: Suggestion, amount_mu: int, now_ms: int) -> BolusRequest:
        """The user's confirmation, with the suggested or a changed amount."""
        if now_ms > suggestion.expires_at_ms:
            raise SuggestionExpiredError("the suggestion is older than 5 minutes: recalculate")
        return BolusRequest(amount_mu)

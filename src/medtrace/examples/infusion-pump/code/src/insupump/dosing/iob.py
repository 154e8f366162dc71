"""Insulin on board model (SWU-005).

Insulin on board (IOB) is the sum, over the boluses delivered in the last DIA hours, of the
delivered amount times the remaining fraction of an exponential insulin action curve with
its peak activity at 75 minutes (basal insulin is not counted). With peak time tp and
duration td, tau = tp (1 - tp/td) / (1 - 2 tp/td), a = 2 tau / td and
S = 1 / (1 - a + (1 + a) e^(-td/tau)); the remaining fraction at time t is

    1 - S (1 - a) ((t^2 / (tau td (1 - a)) - t/tau - 1) e^(-t/tau) + 1)

Ages are elapsed monotonic time, never differences of wall-clock time stamps. At start-up
the model is rebuilt from the event log; if the history of the last DIA hours is not
complete, ``value`` raises ``IobUnavailable`` until DIA hours have passed since start-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

# implements: SRS-016
# implements: SRS-017
# implements: SRS-059

PEAK_MIN = 75
DISPLAY_STEP_MU = 50


class IobUnavailable(Exception):  # noqa: N818 - the name used in DD-005
    pass


class BolusHistory(Protocol):
    def boluses_since(self, mono_ms: int) -> list[tuple[int, int]]: ...

    def complete_since(self, mono_ms: int) -> bool: ...


@dataclass(frozen=True, slots=True)
class ActionCurve:
    dia_min: int
    peak_min: int = PEAK_MIN

    def __post_init__(self) -> None:
        if self.dia_min <= 2 * self.peak_min:
            # the exponential model is undefined unless td > 2 tp (DIA above 2.5 h)
            raise ValueError(
                f"the exponential curve with a {self.peak_min}-minute peak needs a DIA above "
                f"{2 * self.peak_min} minutes, not {self.dia_min}"
            )

    def remaining(self, t_min: float) -> float:
        """Fraction of a bolus still active ``t_min`` minutes after delivery."""
        td, tp = float(self.dia_min), float(self.peak_min)
        if t_min <= 0:
            return 1.0
        if t_min >= td:
            return 0.0
        tau = tp * (1 - tp / td) / (1 - 2 * tp / td)
        a = 2 * tau / td
        s = 1 / (1 - a + (1 + a) * math.exp(-td / tau))
        inner = (t_min**2 / (tau * td * (1 - a)) - t_min / tau - 1) * math.exp(-t_min / tau) + 1
        return min(1.0, max(0.0, 1 - s * (1 - a) * inner))


class InsulinOnBoard:
    def __init__(self, dia_min: int, *, peak_min: int = PEAK_MIN) -> None:
        self.curve = ActionCurve(dia_min, peak_min)
        self._boluses: list[tuple[int, int]] = []  # (monotonic ms, mU)
        self._unavailable_until: int | None = None

    @property
    def dia_ms(self) -> int:
        return self.curve.dia_min * 60_000

    def rebuild(self, history: BolusHistory, now_ms: int) -> None:
        """Rebuild from the therapy history at start-up (``now_ms`` is the start time)."""
        since = now_ms - self.dia_ms
        self._boluses = sorted(history.boluses_since(since))
        complete = history.complete_since(since)
        self._unavailable_until = None if complete else now_ms + self.dia_ms

    def add_bolus(self, mono_ms: int, amount_mu: int) -> None:
        self._boluses = [(t, mu) for t, mu in self._boluses if mono_ms - t < self.dia_ms]
        self._boluses.append((mono_ms, amount_mu))

    def available(self, now_ms: int) -> bool:
        return self._unavailable_until is None or now_ms >= self._unavailable_until

    def value(self, now_ms: int) -> int:
        """Insulin on board in mU."""
        if not self.available(now_ms):
            raise IobUnavailable("history of the last DIA hours is incomplete")
        total = sum(
            mu * self.curve.remaining((now_ms - t) / 60_000)
            for t, mu in self._boluses
            if 0 <= now_ms - t < self.dia_ms
        )
        return round(total)

    def display(self, now_ms: int) -> str:
        """Insulin on board to 0.05 U, for the home and calculator screens."""
        steps = round(self.value(now_ms) / DISPLAY_STEP_MU)
        return f"{steps * DISPLAY_STEP_MU / 1000:.2f} U"

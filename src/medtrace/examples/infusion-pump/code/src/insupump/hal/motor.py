"""Motor command link (SWU-006): whole-stroke conversion and the motor API of the limit guard.

Insulin amounts are integer milliunits (mU) throughout the controller. One pump stroke moves
0.05 U (50 mU), which is 0.5 uL of U-100 insulin: the concentration is the constant
``U100_UL_PER_UNIT``, never a setting. Amounts are rounded down to whole strokes and no
stroke is ever added to make up for the rounding.

``MotorLink`` hands out one capability token, at start-up, to the limit guard (SWU-003) and
refuses every ``deliver`` or ``retract`` call that does not present it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from insupump.hal.mcu_protocol import Command, McuProtocol

# implements: SRS-007
# implements: SRS-043

STROKE_MU = 50  # 0.05 U
U100_UL_PER_UNIT = 10  # 100 U/mL: 10 uL per unit
STROKE_UL = Decimal(STROKE_MU * U100_UL_PER_UNIT) / 1000  # 0.5 uL
REWIND_MM = Decimal("45.0")


class MotorAccessError(PermissionError):
    """A motor command that did not come from the limit guard."""


def units_to_mu(units: str | int | Decimal) -> int:
    """``"0.07"`` -> 70 mU, exactly (decimal arithmetic, never binary floats)."""
    value = Decimal(str(units)) * 1000
    if value < 0:
        raise ValueError("an insulin amount cannot be negative")
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def mu_to_strokes(amount_mu: int) -> int:
    """Whole strokes in ``amount_mu``, rounded down (0.07 U -> 1 stroke)."""
    if amount_mu < 0:
        raise ValueError("an insulin amount cannot be negative")
    return amount_mu // STROKE_MU


def round_down_mu(amount_mu: int) -> int:
    """``amount_mu`` rounded down to a whole number of strokes."""
    return mu_to_strokes(amount_mu) * STROKE_MU


def strokes_to_ul(strokes: int) -> Decimal:
    """Volume of ``strokes`` strokes of U-100 insulin in microlitres."""
    return strokes * STROKE_UL


@dataclass(frozen=True, slots=True)
class EncoderReport:
    """Cumulative strokes commanded by the controller and counted by the MCU's encoder."""

    commanded_total: int
    encoder_total: int


class MotorLink:
    """The only code that sends movement commands to the safety MCU."""

    def __init__(self, protocol: McuProtocol) -> None:
        self._protocol = protocol
        self._token: object | None = None
        self.commanded_total = 0

    def issue_token(self) -> object:
        """The capability token; issued once, to the limit guard, at start-up."""
        if self._token is not None:
            raise MotorAccessError("the motor capability token has already been issued")
        self._token = object()
        return self._token

    def _check(self, token: object) -> None:
        if self._token is None or token is not self._token:
            raise MotorAccessError("motor commands are accepted only from the limit guard")

    def deliver(self, strokes: int, *, token: object) -> EncoderReport:
        self._check(token)
        if not 1 <= strokes <= 0xFFFF:
            raise ValueError("strokes must be between 1 and 65535")
        ack = self._protocol.send(Command.DELIVER, strokes.to_bytes(2, "big"))
        self.commanded_total += strokes
        return EncoderReport(self.commanded_total, int.from_bytes(ack.payload[:4], "big"))

    def retract(self, mm: Decimal | str, *, token: object) -> None:
        """Move the plunger drive back by ``mm`` millimetres (pressure relief, rewind)."""
        self._check(token)
        hundredths = int(Decimal(str(mm)) * 100)
        if not 0 < hundredths <= 0xFFFF:
            raise ValueError("retract distance out of range")
        self._protocol.send(Command.RETRACT, hundredths.to_bytes(2, "big"))

    def reset_counters(self, *, token: object) -> None:
        """Zero the commanded and encoder stroke counts (at a reservoir change)."""
        self._check(token)
        self._protocol.send(Command.RESET_COUNTERS)
        self.commanded_total = 0

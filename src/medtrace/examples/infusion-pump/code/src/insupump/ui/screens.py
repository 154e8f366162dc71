"""Screens, part of the screens and entry unit (SWU-011).

Therapy changes (bolus, basal profile, temporary basal, suspend, resume) leave the user
interface only as a ``TherapyCommand`` returned by a ``ReviewScreen`` after the Confirm key;
a bolus above half the configured maximum needs a second confirmation, and Back discards the
entry. The home screen shows the therapy status, the About screen the identification of the
device. The reservoir change starts with the U-100 instruction, which must be acknowledged.
Date and time changes of more than 3 hours need a second confirmation and every change is
logged with the old and new time; clinician-level limits change only with the clinician PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from insupump.therapy.priming import PrimingWorkflow
from insupump.therapy.settings import SettingsStore, TherapySettings
from insupump.ui.entry import Key, PinGuard
from insupump.ui.text import text

# implements: SRS-018
# implements: SRS-039
# implements: SRS-040
# implements: SRS-044
# implements: SRS-060

SECOND_CONFIRMATION_FRACTION = 0.5
TIME_CHANGE_SECOND_CONFIRMATION_H = 3
CLINICIAN_FIELDS = frozenset({"max_bolus_mu", "max_basal_mu_h", "max_daily_mu", "dia_min"})


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


def units(mu: int) -> str:
    return f"{mu / 1000:.2f} U"


def rate(mu_h: int) -> str:
    return f"{mu_h / 1000:.2f} U/h"


@dataclass(frozen=True, slots=True)
class TherapyCommand:
    """A confirmed therapy change, sent to therapy control (SWI-001)."""

    kind: str  # bolus, basal-profile, temp-basal, suspend, resume
    amount_mu: int = 0
    percent: int = 0
    duration_min: int = 0
    source: str = "pump"


class ReviewState(StrEnum):
    REVIEW = "review"
    SECOND_REVIEW = "second-review"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"


class ReviewScreen:
    def __init__(
        self,
        command: TherapyCommand,
        *,
        max_bolus_mu: int,
        accept: Callable[[TherapyCommand, int], TherapyCommand | None] | None = None,
    ) -> None:
        self.command = command
        self.state = ReviewState.REVIEW
        self._accept = accept
        self.second_confirmation = (
            command.kind == "bolus"
            and command.amount_mu > max_bolus_mu * SECOND_CONFIRMATION_FRACTION
        )

    def lines(self) -> list[str]:
        """Title, the values in large digits with their units, and the key hint."""
        title = (
            text("confirm-again")
            if self.state is ReviewState.SECOND_REVIEW
            else text("review-title")
        )
        command = self.command
        values = {
            "bolus": [units(command.amount_mu)],
            "temp-basal": [
                f"{command.percent} %",
                f"{command.duration_min // 60} h {command.duration_min % 60:02d} min",
            ],
        }.get(command.kind, [])
        return [title, command.kind, *values, text("press-confirm")]

    def press(self, key: Key, now_ms: int) -> TherapyCommand | None:
        if self.state in (ReviewState.CONFIRMED, ReviewState.DISCARDED):
            return None
        if key is Key.BACK:
            self.state = ReviewState.DISCARDED
            return None
        if key is not Key.CONFIRM:
            return None
        if self.state is ReviewState.REVIEW and self.second_confirmation:
            self.state = ReviewState.SECOND_REVIEW
            return None
        self.state = ReviewState.CONFIRMED
        if self._accept is not None:
            return self._accept(self.command, now_ms)
        return self.command


# --- home and about -----------------------------------------------------------------------

TREND_ARROWS = (
    (3.0, "\u2191\u2191"),
    (2.0, "\u2191"),
    (1.0, "\u2197"),
    (-1.0, "\u2192"),
    (-2.0, "\u2198"),
    (-3.0, "\u2193"),
)


def trend_arrow(mgdl_per_min: float | None) -> str:
    if mgdl_per_min is None:
        return "?"
    for lower, arrow in TREND_ARROWS:
        if mgdl_per_min >= lower:
            return arrow
    return "\u2193\u2193"


@dataclass(frozen=True, slots=True)
class PumpStatus:
    local_time: datetime
    battery_percent: int
    reservoir_mu: int
    iob_mu: int
    basal_rate_mu_h: int
    temp_basal: bool
    last_bolus_mu: int | None
    last_bolus_time: datetime | None
    cgm_mgdl: int | None
    cgm_trend: float | None
    cgm_age_min: int | None
    clock_24h: bool = True


def _clock(moment: datetime, clock_24h: bool) -> str:
    return moment.strftime("%H:%M" if clock_24h else "%I:%M %p")


def render_home(status: PumpStatus) -> dict[str, str]:
    iob_steps = round(status.iob_mu / 50)
    basal = rate(status.basal_rate_mu_h)
    last_bolus = "none"
    if status.last_bolus_mu is not None and status.last_bolus_time is not None:
        at = _clock(status.last_bolus_time, status.clock_24h)
        last_bolus = f"{units(status.last_bolus_mu)} at {at}"
    cgm = "---"
    if status.cgm_mgdl is not None:
        cgm = f"{status.cgm_mgdl} mg/dL {trend_arrow(status.cgm_trend)} {status.cgm_age_min} min"
    return {
        "time": _clock(status.local_time, status.clock_24h),
        "battery": f"{status.battery_percent} %",
        "insulin remaining": f"{max(status.reservoir_mu, 0) // 1000} U",
        "insulin on board": f"{iob_steps * 50 / 1000:.2f} U",
        "basal": f"Temp {basal}" if status.temp_basal else basal,
        "last bolus": last_bolus,
        "CGM": cgm,
    }


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    software_version: str
    mcu_firmware_version: str
    build_id: str
    serial_number: str
    udi_di: str


def render_about(info: DeviceInfo) -> dict[str, str]:
    return {
        "title": text("about-title"),
        "Software version": info.software_version,
        "Safety MCU firmware": info.mcu_firmware_version,
        "Build": info.build_id,
        "Serial number": info.serial_number,
        "UDI-DI": info.udi_di,
    }


# --- reservoir change ---------------------------------------------------------------------


class ReservoirChangeScreen:
    """U-100 instruction, then the disconnect confirmation, then the priming workflow."""

    def __init__(self, workflow: PrimingWorkflow) -> None:
        self._workflow = workflow
        self.step = "u100-instruction"

    def message(self) -> str:
        return text("fill-u100") if self.step == "u100-instruction" else text("disconnect-set")

    def press(self, key: Key) -> str:
        if key is Key.BACK:
            self.step = "cancelled"
        elif key is Key.CONFIRM and self.step == "u100-instruction":
            self.step = "confirm-disconnect"
            self._workflow.begin()
        elif key is Key.CONFIRM and self.step == "confirm-disconnect":
            self._workflow.confirm_disconnected()
            self.step = "rewind"
        return self.step


# --- date and time ------------------------------------------------------------------------


class TimeSettingScreen:
    def __init__(self, apply: Callable[[datetime], None], *, log: Logs | None = None) -> None:
        self._apply = apply
        self._log = log
        self.clock_24h = True
        self.pending: tuple[datetime, datetime] | None = None

    def request(self, current: datetime, new: datetime) -> bool:
        """Returns True if the change was applied, False if it awaits a second Confirm."""
        hours = abs((new - current).total_seconds()) / 3600
        if hours > TIME_CHANGE_SECOND_CONFIRMATION_H:
            self.pending = (current, new)
            return False
        self._change(current, new)
        return True

    def confirm_again(self) -> bool:
        if self.pending is None:
            return False
        current, new = self.pending
        self.pending = None
        self._change(current, new)
        return True

    def set_format(self, clock_24h: bool) -> None:
        self.clock_24h = clock_24h
        if self._log is not None:
            self._log.append("time-format-change", {"clock_24h": clock_24h})

    def _change(self, current: datetime, new: datetime) -> None:
        self._apply(new)
        if self._log is not None:
            self._log.append("time-change", {"old": current.isoformat(), "new": new.isoformat()})


# --- clinician settings -------------------------------------------------------------------


class PinRequiredError(Exception):
    pass


class ClinicianSettingsScreen:
    def __init__(self, store: SettingsStore, pins: PinGuard, *, log: Logs | None = None) -> None:
        self._store = store
        self._pins = pins
        self._log = log

    def change(
        self, name: str, value: int, now_ms: int, *, pin: str | None = None
    ) -> TherapySettings:
        """Change one setting; clinician-level limits need the PIN (may raise PinLockedOutError)."""
        if name in CLINICIAN_FIELDS and (pin is None or not self._pins.check(pin, now_ms)):
            raise PinRequiredError(text("pin-required"))
        old = self._store.current
        new = replace(old, **{name: value})
        self._store.save(new)
        if self._log is not None:
            self._log.append(
                "settings-change", {"setting": name, "old": getattr(old, name), "new": value}
            )
        return new

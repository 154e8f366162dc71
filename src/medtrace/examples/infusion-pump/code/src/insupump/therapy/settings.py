"""Therapy settings store, part of the limit guard and settings store unit (SWU-003).

The settings are serialised as canonical JSON and stored twice (``settings.a`` and
``settings.b``), each copy followed by a CRC-32 trailer and written by write-to-temporary
and rename. On load every value is checked strictly (an integer field accepts only an
integer: no string, float or boolean) and against its range; a copy that fails its CRC or
a check is damaged. One damaged copy is restored from the other; two damaged copies block
delivery with "Settings lost: re-enter therapy settings". There is deliberately no insulin
concentration setting (U-100 is a constant of the motor command link).

The device validates with pydantic strict models (SOUP-005); this dependency-free example
performs the same strict checks by hand.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

from insupump.dosing.bolus_calculator import CalculatorSettings, CalculatorSettingsError
from insupump.therapy.basal import BasalProfile, ProfileError

# implements: SRS-066

COPIES = ("settings.a", "settings.b")
SETTINGS_LOST = "Settings lost: re-enter therapy settings"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class SettingsError(ValueError):
    pass


class SettingsLostError(SettingsError):
    def __init__(self) -> None:
        super().__init__(SETTINGS_LOST)


@dataclass(frozen=True, slots=True)
class TherapySettings:
    max_bolus_mu: int = 10_000
    max_basal_mu_h: int = 5_000
    max_daily_mu: int = 80_000
    basal_segments: tuple[tuple[int, int, int], ...] = ((0, 1440, 1_000),)
    calculator_segments: tuple[tuple[int, int, int, int], ...] = ((0, 10, 40, 110),)
    dia_min: int = 240
    lgs_enabled: bool = False
    lgs_threshold_mgdl: int = 70
    reservoir_low_u: int = 20

    def basal_profile(self) -> BasalProfile:
        return BasalProfile.from_rows(self.basal_segments)

    def calculator(self) -> CalculatorSettings:
        return CalculatorSettings.from_rows(self.calculator_segments, self.dia_min)


_RANGES = {  # field: (minimum, maximum, step)
    "max_bolus_mu": (50, 25_000, 50),
    "max_basal_mu_h": (50, 35_000, 50),
    "max_daily_mu": (10_000, 250_000, 1_000),
    "lgs_threshold_mgdl": (60, 90, 1),
    "reservoir_low_u": (10, 50, 1),
}


def validate_settings(settings: TherapySettings) -> TherapySettings:
    """Strict type and range check of every value; raises ``SettingsError``."""
    for name, (low, high, step) in _RANGES.items():
        value = getattr(settings, name)
        if type(value) is not int:
            raise SettingsError(f"{name} must be an integer, not {value!r}")
        if not low <= value <= high or (value - low) % step:
            raise SettingsError(f"{name} {value} outside {low}..{high}")
    if type(settings.lgs_enabled) is not bool:
        raise SettingsError("lgs_enabled must be true or false")
    try:
        settings.basal_profile()
        settings.calculator()
    except (ProfileError, CalculatorSettingsError, TypeError) as error:
        raise SettingsError(str(error)) from error
    return settings


def encode(settings: TherapySettings) -> bytes:
    body = json.dumps(asdict(settings), sort_keys=True, separators=(",", ":")).encode()
    return body + zlib.crc32(body).to_bytes(4, "big")


def decode(data: bytes | None) -> TherapySettings:
    """One stored copy back to settings; raises ``SettingsError`` if damaged or invalid."""
    if data is None or len(data) < 5:
        raise SettingsError("copy missing")
    body, crc = data[:-4], int.from_bytes(data[-4:], "big")
    if zlib.crc32(body) != crc:
        raise SettingsError("CRC-32 mismatch")
    try:
        raw = json.loads(body)
    except ValueError as error:
        raise SettingsError("not valid JSON") from error
    names = {f.name for f in fields(TherapySettings)}
    if not isinstance(raw, dict) or set(raw) != names:
        raise SettingsError("unexpected or missing fields")
    for name in ("basal_segments", "calculator_segments"):
        if not isinstance(raw[name], list) or not all(isinstance(r, list) for r in raw[name]):
            raise SettingsError(f"{name} must be a list of rows")
        raw[name] = tuple(tuple(row) for row in raw[name])
    return validate_settings(TherapySettings(**raw))


class SettingsStore:
    def __init__(self, nvm: MutableMapping[str, bytes], *, log: Logs | None = None) -> None:
        self._nvm = nvm
        self._log = log
        self._current: TherapySettings | None = None
        self.delivery_blocked = False

    @property
    def current(self) -> TherapySettings:
        if self._current is None or self.delivery_blocked:
            raise SettingsLostError()
        return self._current

    def save(self, settings: TherapySettings) -> None:
        validate_settings(settings)
        data = encode(settings)
        for name in COPIES:
            self._nvm[f"{name}.tmp"] = data
            self._nvm[name] = self._nvm.pop(f"{name}.tmp")  # atomic rename
        self._current = settings
        self.delivery_blocked = False

    def load(self) -> TherapySettings:
        copies: dict[str, TherapySettings] = {}
        for name in COPIES:
            try:
                copies[name] = decode(self._nvm.get(name))
            except SettingsError as error:
                self._record("settings-copy-damaged", copy=name, reason=str(error))
        if not copies:
            self._current = None
            self.delivery_blocked = True
            self._record("settings-lost", message=SETTINGS_LOST)
            raise SettingsLostError()
        good_name, good = next(iter(copies.items()))
        for name in COPIES:
            if name not in copies:
                self._nvm[name] = self._nvm[good_name]
                self._record("settings-copy-restored", copy=name)
        self._current = good
        self.delivery_blocked = False
        return good

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

"""CGM data validator (SWU-014): decides whether a CGM reading may be used for therapy.

Checks, in order: the reading comes from the paired transmitter, its message checksum is
valid, the value lies within 40 to 400 mg/dL, it is not time-stamped in the future (60 s
tolerance for clock skew), the rate of change from the previous valid reading is at most
10 mg/dL per minute, and it is at most 15 minutes old. The age is evaluated again whenever
the reading is used (``GlucoseReading.usable``), not only on reception. A reading that
fails a check is kept for display with its reason but is never used for the bolus
calculator or low glucose suspend.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

# implements: SRS-047

RANGE_MGDL = (40, 400)
FUTURE_TOLERANCE_MS = 60_000
MAX_RATE_MGDL_PER_MIN = 10
MAX_AGE_MS = 15 * 60_000


def reading_checksum(transmitter_id: str, value_mgdl: int, timestamp_utc_ms: int) -> int:
    """CRC-32 of the reading message as the transmitter computes it."""
    message = struct.pack(">6sHq", transmitter_id.encode("ascii"), value_mgdl, timestamp_utc_ms)
    return zlib.crc32(message)


@dataclass(frozen=True, slots=True)
class RawReading:
    transmitter_id: str
    value_mgdl: int
    timestamp_utc_ms: int
    checksum: int

    @classmethod
    def signed(cls, transmitter_id: str, value_mgdl: int, timestamp_utc_ms: int) -> RawReading:
        """A reading with a correct checksum, as a transmitter sends it."""
        checksum = reading_checksum(transmitter_id, value_mgdl, timestamp_utc_ms)
        return cls(transmitter_id, value_mgdl, timestamp_utc_ms, checksum)


@dataclass(frozen=True, slots=True)
class GlucoseReading:
    value_mgdl: int
    timestamp_utc_ms: int
    received_mono_ms: int
    age_at_receipt_ms: int
    valid: bool
    reason: str = ""
    trend_mgdl_per_min: float | None = None

    def age_ms(self, now_mono_ms: int) -> int:
        return self.age_at_receipt_ms + (now_mono_ms - self.received_mono_ms)

    def age_min(self, now_mono_ms: int) -> int:
        return self.age_ms(now_mono_ms) // 60_000

    def usable(self, now_mono_ms: int) -> bool:
        """Valid for therapy use *now*: valid on reception and not older than 15 minutes."""
        return self.valid and self.age_ms(now_mono_ms) <= MAX_AGE_MS


class CgmValidator:
    def __init__(self, paired_transmitter_id: str) -> None:
        self.paired_id = paired_transmitter_id
        self._previous: tuple[int, int] | None = None  # value, reading time (monotonic ms)

    def validate(self, raw: RawReading, now_utc_ms: int, now_mono_ms: int) -> GlucoseReading:
        age = now_utc_ms - raw.timestamp_utc_ms
        reading_mono = now_mono_ms - age
        reason, trend = self._check(raw, age, reading_mono)
        if not reason:
            self._previous = (raw.value_mgdl, reading_mono)
        return GlucoseReading(
            value_mgdl=raw.value_mgdl,
            timestamp_utc_ms=raw.timestamp_utc_ms,
            received_mono_ms=now_mono_ms,
            age_at_receipt_ms=max(age, 0),
            valid=not reason,
            reason=reason,
            trend_mgdl_per_min=trend,
        )

    def _check(self, raw: RawReading, age_ms: int, reading_mono: int) -> tuple[str, float | None]:
        if raw.transmitter_id != self.paired_id:
            return "not from the paired transmitter", None
        checksum = reading_checksum(raw.transmitter_id, raw.value_mgdl, raw.timestamp_utc_ms)
        if raw.checksum != checksum:
            return "checksum error", None
        low, high = RANGE_MGDL
        if not low <= raw.value_mgdl <= high:
            return f"outside {low} to {high} mg/dL", None
        if -age_ms > FUTURE_TOLERANCE_MS:
            return "time-stamped in the future", None
        trend = None
        if self._previous is not None:
            previous_value, previous_mono = self._previous
            minutes = (reading_mono - previous_mono) / 60_000
            if minutes <= 0:
                return "not newer than the previous reading", None
            trend = (raw.value_mgdl - previous_value) / minutes
            if abs(trend) > MAX_RATE_MGDL_PER_MIN:
                return "implausible rate of change", trend
        if age_ms > MAX_AGE_MS:
            return "older than 15 minutes", trend
        return "", trend

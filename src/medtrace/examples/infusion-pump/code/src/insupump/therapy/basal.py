"""Basal scheduler, part of the basal scheduler unit (SWU-001).

A basal profile is 1 to 48 segments that start on 30-minute boundaries of local time and
cover 00:00 to 24:00 without gap or overlap, with rates of 0.00 to 35.00 U/h in 0.05 U/h
steps. The scheduler integrates the active rate over *monotonic* time in an accumulator of
mU x ms / h; each time it holds a full stroke (0.05 U) one stroke is due and a stroke is
subtracted, so the remainder carries over segment changes and is never rounded up. Local
time only selects the active segment: moving the clock shifts the segment boundary but can
neither replay nor skip delivery (the PR-004 fix). A temporary basal multiplies the segment
rate by its percentage until a monotonic deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from insupump.hal.motor import STROKE_MU

# implements: SRS-001
# implements: SRS-002
# implements: SRS-003
# implements: SRS-058

MS_PER_HOUR = 3_600_000
MINUTES_PER_DAY = 1440
SEGMENT_GRID_MIN = 30
MAX_SEGMENTS = 48
MAX_RATE_MU_H = 35_000
RATE_STEP_MU_H = 50
TEMP_PERCENT_MAX = 250
TEMP_PERCENT_STEP = 10
TEMP_DURATION_MIN = (30, 24 * 60)
OVERRUN_MS = 1_000
STROKE_ACCUMULATOR = STROKE_MU * MS_PER_HOUR  # one stroke in mU x ms / h


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class ProfileError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class BasalSegment:
    start_minute: int
    end_minute: int
    rate_mu_h: int


@dataclass(frozen=True, slots=True)
class BasalProfile:
    segments: tuple[BasalSegment, ...]
    _by_minute: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validate_segments(self.segments)
        by_minute = [0] * MINUTES_PER_DAY
        for segment in self.segments:
            for minute in range(segment.start_minute, segment.end_minute):
                by_minute[minute] = segment.rate_mu_h
        object.__setattr__(self, "_by_minute", tuple(by_minute))

    @classmethod
    def flat(cls, rate_mu_h: int) -> BasalProfile:
        return cls((BasalSegment(0, MINUTES_PER_DAY, rate_mu_h),))

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[int]]) -> BasalProfile:
        """Rows of (start minute, end minute, rate in mU/h), as stored in the settings."""
        return cls(tuple(BasalSegment(*row) for row in rows))

    def rows(self) -> tuple[tuple[int, int, int], ...]:
        return tuple((s.start_minute, s.end_minute, s.rate_mu_h) for s in self.segments)

    def rate_at(self, local_minute: int) -> int:
        return self._by_minute[local_minute % MINUTES_PER_DAY]

    def covered(self, start_minute: int, duration_min: int) -> list[BasalSegment]:
        """The segments that a window of local time (possibly past midnight) touches."""
        found: list[BasalSegment] = []
        for offset in range(0, duration_min, SEGMENT_GRID_MIN):
            minute = (start_minute + offset) % MINUTES_PER_DAY
            segment = next(s for s in self.segments if s.start_minute <= minute < s.end_minute)
            if segment not in found:
                found.append(segment)
        return found


def validate_segments(segments: Sequence[BasalSegment]) -> None:
    if not 1 <= len(segments) <= MAX_SEGMENTS:
        raise ProfileError(f"a profile has 1 to {MAX_SEGMENTS} segments, not {len(segments)}")
    expected_start = 0
    for segment in segments:
        for value in (segment.start_minute, segment.end_minute, segment.rate_mu_h):
            if type(value) is not int:
                raise ProfileError(f"{value!r} is not an integer")
        if segment.start_minute % SEGMENT_GRID_MIN or segment.end_minute % SEGMENT_GRID_MIN:
            raise ProfileError("segments start and end on 30-minute boundaries")
        if segment.start_minute > expected_start:
            raise ProfileError(
                f"gap before {segment.start_minute // 60:02d}:{segment.start_minute % 60:02d}"
            )
        if segment.start_minute < expected_start:
            raise ProfileError("segments overlap")
        if segment.end_minute <= segment.start_minute:
            raise ProfileError("a segment ends after it starts")
        if not 0 <= segment.rate_mu_h <= MAX_RATE_MU_H or segment.rate_mu_h % RATE_STEP_MU_H:
            raise ProfileError("rates are 0.00 to 35.00 U/h in steps of 0.05 U/h")
        expected_start = segment.end_minute
    if expected_start != MINUTES_PER_DAY:
        raise ProfileError("the segments do not reach 24:00")


@dataclass(frozen=True, slots=True)
class TempBasal:
    percent: int
    duration_min: int

    def __post_init__(self) -> None:
        if type(self.percent) is not int or type(self.duration_min) is not int:
            raise ProfileError("temporary basal values are integers")
        if not 0 <= self.percent <= TEMP_PERCENT_MAX or self.percent % TEMP_PERCENT_STEP:
            raise ProfileError("a temporary basal is 0 to 250 % in steps of 10 %")
        low, high = TEMP_DURATION_MIN
        if not low <= self.duration_min <= high or self.duration_min % SEGMENT_GRID_MIN:
            raise ProfileError("a temporary basal lasts 30 minutes to 24 hours in 30-minute steps")


@dataclass(slots=True)
class _ActiveTemp:
    temp: TempBasal
    deadline_ms: int


class BasalScheduler:
    """Tells the control loop, every 100 ms, whether a basal stroke is due."""

    def __init__(self, profile: BasalProfile, *, log: Logs | None = None) -> None:
        self.profile = profile
        self._log = log
        self._accumulator = 0  # mU x ms / h, always below two strokes
        self._last_ms: int | None = None
        self._last_minute = 0
        self._temp: _ActiveTemp | None = None
        self._suspended: set[str] = set()

    # programming ------------------------------------------------------------------------

    def set_profile(self, profile: BasalProfile) -> None:
        self.profile = profile

    def start_temp_basal(self, temp: TempBasal, now_ms: int) -> None:
        self._temp = _ActiveTemp(temp, now_ms + temp.duration_min * 60_000)
        self._record("temp-basal-start", percent=temp.percent, duration_min=temp.duration_min)

    def cancel_temp_basal(self, now_ms: int) -> None:
        if self._temp is not None:
            self._end_temp("cancelled")

    @property
    def temp_basal(self) -> TempBasal | None:
        return self._temp.temp if self._temp else None

    # suspension (user, low glucose suspend, alarms) -------------------------------------

    def suspend(self, reason: str) -> None:
        self._suspended.add(reason)

    def resume(self, reason: str) -> None:
        self._suspended.discard(reason)

    @property
    def suspended(self) -> bool:
        return bool(self._suspended)

    @property
    def suspend_reasons(self) -> frozenset[str]:
        return frozenset(self._suspended)

    # timing -----------------------------------------------------------------------------

    def rate_at(self, local_minute: int) -> int:
        """The active rate in mU/h, including a temporary basal, ignoring suspension."""
        rate = self.profile.rate_at(local_minute)
        if self._temp is not None:
            rate = rate * self._temp.temp.percent // 100
        return rate

    def tick(self, now_ms: int, local_minute: int) -> int:
        """Strokes due now (0 or 1). ``now_ms`` is monotonic; local time picks the segment.

        The interval since the previous tick is integrated at the rate that was in force
        during it, that is the segment selected by the local time of the previous tick.
        """
        last, self._last_ms = self._last_ms, now_ms
        minute, self._last_minute = self._last_minute, local_minute
        if last is None:
            return 0
        elapsed = now_ms - last
        if elapsed < 0:
            raise ValueError("the monotonic clock went backwards")
        if elapsed > OVERRUN_MS:
            self._record("scheduler-overrun", late_ms=elapsed)
        if self.suspended:
            return 0  # nothing is owed for suspended time
        scheduled = self.profile.rate_at(minute)
        if self._temp is not None and now_ms >= self._temp.deadline_ms:
            in_temp = max(0, self._temp.deadline_ms - last)
            self._accumulator += scheduled * self._temp.temp.percent // 100 * in_temp
            self._accumulator += scheduled * (elapsed - in_temp)
            self._end_temp("completed")
        else:
            self._accumulator += self.rate_at(minute) * elapsed
        if self._accumulator >= STROKE_ACCUMULATOR:
            self._accumulator -= STROKE_ACCUMULATOR  # at most one stroke per tick: no burst
            return 1
        return 0

    @property
    def remainder_mu(self) -> float:
        """The part of a stroke accumulated so far, in mU (for display and tests)."""
        return self._accumulator / MS_PER_HOUR

    def _end_temp(self, reason: str) -> None:
        assert self._temp is not None
        temp, self._temp = self._temp.temp, None
        self._record("temp-basal-end", percent=temp.percent, reason=reason)

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

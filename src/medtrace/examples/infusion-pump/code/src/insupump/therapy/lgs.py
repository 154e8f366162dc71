"""Low glucose suspend, part of the basal scheduler unit (SWU-001).

When enabled, a CGM reading that is valid for therapy and at or below the threshold (60 to
90 mg/dL, default 70) suspends basal delivery at once and raises the medium-priority alert
"Low glucose: basal suspended". The suspension ends after two consecutive valid readings at
or above the threshold plus 20 mg/dL, or at the latest 120 minutes after it started, and
then raises "Basal resumed". Readings that are missing, invalid or too old are ignored:
they neither start nor prolong a suspension.
"""

from __future__ import annotations

from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.cgm.validator import GlucoseReading
from insupump.therapy.basal import BasalScheduler

# implements: SRS-022
# implements: SRS-023

THRESHOLD_RANGE_MGDL = (60, 90)
DEFAULT_THRESHOLD_MGDL = 70
RECOVERY_MARGIN_MGDL = 20
RECOVERY_READINGS = 2
MAX_SUSPENSION_MS = 120 * 60_000
LGS = "low-glucose"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class LowGlucoseSuspend:
    def __init__(
        self,
        scheduler: BasalScheduler,
        alarms: AlarmManager,
        *,
        enabled: bool = True,
        threshold_mgdl: int = DEFAULT_THRESHOLD_MGDL,
        log: Logs | None = None,
    ) -> None:
        low, high = THRESHOLD_RANGE_MGDL
        if type(threshold_mgdl) is not int or not low <= threshold_mgdl <= high:
            raise ValueError("the low glucose threshold is 60 to 90 mg/dL")
        self._scheduler = scheduler
        self._alarms = alarms
        self._log = log
        self.enabled = enabled
        self.threshold_mgdl = threshold_mgdl
        self.started_ms: int | None = None
        self._recovered = 0

    @property
    def active(self) -> bool:
        return self.started_ms is not None

    def on_reading(self, reading: GlucoseReading | None, now_ms: int) -> None:
        if not self.enabled or reading is None or not reading.usable(now_ms):
            return
        if not self.active:
            if reading.value_mgdl <= self.threshold_mgdl:
                self._start(reading, now_ms)
            return
        if reading.value_mgdl >= self.threshold_mgdl + RECOVERY_MARGIN_MGDL:
            self._recovered += 1
            if self._recovered >= RECOVERY_READINGS:
                self._end("glucose recovered", now_ms)
        else:
            self._recovered = 0

    def tick(self, now_ms: int) -> None:
        if self.started_ms is not None and now_ms - self.started_ms >= MAX_SUSPENSION_MS:
            self._end("120-minute limit", now_ms)

    def _start(self, reading: GlucoseReading, now_ms: int) -> None:
        self.started_ms = now_ms
        self._recovered = 0
        self._scheduler.suspend(LGS)
        self._record("lgs-start", glucose_mgdl=reading.value_mgdl)
        self._alarms.raise_condition(Condition.LOW_GLUCOSE_SUSPEND, now_ms)

    def _end(self, reason: str, now_ms: int) -> None:
        self.started_ms = None
        self._recovered = 0
        self._scheduler.resume(LGS)
        self._record("lgs-end", reason=reason)
        self._alarms.resolve_condition(Condition.LOW_GLUCOSE_SUSPEND, now_ms)
        self._alarms.raise_condition(Condition.BASAL_RESUMED, now_ms, reason)

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

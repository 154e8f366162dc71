"""Occlusion detector (SWU-008).

The downstream pressure read 2 s after every stroke is compared with 1000 mmHg. Three
consecutive readings above it declare an occlusion; a reading below it ends the run, and a
run of one or two readings is logged as a pressure transient without alarm. With the
reservoir compliance measured in verification, the pressure passes the threshold after at
most 34 undelivered strokes (1.7 U), so the three confirming strokes keep detection below
2.0 U undelivered at every rate.

On an occlusion all delivery stops, the high-priority alarm "Occlusion detected" is raised
and the plunger drive is retracted by 0.2 mm to relieve the line, which keeps the bolus
released when the occlusion clears below 0.5 U. The alarm stays latched until the infusion
set is changed or the user confirms that the line is clear.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.hal.sensors import StrokeSensors
from insupump.therapy.limits import LimitGuard

# implements: SRS-024
# implements: SRS-025
# implements: SRS-026

THRESHOLD_MMHG = 1000.0
CONFIRMING_READINGS = 3
RELIEF_MM = Decimal("0.2")
OCCLUSION = "Occlusion detected"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class OcclusionDetector:
    def __init__(self, alarms: AlarmManager, guard: LimitGuard, *, log: Logs | None = None) -> None:
        self._alarms = alarms
        self._guard = guard
        self._log = log
        self._run: list[float] = []  # consecutive readings above the threshold
        self.undelivered_strokes = 0  # estimate since the first reading above the threshold
        self.occluded = False
        self.transients = 0

    def on_stroke_sensors(
        self, sensors: StrokeSensors, now_ms: int, strokes_since_last: int = 1
    ) -> bool:
        """Evaluate one post-stroke reading; returns True while an occlusion is declared."""
        if self.occluded:
            return True
        if sensors.pressure_mmhg > THRESHOLD_MMHG:
            self._run.append(sensors.pressure_mmhg)
            self.undelivered_strokes += strokes_since_last
            if len(self._run) >= CONFIRMING_READINGS:
                self._declare(now_ms)
            return self.occluded
        if self._run:
            self.transients += 1
            self._record("pressure-transient", readings_mmhg=list(self._run))
        self._run.clear()
        self.undelivered_strokes = 0
        return False

    def _declare(self, now_ms: int) -> None:
        self.occluded = True
        self._guard.stop(OCCLUSION, now_ms)
        self._guard.retract(RELIEF_MM, now_ms)
        self._record("occlusion", readings_mmhg=list(self._run))
        self._alarms.raise_condition(
            Condition.OCCLUSION,
            now_ms,
            f"{len(self._run)} readings above {THRESHOLD_MMHG:.0f} mmHg",
        )

    def line_cleared(self, now_ms: int) -> None:
        """The user changed the infusion set or confirmed that the line is clear."""
        self.occluded = False
        self._run.clear()
        self.undelivered_strokes = 0
        self._alarms.resolve_condition(Condition.OCCLUSION, now_ms)
        self._alarms.clear_condition(Condition.OCCLUSION, now_ms)
        self._guard.release(OCCLUSION)
        self._record("occlusion-cleared")

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

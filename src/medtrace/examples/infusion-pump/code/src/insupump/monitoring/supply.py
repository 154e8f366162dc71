"""Supply monitor (SWU-009): air in line, reservoir level and battery.

Air: a single bubble of 10 uL or more, or bubbles adding up to 30 uL within a 60-minute
window of elapsed monotonic time, stop delivery with the high-priority alarm "Air in line".

Reservoir: the estimate is the fill amount entered at the reservoir change minus the
insulin delivered since, cross-checked with the plunger position (6.67 U per mm of travel
left); a difference above 5 U raises "Check reservoir level" and the lower value is used.
"Reservoir low" (user threshold 10 to 50 U, default 20) and "Reservoir very low" (5 U) are
raised once each; below 0.5 U, or at the plunger end stop, delivery stops with the latched
high-priority alarm "Reservoir empty".

Battery: "Battery low" at 20 %, "Battery critical" at 5 %, each re-armed only once the
charge is back above the threshold by more than the 1 % hysteresis, so a charge flickering
between 20 and 21 % raises one alert. At 2 % the monitor performs a controlled stop:
delivery stops, the therapy state and history are flushed, "Battery depleted: delivery
stopped" is raised, and only then may the power controller switch off.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.hal.sensors import StrokeSensors

# implements: SRS-028
# implements: SRS-029
# implements: SRS-030
# implements: SRS-031
# implements: SRS-032
# implements: SRS-059

AIR_SINGLE_UL = 10.0
AIR_WINDOW_UL = 30.0
AIR_WINDOW_MS = 60 * 60_000
PLUNGER_MU_PER_MM = 6_670
CHECK_DIFFERENCE_MU = 5_000
VERY_LOW_MU = 5_000
EMPTY_BELOW_MU = 500
BATTERY_LOW, BATTERY_CRITICAL, BATTERY_DEPLETED = 20, 5, 2
HYSTERESIS_PERCENT = 1


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


StopDelivery = Callable[[str, int], None]


class SupplyMonitor:
    def __init__(
        self,
        alarms: AlarmManager,
        stop_delivery: StopDelivery,
        *,
        low_threshold_u: int = 20,
        controlled_stop: Callable[[], None] | None = None,
        log: Logs | None = None,
    ) -> None:
        if not 10 <= low_threshold_u <= 50:
            raise ValueError("the reservoir low threshold is 10 to 50 U")
        self._alarms = alarms
        self._stop = stop_delivery
        self._controlled_stop = controlled_stop
        self._log = log
        self.low_threshold_mu = low_threshold_u * 1000
        self._air: deque[tuple[int, float]] = deque()
        self.fill_mu = 0
        self.delivered_mu = 0
        self.plunger_mu: int | None = None
        self._reservoir_raised: set[Condition] = set()
        self._battery_armed = {BATTERY_LOW: True, BATTERY_CRITICAL: True}
        self.power_off_allowed = False

    # air in line ------------------------------------------------------------------------

    def on_air(self, bubble_ul: float, now_ms: int) -> None:
        if bubble_ul <= 0:
            return
        self._air.append((now_ms, bubble_ul))
        while self._air and now_ms - self._air[0][0] >= AIR_WINDOW_MS:
            self._air.popleft()
        window = sum(volume for _, volume in self._air)
        if bubble_ul >= AIR_SINGLE_UL or window >= AIR_WINDOW_UL:
            self._stop("Air in line", now_ms)
            self._alarms.raise_condition(
                Condition.AIR_IN_LINE, now_ms, f"bubble {bubble_ul} uL, {window} uL in 60 min"
            )

    def air_cleared(self, now_ms: int) -> None:
        """The user has removed the air (reprimed): the latched alarm may be cleared."""
        self._air.clear()
        self._alarms.resolve_condition(Condition.AIR_IN_LINE, now_ms)

    # reservoir --------------------------------------------------------------------------

    def on_reservoir_filled(self, amount_mu: int) -> None:
        self.fill_mu, self.delivered_mu, self.plunger_mu = amount_mu, 0, None
        self._reservoir_raised.clear()

    def on_delivered(self, amount_mu: int, now_ms: int) -> None:
        self.delivered_mu += amount_mu
        self._check_reservoir(now_ms)

    def on_stroke_sensors(self, sensors: StrokeSensors, now_ms: int) -> None:
        self.on_air(sensors.air_ul, now_ms)
        self.plunger_mu = round(sensors.plunger_mm * PLUNGER_MU_PER_MM)
        self._check_reservoir(now_ms)

    def remaining_mu(self) -> int:
        estimate = self.fill_mu - self.delivered_mu
        if self.plunger_mu is None:
            return estimate
        return min(estimate, self.plunger_mu)

    def display_remaining(self) -> str:
        return f"{max(self.remaining_mu(), 0) // 1000} U"

    def _check_reservoir(self, now_ms: int) -> None:
        estimate = self.fill_mu - self.delivered_mu
        if self.plunger_mu is not None and abs(estimate - self.plunger_mu) > CHECK_DIFFERENCE_MU:
            self._raise_once(Condition.CHECK_RESERVOIR, now_ms)
        remaining = self.remaining_mu()
        end_stop = self.plunger_mu is not None and self.plunger_mu <= 0
        if remaining < EMPTY_BELOW_MU or end_stop:
            self._stop("Reservoir empty", now_ms)
            self._raise_once(Condition.RESERVOIR_EMPTY, now_ms)
        elif remaining <= VERY_LOW_MU:
            self._raise_once(Condition.RESERVOIR_VERY_LOW, now_ms)
        elif remaining <= self.low_threshold_mu:
            self._raise_once(Condition.RESERVOIR_LOW, now_ms)

    def _raise_once(self, condition: Condition, now_ms: int) -> None:
        if condition not in self._reservoir_raised:
            self._reservoir_raised.add(condition)
            self._alarms.raise_condition(condition, now_ms, self.display_remaining())

    # battery ----------------------------------------------------------------------------

    def on_battery(self, percent: int, now_ms: int) -> None:
        for threshold, condition in (
            (BATTERY_LOW, Condition.BATTERY_LOW),
            (BATTERY_CRITICAL, Condition.BATTERY_CRITICAL),
        ):
            if percent <= threshold and self._battery_armed[threshold]:
                self._battery_armed[threshold] = False
                self._alarms.raise_condition(condition, now_ms, f"{percent} %")
            elif percent > threshold + HYSTERESIS_PERCENT:
                self._battery_armed[threshold] = True
        if percent <= BATTERY_DEPLETED and not self.power_off_allowed:
            self._stop("Battery depleted", now_ms)
            if self._controlled_stop is not None:
                self._controlled_stop()  # store the therapy state, flush the history
            self._alarms.raise_condition(Condition.BATTERY_DEPLETED, now_ms)
            if self._log is not None:
                self._log.append("controlled-stop", {"battery_percent": percent})
            self.power_off_allowed = True

"""Sensor acquisition (SWU-007): conversion and plausibility of the pump's sensors.

The safety MCU samples the pressure, air-in-line and plunger position sensors 2 s after every
stroke and passes the raw ADC counts on; the battery fuel gauge is read every 60 s. A value
outside the sensor's physical range, a missing value, or the same raw value 10 times in a
row while the motor moves raises the high-priority alarm "Sensor fault" and stops delivery.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from insupump.alarms.manager import AlarmManager, Condition

# implements: SRS-027

PRESSURE_RANGE_MMHG = (-100.0, 3000.0)
AIR_RANGE_UL = (0.0, 100.0)
PLUNGER_RANGE_MM = (0.0, 45.0)
BATTERY_RANGE_PERCENT = (0, 100)
STUCK_COUNT = 10
BATTERY_PERIOD_MS = 60_000
SENSOR_FAULT = "Sensor fault"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Per-unit calibration stored at manufacturing."""

    pressure_offset: int = 100  # counts at 0 mmHg
    pressure_gain: float = 1.0  # mmHg per count
    air_zero: int = 100  # counts with liquid in the sensor
    air_gain: float = 0.1  # uL per count above air_zero
    plunger_gain: float = 0.001  # mm per count


@dataclass(frozen=True, slots=True)
class RawStrokeSample:
    pressure: int | None
    air: int | None
    plunger: int | None
    motor_moving: bool = True


@dataclass(frozen=True, slots=True)
class StrokeSensors:
    pressure_mmhg: float
    air_ul: float
    plunger_mm: float


@dataclass(frozen=True, slots=True)
class BatteryState:
    percent: int


class SensorFaultError(Exception):
    pass


class SensorBus:
    def __init__(
        self,
        alarms: AlarmManager,
        stop_delivery: Callable[[str, int], None],
        calibration: Calibration | None = None,
    ) -> None:
        self._alarms = alarms
        self._stop = stop_delivery
        self.calibration = calibration or Calibration()
        self._history: dict[str, deque[int]] = {
            name: deque(maxlen=STUCK_COUNT) for name in ("pressure", "air", "plunger")
        }
        self.faulty = False

    def after_stroke(self, raw: RawStrokeSample, now_ms: int) -> StrokeSensors:
        """Convert and check the post-stroke sample; raises ``SensorFaultError`` on a fault."""
        cal = self.calibration
        values = {"pressure": raw.pressure, "air": raw.air, "plunger": raw.plunger}
        for name, value in values.items():
            if value is None:
                self._fault(f"{name} reading missing", now_ms)
            self._check_stuck(name, value, raw.motor_moving, now_ms)
        assert raw.pressure is not None and raw.air is not None and raw.plunger is not None
        sensors = StrokeSensors(
            pressure_mmhg=(raw.pressure - cal.pressure_offset) * cal.pressure_gain,
            air_ul=max(0, raw.air - cal.air_zero) * cal.air_gain,
            plunger_mm=raw.plunger * cal.plunger_gain,
        )
        self._check_range("pressure", sensors.pressure_mmhg, PRESSURE_RANGE_MMHG, now_ms)
        self._check_range("air", sensors.air_ul, AIR_RANGE_UL, now_ms)
        self._check_range("plunger", sensors.plunger_mm, PLUNGER_RANGE_MM, now_ms)
        return sensors

    def battery(self, percent: int | None, now_ms: int) -> BatteryState:
        if percent is None:
            self._fault("battery reading missing", now_ms)
        assert percent is not None
        self._check_range("battery", percent, BATTERY_RANGE_PERCENT, now_ms)
        return BatteryState(percent)

    def _check_stuck(self, name: str, value: int | None, moving: bool, now_ms: int) -> None:
        history = self._history[name]
        if not moving or value is None:
            history.clear()
            return
        history.append(value)
        if len(history) == STUCK_COUNT and len(set(history)) == 1:
            self._fault(f"{name} stuck at {value} for {STUCK_COUNT} readings", now_ms)

    def _check_range(
        self, name: str, value: float, limits: tuple[float, float], now_ms: int
    ) -> None:
        low, high = limits
        if not low <= value <= high:
            self._fault(f"{name} {value} outside {low}..{high}", now_ms)

    def _fault(self, detail: str, now_ms: int) -> None:
        self.faulty = True
        self._stop(SENSOR_FAULT, now_ms)
        self._alarms.raise_condition(Condition.SENSOR_FAULT, now_ms, detail)
        raise SensorFaultError(detail)

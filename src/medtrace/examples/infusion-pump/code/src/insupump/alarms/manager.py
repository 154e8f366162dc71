"""Alarm manager, part of the alarm manager unit (SWU-010).

The alarm table gives every condition a fixed priority, message and whether it is latched
(cleared only once its cause has been resolved). The highest-priority active condition is
annunciated at once, in the call that reports it, so annunciation starts well within the 1 s
budget whatever the display or keypad state. The manager escalates an unacknowledged
high-priority alarm after 60 s, repeats a medium-priority alarm every 15 minutes while its
condition lasts, and limits a silence to 300 s. Every state change is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Protocol

# implements: SRS-034
# implements: SRS-035
# implements: SRS-036
# implements: SRS-038

ESCALATION_MS = 60_000
SILENCE_MAX_MS = 300_000
MEDIUM_REPEAT_MS = 15 * 60_000


class Priority(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Condition(StrEnum):
    OCCLUSION = "occlusion"
    AIR_IN_LINE = "air-in-line"
    RESERVOIR_EMPTY = "reservoir-empty"
    DELIVERY_ERROR = "delivery-error"
    SENSOR_FAULT = "sensor-fault"
    DAILY_MAXIMUM = "daily-maximum"
    BATTERY_CRITICAL = "battery-critical"
    BATTERY_DEPLETED = "battery-depleted"
    SELF_TEST_FAILED = "self-test-failed"
    RESERVOIR_VERY_LOW = "reservoir-very-low"
    INSULIN_SUSPENDED = "insulin-suspended"
    LOW_GLUCOSE_SUSPEND = "low-glucose-suspend"
    CGM_SIGNAL_LOST = "cgm-signal-lost"
    RESERVOIR_LOW = "reservoir-low"
    CHECK_RESERVOIR = "check-reservoir"
    BATTERY_LOW = "battery-low"
    BASAL_RESUMED = "basal-resumed"
    WIRELESS_SECURITY = "wireless-security"


@dataclass(frozen=True, slots=True)
class AlarmSpec:
    priority: Priority
    message: str
    latched: bool = False


ALARM_TABLE: dict[Condition, AlarmSpec] = {
    Condition.OCCLUSION: AlarmSpec(Priority.HIGH, "Occlusion detected", latched=True),
    Condition.AIR_IN_LINE: AlarmSpec(Priority.HIGH, "Air in line", latched=True),
    Condition.RESERVOIR_EMPTY: AlarmSpec(Priority.HIGH, "Reservoir empty", latched=True),
    Condition.DELIVERY_ERROR: AlarmSpec(Priority.HIGH, "Delivery error", latched=True),
    Condition.SENSOR_FAULT: AlarmSpec(Priority.HIGH, "Sensor fault"),
    Condition.DAILY_MAXIMUM: AlarmSpec(Priority.HIGH, "Daily maximum reached"),
    Condition.BATTERY_CRITICAL: AlarmSpec(Priority.HIGH, "Battery critical"),
    Condition.BATTERY_DEPLETED: AlarmSpec(Priority.HIGH, "Battery depleted: delivery stopped"),
    Condition.SELF_TEST_FAILED: AlarmSpec(Priority.HIGH, "Self test failed"),
    Condition.RESERVOIR_VERY_LOW: AlarmSpec(Priority.MEDIUM, "Reservoir very low"),
    Condition.INSULIN_SUSPENDED: AlarmSpec(Priority.MEDIUM, "Insulin suspended"),
    Condition.LOW_GLUCOSE_SUSPEND: AlarmSpec(Priority.MEDIUM, "Low glucose: basal suspended"),
    Condition.CGM_SIGNAL_LOST: AlarmSpec(Priority.MEDIUM, "CGM signal lost"),
    Condition.RESERVOIR_LOW: AlarmSpec(Priority.LOW, "Reservoir low"),
    Condition.CHECK_RESERVOIR: AlarmSpec(Priority.LOW, "Check reservoir level"),
    Condition.BATTERY_LOW: AlarmSpec(Priority.LOW, "Battery low"),
    Condition.BASAL_RESUMED: AlarmSpec(Priority.LOW, "Basal resumed"),
    Condition.WIRELESS_SECURITY: AlarmSpec(Priority.LOW, "Wireless security event"),
}


class Annunciates(Protocol):
    """What the manager needs from the annunciator (SWU-010, annunciator.py)."""

    def annunciate(self, priority: Priority, message: str, now_ms: int) -> None: ...

    def escalate(self, now_ms: int) -> None: ...

    def pause_audio(self) -> None: ...

    def resume_audio(self) -> None: ...

    def stop(self) -> None: ...

    def fall_back(self) -> None: ...


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


@dataclass(slots=True)
class ActiveAlarm:
    condition: Condition
    raised_ms: int
    detail: str = ""
    annunciated_ms: int | None = None
    last_annunciation_ms: int | None = None
    acknowledged_ms: int | None = None
    silenced_until_ms: int | None = None
    escalated: bool = False
    resolved: bool = False

    @property
    def spec(self) -> AlarmSpec:
        return ALARM_TABLE[self.condition]


class AlarmManager:
    def __init__(self, annunciator: Annunciates, *, log: Logs | None = None) -> None:
        self._annunciator = annunciator
        self._log = log
        self._active: dict[Condition, ActiveAlarm] = {}
        self.latencies_ms: list[int] = []

    # reporting -------------------------------------------------------------------------

    def raise_condition(self, condition: Condition, now_ms: int, detail: str = "") -> None:
        alarm = self._active.get(condition)
        if alarm is not None:
            alarm.detail = detail or alarm.detail
            alarm.resolved = False
            return
        self._active[condition] = ActiveAlarm(condition, now_ms, detail)
        self._record("alarm-raised", condition, detail=detail)
        self._annunciate_top(now_ms)

    def resolve_condition(self, condition: Condition, now_ms: int) -> None:
        """The cause has ended: a latched alarm may now be cleared, others clear at once."""
        alarm = self._active.get(condition)
        if alarm is None:
            return
        if alarm.spec.latched:
            alarm.resolved = True
            self._record("alarm-resolved", condition)
        else:
            self._remove(condition, now_ms)

    def clear_condition(self, condition: Condition, now_ms: int) -> bool:
        """Clear an alarm; refused (False) for a latched alarm whose cause persists."""
        alarm = self._active.get(condition)
        if alarm is None:
            return True
        if alarm.spec.latched and not alarm.resolved:
            self._record("alarm-clear-refused", condition)
            return False
        self._remove(condition, now_ms)
        return True

    # user actions ----------------------------------------------------------------------

    def acknowledge(self, now_ms: int) -> Condition | None:
        for alarm in self.active():
            if alarm.acknowledged_ms is None:
                alarm.acknowledged_ms = now_ms
                self._record("alarm-acknowledged", alarm.condition)
                return alarm.condition
        return None

    def silence(self, now_ms: int, duration_ms: int = SILENCE_MAX_MS) -> int:
        """Pause the audio of the active alarms for at most 300 s; returns the deadline."""
        until = now_ms + min(duration_ms, SILENCE_MAX_MS)
        for alarm in self._active.values():
            alarm.silenced_until_ms = until
        self._annunciator.pause_audio()
        self._record("alarm-silenced", None, until_ms=until)
        return until

    # time ------------------------------------------------------------------------------

    def tick(self, now_ms: int) -> None:
        silenced = False
        for alarm in self.active():
            if alarm.silenced_until_ms is not None:
                if now_ms >= alarm.silenced_until_ms:
                    alarm.silenced_until_ms = None
                    self._annunciator.resume_audio()
                else:
                    silenced = True
            priority = alarm.spec.priority
            if (
                priority is Priority.HIGH
                and alarm.acknowledged_ms is None
                and not alarm.escalated
                and now_ms - alarm.raised_ms >= ESCALATION_MS
            ):
                alarm.escalated = True
                self._annunciator.escalate(now_ms)
                self._record("alarm-escalated", alarm.condition)
            last = alarm.last_annunciation_ms
            repeat_due = last is not None and now_ms - last >= MEDIUM_REPEAT_MS
            if priority is Priority.MEDIUM and repeat_due and not silenced:
                if alarm is self.top():
                    self._annunciate(alarm, now_ms)
                else:  # a higher-priority alarm is being annunciated meanwhile
                    alarm.last_annunciation_ms = now_ms

    # queries ---------------------------------------------------------------------------

    def active(self) -> list[ActiveAlarm]:
        return sorted(self._active.values(), key=lambda a: (-a.spec.priority, a.raised_ms))

    def is_active(self, condition: Condition) -> bool:
        return condition in self._active

    def get(self, condition: Condition) -> ActiveAlarm | None:
        return self._active.get(condition)

    def top(self) -> ActiveAlarm | None:
        alarms = self.active()
        return alarms[0] if alarms else None

    # internals -------------------------------------------------------------------------

    def _annunciate_top(self, now_ms: int) -> None:
        top = self.top()
        if top is None:
            self._annunciator.stop()
        else:
            self._annunciate(top, now_ms)

    def _annunciate(self, alarm: ActiveAlarm, now_ms: int) -> None:
        try:
            self._annunciator.annunciate(alarm.spec.priority, alarm.spec.message, now_ms)
        except Exception:
            # a faulty annunciator must not silence the alarm: vibration and MCU buzzer
            self._annunciator.fall_back()
        if alarm.annunciated_ms is None:
            alarm.annunciated_ms = now_ms
            self.latencies_ms.append(now_ms - alarm.raised_ms)
        alarm.last_annunciation_ms = now_ms

    def _remove(self, condition: Condition, now_ms: int) -> None:
        del self._active[condition]
        self._record("alarm-cleared", condition)
        self._annunciate_top(now_ms)

    def _record(self, type_: str, condition: Condition | None, **payload: Any) -> None:
        if self._log is not None:
            if condition is not None:
                payload = {"condition": str(condition), **payload}
            self._log.append(type_, payload)

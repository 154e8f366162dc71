"""Safety supervisor (SWU-016): heartbeat to the safety MCU and encoder cross-check.

The heartbeat task sends HEARTBEAT(sequence, therapy state) every 500 ms, but only while the
main control loop has completed a cycle within the last 1.5 s: a stalled loop or a dead
process stops the heartbeats, and the safety MCU then removes motor power and sounds its
own buzzer after 3 s. After every delivery command the stroke count of the MCU's motor
encoder is compared with the strokes commanded; a difference of more than 2 strokes (0.1 U)
stops delivery and raises "Delivery error". A failed cross-check is never retried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.hal.motor import EncoderReport

# implements: SRS-062
# implements: SRS-063

HEARTBEAT_PERIOD_MS = 500
LOOP_STALL_MS = 1_500
MCU_WATCHDOG_MS = 3_000  # enforced by the safety MCU firmware, not here
MAX_ENCODER_DIFFERENCE = 2
DELIVERY_ERROR = "Delivery error"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class Supervisor:
    def __init__(
        self,
        send_heartbeat: Callable[[int, str], object],
        stop_delivery: Callable[[str, int], None],
        alarms: AlarmManager,
        *,
        log: Logs | None = None,
    ) -> None:
        self._send = send_heartbeat
        self._stop = stop_delivery
        self._alarms = alarms
        self._log = log
        self._last_cycle_ms: int | None = None
        self._last_heartbeat_ms: int | None = None
        self.sequence = 0
        self.cross_check_failed = False

    def on_loop_cycle(self, now_ms: int) -> None:
        """Called by the main control loop once per completed cycle."""
        self._last_cycle_ms = now_ms

    def heartbeat_tick(self, now_ms: int, therapy_state: str) -> bool:
        """Run by the heartbeat task; returns True when a heartbeat was sent."""
        if self._last_cycle_ms is None or now_ms - self._last_cycle_ms > LOOP_STALL_MS:
            return False  # the loop has stalled: let the MCU watchdog expire
        last = self._last_heartbeat_ms
        if last is not None and now_ms - last < HEARTBEAT_PERIOD_MS:
            return False
        self._send(self.sequence, therapy_state)
        self.sequence = (self.sequence + 1) & 0xFFFF
        self._last_heartbeat_ms = now_ms
        return True

    def on_encoder_report(self, report: EncoderReport, now_ms: int) -> bool:
        """Compare encoder and commanded strokes; returns False if delivery was stopped."""
        if self.cross_check_failed:
            return False
        difference = abs(report.encoder_total - report.commanded_total)
        if difference <= MAX_ENCODER_DIFFERENCE:
            return True
        self.cross_check_failed = True
        self._stop(DELIVERY_ERROR, now_ms)
        detail = f"encoder {report.encoder_total} strokes, commanded {report.commanded_total}"
        if self._log is not None:
            self._log.append("delivery-error", {"detail": detail})
        self._alarms.raise_condition(Condition.DELIVERY_ERROR, now_ms, detail)
        return False

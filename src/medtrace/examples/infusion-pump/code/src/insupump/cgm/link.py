"""CGM link (SWU-013): connection to the paired CGM transmitter and signal loss alert.

The pump pairs with one transmitter, identified by its 6-character ID, and receives a
glucose reading every 5 minutes as a BLE notification; each one goes to the CGM data
validator (SWU-014). While the connection is lost the link tries to reconnect every 30 s.
"CGM signal lost" (medium priority) is raised when no valid reading has arrived for 20
minutes and cleared by the next valid reading.

The device uses bleak (SOUP-004) on BlueZ; here the BLE client is any object with
``connect(transmitter_id) -> bool``, so that the tests can replace the radio.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.cgm.validator import CgmValidator, GlucoseReading, RawReading

# implements: SRS-045
# implements: SRS-046

RECONNECT_MS = 30_000
SIGNAL_LOSS_MS = 20 * 60_000
READING_INTERVAL_MS = 5 * 60_000
ADAPTER_RESET_MS = 10 * 60_000
TRANSMITTER_ID = re.compile(r"[0-9A-Z]{6}")


class BleClient(Protocol):
    def connect(self, transmitter_id: str) -> bool: ...


class AdapterMissingError(Exception):
    """The Bluetooth adapter has disappeared (raised by the BLE client)."""


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class CgmLink:
    def __init__(
        self,
        transmitter_id: str,
        client: BleClient,
        validator: CgmValidator,
        alarms: AlarmManager,
        *,
        on_reading: Callable[[GlucoseReading], None] | None = None,
        reset_adapter: Callable[[], None] | None = None,
        log: Logs | None = None,
    ) -> None:
        if not TRANSMITTER_ID.fullmatch(transmitter_id):
            raise ValueError("a transmitter ID is 6 characters, digits and capital letters")
        self.transmitter_id = transmitter_id
        self._client = client
        self._validator = validator
        self._alarms = alarms
        self._on_reading = on_reading
        self._reset_adapter = reset_adapter
        self._log = log
        self.connected = False
        self._next_attempt_ms: int | None = None
        self._last_valid_ms: int | None = None
        self._last_adapter_reset_ms: int | None = None
        self.attempts: list[int] = []
        self.latest: GlucoseReading | None = None

    def start(self, now_ms: int) -> None:
        self._last_valid_ms = now_ms
        self._next_attempt_ms = now_ms
        self.tick(now_ms)

    def tick(self, now_ms: int) -> None:
        due = self._next_attempt_ms
        if not self.connected and due is not None and now_ms >= due:
            self._attempt(now_ms)
        if (
            self._last_valid_ms is not None
            and now_ms - self._last_valid_ms >= SIGNAL_LOSS_MS
            and not self._alarms.is_active(Condition.CGM_SIGNAL_LOST)
        ):
            self._alarms.raise_condition(Condition.CGM_SIGNAL_LOST, now_ms)

    def on_disconnected(self, now_ms: int) -> None:
        self.connected = False
        self._next_attempt_ms = now_ms + RECONNECT_MS
        self._record("cgm-disconnected")

    def on_notification(self, raw: RawReading, now_utc_ms: int, now_mono_ms: int) -> GlucoseReading:
        reading = self._validator.validate(raw, now_utc_ms, now_mono_ms)
        self.latest = reading
        if reading.valid:
            self._last_valid_ms = now_mono_ms
            if self._alarms.is_active(Condition.CGM_SIGNAL_LOST):
                self._alarms.resolve_condition(Condition.CGM_SIGNAL_LOST, now_mono_ms)
        else:
            self._record("cgm-reading-rejected", value_mgdl=raw.value_mgdl, reason=reading.reason)
        if self._on_reading is not None:
            self._on_reading(reading)
        return reading

    def _attempt(self, now_ms: int) -> None:
        self.attempts.append(now_ms)
        try:
            self.connected = bool(self._client.connect(self.transmitter_id))
        except AdapterMissingError:
            self.connected = False
            last = self._last_adapter_reset_ms
            if self._reset_adapter is not None and (
                last is None or now_ms - last >= ADAPTER_RESET_MS
            ):
                self._last_adapter_reset_ms = now_ms
                self._reset_adapter()
                self._record("bluetooth-adapter-reset")
        except Exception:  # any BLE or D-Bus error ends this attempt only
            self.connected = False
        self._next_attempt_ms = None if self.connected else now_ms + RECONNECT_MS
        if self.connected:
            self._record("cgm-connected")

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

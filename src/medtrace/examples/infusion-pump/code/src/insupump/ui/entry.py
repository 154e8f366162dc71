"""Numeric entry, keypad lock and clinician PIN, part of the screens and entry unit (SWU-011).

Numeric entry starts at 0.00 U for a bolus and at the current value for a setting, moves by
the field's step per key press (ten steps per press once a key has been held for 2 s) and
stops at the field's minimum and maximum: it never wraps around.

The keypad locks after 60 s without a key press and unlocks only with Up, Down, Confirm
within 5 s; acknowledging an alarm stays possible while it is locked. Clinician-level
changes need the 6-digit clinician PIN; after 5 wrong entries PIN entry is refused for 15
minutes, and the counter and lockout are persisted so that a restart does not reset them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from enum import StrEnum

# implements: SRS-019
# implements: SRS-041
# implements: SRS-042

HOLD_ACCELERATION_MS = 2_000
FAST_STEPS = 10
LOCK_AFTER_MS = 60_000
UNLOCK_WINDOW_MS = 5_000
PIN_DIGITS = 6
PIN_ATTEMPTS = 5
PIN_LOCKOUT_MS = 15 * 60_000


class Key(StrEnum):
    UP = "up"
    DOWN = "down"
    CONFIRM = "confirm"
    BACK = "back"
    STOP = "stop"


UNLOCK_SEQUENCE = (Key.UP, Key.DOWN, Key.CONFIRM)


@dataclass(slots=True)
class NumericEntry:
    value: int
    step: int
    minimum: int
    maximum: int

    @classmethod
    def bolus(cls, max_bolus_mu: int) -> NumericEntry:
        """Bolus amounts always start at 0.00 U."""
        return cls(0, 50, 0, max_bolus_mu)

    @classmethod
    def setting(cls, current: int, step: int, minimum: int, maximum: int) -> NumericEntry:
        return cls(min(max(current, minimum), maximum), step, minimum, maximum)

    def press(self, key: Key, held_ms: int = 0) -> int:
        steps = FAST_STEPS if held_ms >= HOLD_ACCELERATION_MS else 1
        if key is Key.UP:
            self.value = min(self.value + steps * self.step, self.maximum)
        elif key is Key.DOWN:
            self.value = max(self.value - steps * self.step, self.minimum)
        return self.value


class KeyAction(StrEnum):
    PASS = "pass"  # handled by the current screen
    SWALLOWED = "swallowed"
    ACKNOWLEDGE_ALARM = "acknowledge-alarm"
    UNLOCKED = "unlocked"


class KeypadLock:
    def __init__(self, now_ms: int) -> None:
        self.locked = False
        self._last_key_ms = now_ms
        self._sequence: list[tuple[Key, int]] = []

    def tick(self, now_ms: int) -> None:
        if not self.locked and now_ms - self._last_key_ms >= LOCK_AFTER_MS:
            self.locked = True
            self._sequence.clear()

    def press(self, key: Key, now_ms: int, *, alarm_active: bool = False) -> KeyAction:
        self.tick(now_ms)
        if not self.locked:
            self._last_key_ms = now_ms
            return KeyAction.PASS
        if alarm_active and key is Key.CONFIRM and not self._sequence_expects(key, now_ms):
            return KeyAction.ACKNOWLEDGE_ALARM
        if self._sequence_expects(key, now_ms):
            self._sequence.append((key, now_ms))
            if len(self._sequence) == len(UNLOCK_SEQUENCE):
                self.locked = False
                self._sequence.clear()
                self._last_key_ms = now_ms
                return KeyAction.UNLOCKED
        else:
            self._sequence = [(key, now_ms)] if key is UNLOCK_SEQUENCE[0] else []
        return KeyAction.SWALLOWED

    def _sequence_expects(self, key: Key, now_ms: int) -> bool:
        position = len(self._sequence)
        if position == 0:
            return key is UNLOCK_SEQUENCE[0]
        within = now_ms - self._sequence[0][1] <= UNLOCK_WINDOW_MS
        return within and key is UNLOCK_SEQUENCE[position]


class PinLockedOutError(Exception):
    def __init__(self, until_ms: int) -> None:
        super().__init__("PIN entry locked for 15 minutes")
        self.until_ms = until_ms


class PinGuard:
    """Checks the clinician PIN; attempts and lockout live in non-volatile storage."""

    HASH_KEY, ATTEMPTS_KEY, LOCKOUT_KEY = "pin-hash", "pin-attempts", "pin-lockout-until"

    def __init__(self, nvm: MutableMapping[str, bytes]) -> None:
        self._nvm = nvm

    def set_pin(self, pin: str) -> None:
        if len(pin) != PIN_DIGITS or not pin.isdigit():
            raise ValueError("the clinician PIN has 6 digits")
        salt = secrets.token_bytes(16)
        self._nvm[self.HASH_KEY] = salt + hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 1000)

    @property
    def attempts(self) -> int:
        return int(self._nvm.get(self.ATTEMPTS_KEY, b"0"))

    def locked_until(self) -> int | None:
        raw = self._nvm.get(self.LOCKOUT_KEY)
        return int(raw) if raw else None

    def check(self, pin: str, now_ms: int) -> bool:
        until = self.locked_until()
        if until is not None and now_ms < until:
            raise PinLockedOutError(until)
        stored = self._nvm.get(self.HASH_KEY)
        if stored is None:
            return False
        salt, digest = stored[:16], stored[16:]
        if hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, 1000), digest):
            self._nvm[self.ATTEMPTS_KEY] = b"0"
            self._nvm.pop(self.LOCKOUT_KEY, None)
            return True
        attempts = self.attempts + 1
        if attempts >= PIN_ATTEMPTS:
            self._nvm[self.LOCKOUT_KEY] = str(now_ms + PIN_LOCKOUT_MS).encode()
            attempts = 0
        self._nvm[self.ATTEMPTS_KEY] = str(attempts).encode()
        return False

"""Remote therapy commands, part of the secure remote channel unit (SWU-015).

A therapy command from the companion app (bolus, temporary basal, suspend, resume) is only
a proposal: it is parsed strictly, queued and shown on the pump's review screen. Only the
Confirm key on the pump, within 60 s, turns it into a ``TherapyCommand``; otherwise it is
discarded and logged as "Remote command expired".

Message payloads are validated strictly (on the device by pydantic strict models, SOUP-005):
exact field names, integers that are really integers (no strings, floats or booleans) and
the same ranges as on the pump.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from insupump.ui.screens import ReviewScreen, TherapyCommand

# implements: SRS-050

EXPIRY_MS = 60_000
EXPIRED = "Remote command expired"
_FIELDS = {
    "bolus": {"amount_mu": (50, 25_000, 50)},
    "temp-basal": {"percent": (0, 250, 10), "duration_min": (30, 1440, 30)},
    "suspend": {},
    "resume": {},
}


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class MessageError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RemoteCommand:
    kind: str
    amount_mu: int = 0
    percent: int = 0
    duration_min: int = 0


def parse_remote_command(payload: bytes) -> RemoteCommand:
    """Strict parsing of a decrypted companion app message."""
    try:
        message = json.loads(payload)
    except ValueError as error:
        raise MessageError("not JSON") from error
    if not isinstance(message, dict) or type(message.get("kind")) is not str:
        raise MessageError("a command is an object with a kind")
    kind = message["kind"]
    if kind not in _FIELDS:
        raise MessageError(f"unknown command {kind!r}")
    expected = _FIELDS[kind]
    if set(message) != {"kind", *expected}:
        raise MessageError("unexpected or missing fields")
    values: dict[str, int] = {}
    for name, (low, high, step) in expected.items():
        value = message[name]
        if type(value) is not int:
            raise MessageError(f"{name} must be an integer, not {value!r}")
        if not low <= value <= high or (value - low) % step:
            raise MessageError(f"{name} {value} outside {low}..{high}")
        values[name] = value
    return RemoteCommand(kind, **values)


@dataclass(frozen=True, slots=True)
class _Pending:
    command: RemoteCommand
    offered_ms: int


class RemoteCommandQueue:
    def __init__(self, *, log: Logs | None = None) -> None:
        self._log = log
        self._pending: _Pending | None = None

    @property
    def pending(self) -> RemoteCommand | None:
        return self._pending.command if self._pending else None

    def offer(self, command: RemoteCommand, now_ms: int) -> None:
        """Queue a command for on-pump confirmation (a newer one replaces an older one)."""
        if self._pending is not None:
            self._record("remote-command-replaced", kind=self._pending.command.kind)
        self._pending = _Pending(command, now_ms)
        self._record("remote-command-queued", kind=command.kind)

    def review_screen(self, max_bolus_mu: int) -> ReviewScreen | None:
        """The review screen shown on the pump for the pending command."""
        if self._pending is None:
            return None
        proposal = self._pending.command
        draft = TherapyCommand(
            proposal.kind,
            proposal.amount_mu,
            proposal.percent,
            proposal.duration_min,
            source="remote",
        )
        return ReviewScreen(draft, max_bolus_mu=max_bolus_mu, accept=self.confirm)

    def confirm(self, draft: TherapyCommand, now_ms: int) -> TherapyCommand | None:
        """Confirm on the pump; None if the command has expired meanwhile."""
        self.tick(now_ms)
        if self._pending is None:
            return None
        self._pending = None
        self._record("remote-command-confirmed", kind=draft.kind)
        return draft

    def tick(self, now_ms: int) -> None:
        if self._pending is not None and now_ms - self._pending.offered_ms > EXPIRY_MS:
            self._record("remote-command-expired", kind=self._pending.command.kind, message=EXPIRED)
            self._pending = None

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

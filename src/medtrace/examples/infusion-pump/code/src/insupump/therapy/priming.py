"""Reservoir change and priming, part of the bolus and priming delivery unit (SWU-002).

Rewind and tubing priming are possible only inside the reservoir change workflow, after the
user has confirmed "Infusion set disconnected from body". Tubing priming counts strokes
against a budget of 30 U per reservoir change; the cannula fill after reconnection is 0.1 to
1.0 U. All movement goes through the limit guard.

    idle -> awaiting-disconnect -> disconnect-confirmed -> rewound -> priming
         -> reconnected -> (cannula filled) idle
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from insupump.hal.motor import STROKE_MU, mu_to_strokes
from insupump.therapy.limits import Kind, LimitGuard, Rejected, StrokeCommand

# implements: SRS-065

PRIMING_BUDGET_MU = 30_000
CANNULA_FILL_RANGE_MU = (100, 1_000)
DISCONNECT_FIRST = "Disconnect infusion set first"
DISCONNECT_CONFIRMATION = "Infusion set disconnected from body"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class PrimingState(StrEnum):
    IDLE = "idle"
    AWAITING_DISCONNECT = "awaiting-disconnect"
    DISCONNECT_CONFIRMED = "disconnect-confirmed"
    REWOUND = "rewound"
    PRIMING = "priming"
    RECONNECTED = "reconnected"


class PrimingRefusedError(Exception):
    pass


class PrimingWorkflow:
    def __init__(self, guard: LimitGuard, *, log: Logs | None = None) -> None:
        self._guard = guard
        self._log = log
        self.state = PrimingState.IDLE
        self.primed_mu = 0

    def begin(self) -> None:
        """Start a reservoir change (after the U-100 instruction has been acknowledged)."""
        self.state = PrimingState.AWAITING_DISCONNECT
        self.primed_mu = 0
        self._record("reservoir-change-start")

    def confirm_disconnected(self) -> None:
        if self.state is not PrimingState.AWAITING_DISCONNECT:
            raise PrimingRefusedError("no reservoir change in progress")
        self.state = PrimingState.DISCONNECT_CONFIRMED
        self._record("disconnect-confirmed", message=DISCONNECT_CONFIRMATION)

    def rewind(self, now_ms: int) -> None:
        if self.state is not PrimingState.DISCONNECT_CONFIRMED:
            raise PrimingRefusedError(DISCONNECT_FIRST)
        self._guard.rewind(now_ms)
        self.state = PrimingState.REWOUND

    def prime(self, strokes: int, now_ms: int) -> int:
        """Prime the tubing; returns the strokes delivered, which stop at the 30 U budget."""
        if self.state not in (PrimingState.REWOUND, PrimingState.PRIMING):
            raise PrimingRefusedError(DISCONNECT_FIRST)
        allowed = min(strokes, (PRIMING_BUDGET_MU - self.primed_mu) // STROKE_MU)
        if allowed <= 0:
            raise PrimingRefusedError("Priming limit of 30 U reached")
        self.state = PrimingState.PRIMING
        command = StrokeCommand(
            Kind.PRIMING, allowed, programme_mu=self.primed_mu + allowed * STROKE_MU
        )
        decision = self._guard.submit(command, now_ms)
        if isinstance(decision, Rejected):
            raise PrimingRefusedError(decision.reason)
        self.primed_mu += allowed * STROKE_MU
        self._record("priming", delivered_mu=allowed * STROKE_MU, total_mu=self.primed_mu)
        return allowed

    def confirm_reconnected(self) -> None:
        if self.state is not PrimingState.PRIMING:
            raise PrimingRefusedError("prime the tubing first")
        self.state = PrimingState.RECONNECTED

    def fill_cannula(self, amount_mu: int, now_ms: int) -> int:
        if self.state is not PrimingState.RECONNECTED:
            raise PrimingRefusedError("reconnect the infusion set first")
        low, high = CANNULA_FILL_RANGE_MU
        if not low <= amount_mu <= high:
            raise PrimingRefusedError("Cannula fill is 0.1 to 1.0 U")
        strokes = mu_to_strokes(amount_mu)
        command = StrokeCommand(Kind.CANNULA_FILL, strokes, programme_mu=amount_mu)
        decision = self._guard.submit(command, now_ms)
        if isinstance(decision, Rejected):
            raise PrimingRefusedError(decision.reason)
        self.state = PrimingState.IDLE
        self._record("cannula-fill", delivered_mu=strokes * STROKE_MU)
        return strokes

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

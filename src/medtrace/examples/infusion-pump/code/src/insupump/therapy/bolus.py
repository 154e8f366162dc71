"""Bolus delivery, part of the bolus and priming delivery unit (SWU-002).

A normal bolus of 0.05 to 25.00 U is a queue of 0.05 U strokes released every 2.0 s
(1.5 U/min); basal strokes that fall due meanwhile are commanded between bolus strokes by
the control loop, never deferred. An extended bolus spreads its strokes evenly over 30
minutes to 8 hours; a dual-wave bolus runs its immediate part first and then its extended
part, and both parts together are checked against the maximum bolus as one bolus. Every
stroke goes through the limit guard, and its record is in the event log before the next
stroke is commanded. Stop clears the queue at once; the delivered and undelivered amounts
are logged and shown to 0.05 U, and a stopped or aborted bolus is never resumed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from insupump.hal.motor import STROKE_MU
from insupump.therapy.limits import Decision, Kind, LimitGuard, Rejected, StrokeCommand

# implements: SRS-004
# implements: SRS-005
# implements: SRS-006

NORMAL_STROKE_INTERVAL_MS = 2_000  # 0.05 U every 2 s = 1.5 U/min
BOLUS_RANGE_MU = (50, 25_000)
EXTENDED_DURATION_MIN = (30, 8 * 60)
DURATION_STEP_MIN = 30


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class BolusKind(StrEnum):
    NORMAL = "normal"
    EXTENDED = "extended"
    DUAL_WAVE = "dual-wave"


class BolusRequestError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class BolusRequest:
    """A confirmed bolus; immutable once confirmed. ``immediate_mu`` is for dual-wave."""

    amount_mu: int
    kind: BolusKind = BolusKind.NORMAL
    duration_min: int = 0
    immediate_mu: int = 0
    source: str = "pump"

    def __post_init__(self) -> None:
        low, high = BOLUS_RANGE_MU
        if type(self.amount_mu) is not int or not low <= self.amount_mu <= high:
            raise BolusRequestError("a bolus is 0.05 to 25.00 U")
        if self.amount_mu % STROKE_MU or self.immediate_mu % STROKE_MU:
            raise BolusRequestError("bolus amounts are in steps of 0.05 U")
        if self.kind is BolusKind.NORMAL:
            if self.duration_min or self.immediate_mu:
                raise BolusRequestError("a normal bolus has no duration")
            return
        lo, hi = EXTENDED_DURATION_MIN
        if not lo <= self.duration_min <= hi or self.duration_min % DURATION_STEP_MIN:
            raise BolusRequestError(
                "an extended part lasts 30 minutes to 8 hours in 30-minute steps"
            )
        if self.kind is BolusKind.EXTENDED and self.immediate_mu:
            raise BolusRequestError("an extended bolus has no immediate part")
        if self.kind is BolusKind.DUAL_WAVE and not 0 < self.immediate_mu < self.amount_mu:
            raise BolusRequestError("a dual-wave bolus has an immediate and an extended part")

    @property
    def extended_mu(self) -> int:
        if self.kind is BolusKind.NORMAL:
            return 0
        return self.amount_mu - self.immediate_mu


@dataclass(slots=True)
class _Running:
    bolus_id: int
    request: BolusRequest
    due_ms: list[int]  # release time of every remaining stroke, in order
    delivered_mu: int = 0
    stroke_times: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BolusOutcome:
    bolus_id: int
    commanded_mu: int
    delivered_mu: int
    undelivered_mu: int
    reason: str
    stroke_times: tuple[int, ...] = ()

    def display(self) -> str:
        return (
            f"Delivered {self.delivered_mu / 1000:.2f} U, "
            f"not delivered {self.undelivered_mu / 1000:.2f} U"
        )


def stroke_schedule(request: BolusRequest, start_ms: int) -> list[int]:
    """Release times of all strokes: the immediate part every 2 s, then the extended part."""
    immediate = request.amount_mu if request.kind is BolusKind.NORMAL else request.immediate_mu
    times = [start_ms + i * NORMAL_STROKE_INTERVAL_MS for i in range(immediate // STROKE_MU)]
    extended_strokes = request.extended_mu // STROKE_MU
    if extended_strokes:
        extended_start = times[-1] if times else start_ms
        duration_ms = request.duration_min * 60_000
        times += [
            extended_start + (i + 1) * duration_ms // extended_strokes
            for i in range(extended_strokes)
        ]
    return times


class BolusController:
    def __init__(self, guard: LimitGuard, *, log: Logs | None = None) -> None:
        self._guard = guard
        self._log = log
        self._running: _Running | None = None
        self._ids = itertools.count(1)
        self.last_outcome: BolusOutcome | None = None

    @property
    def running(self) -> bool:
        return self._running is not None

    def start(self, request: BolusRequest, now_ms: int) -> Decision:
        if self._running is not None:
            return Rejected("A bolus is already running")
        decision = self._guard.check_bolus(request.amount_mu, now_ms)  # both parts as one
        if not decision.ok:
            return decision
        bolus_id = next(self._ids)
        self._running = _Running(bolus_id, request, stroke_schedule(request, now_ms))
        self._record(
            "bolus-start",
            bolus_id=bolus_id,
            kind=str(request.kind),
            commanded_mu=request.amount_mu,
            source=request.source,
        )
        return decision

    def tick(self, now_ms: int) -> int:
        """Release the bolus stroke that is due, if any; returns the strokes commanded."""
        running = self._running
        if running is None or not running.due_ms or running.due_ms[0] > now_ms:
            return 0
        if not running.stroke_times and running.due_ms[0] < now_ms:
            # the schedule runs from the first release, so the strokes stay exactly 2 s apart
            late = now_ms - running.due_ms[0]
            running.due_ms = [due + late for due in running.due_ms]
        kind = Kind.REMOTE_BOLUS if running.request.source == "remote" else Kind.BOLUS
        command = StrokeCommand(kind, 1, programme_mu=running.request.amount_mu)
        decision = self._guard.submit(command, now_ms)
        if not decision.ok:
            assert isinstance(decision, Rejected)
            self._finish(decision.reason)
            return 0
        running.due_ms.pop(0)
        running.delivered_mu += STROKE_MU
        running.stroke_times.append(now_ms)
        # committed to non-volatile storage before the next stroke can be commanded
        self._record("bolus-delivery", bolus_id=running.bolus_id, delivered_mu=STROKE_MU)
        if not running.due_ms:
            self._finish("completed")
        return 1

    def stop(self) -> BolusOutcome | None:
        """The Stop key: no further bolus stroke; returns the amounts to display."""
        return self._finish("stopped by user") if self._running else None

    def abort(self, reason: str) -> BolusOutcome | None:
        """Ended by suspension or a fault; a bolus is never resumed automatically."""
        return self._finish(reason) if self._running else None

    def progress(self) -> tuple[int, int]:
        """(delivered, remaining) mU of the running bolus."""
        if self._running is None:
            return (0, 0)
        return (
            self._running.delivered_mu,
            self._running.request.amount_mu - self._running.delivered_mu,
        )

    def stroke_times(self) -> list[int]:
        return list(self._running.stroke_times) if self._running else []

    def _finish(self, reason: str) -> BolusOutcome:
        running = self._running
        assert running is not None
        self._running = None
        commanded = running.request.amount_mu
        outcome = BolusOutcome(
            running.bolus_id,
            commanded,
            running.delivered_mu,
            commanded - running.delivered_mu,
            reason,
            tuple(running.stroke_times),
        )
        self.last_outcome = outcome
        self._record(
            "bolus-end",
            bolus_id=outcome.bolus_id,
            commanded_mu=commanded,
            delivered_mu=outcome.delivered_mu,
            undelivered_mu=outcome.undelivered_mu,
            reason=reason,
        )
        return outcome

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

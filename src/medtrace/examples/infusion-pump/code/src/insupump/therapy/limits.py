"""Delivery limit guard, part of the limit guard and settings store unit (SWU-003).

Every delivery command of every path (basal, temporary basal, bolus, priming, cannula fill,
remotely requested bolus) goes through ``LimitGuard.submit`` immediately before the motor
command link, which accepts commands only with the guard's capability token. A stroke
command is checked, in this order, against the absolute limits (compile-time constants:
25.00 U per bolus, 35.00 U/h basal, 30.0 U priming), the configured maximum bolus and basal
rate (read from the settings on every check, never cached), and the configured maximum
daily dose over the rolling 24 hours, kept in elapsed monotonic time.

A command above an absolute limit can only come from a software fault or corrupted
configuration: it raises the high-priority alarm "Delivery error" and stops all delivery.
A request above a configured limit is refused with the user message and logged.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.hal.mcu_protocol import DELIVERY_ERROR, DeliveryError
from insupump.hal.motor import REWIND_MM, STROKE_MU, EncoderReport, MotorLink

# implements: SRS-008
# implements: SRS-009
# implements: SRS-010
# implements: SRS-011
# implements: SRS-012
# implements: SRS-059

ABS_MAX_BOLUS_MU = 25_000
ABS_MAX_BASAL_MU_H = 35_000
ABS_MAX_PRIMING_MU = 30_000
DAY_MS = 24 * 3_600_000

BOLUS_EXCEEDS_MAXIMUM = "Bolus exceeds maximum"
BASAL_EXCEEDS_MAXIMUM = "Basal rate exceeds maximum"
BOLUS_EXCEEDS_DAILY_MAXIMUM = "Bolus exceeds daily maximum"
DAILY_MAXIMUM_REACHED = "Daily maximum reached"
SETTINGS_LOST = "Settings lost: re-enter therapy settings"


class Kind(StrEnum):
    BASAL = "basal"
    TEMP_BASAL = "temp-basal"
    BOLUS = "bolus"
    REMOTE_BOLUS = "remote-bolus"
    PRIMING = "priming"
    CANNULA_FILL = "cannula-fill"


BASAL_KINDS = frozenset({Kind.BASAL, Kind.TEMP_BASAL})
BOLUS_KINDS = frozenset({Kind.BOLUS, Kind.REMOTE_BOLUS})
PRIMING_KINDS = frozenset({Kind.PRIMING, Kind.CANNULA_FILL})
INTO_PATIENT = BASAL_KINDS | BOLUS_KINDS | {Kind.CANNULA_FILL}  # counted in the daily total


@dataclass(frozen=True, slots=True)
class StrokeCommand:
    """``strokes`` strokes of one delivery programme.

    ``programme_mu`` is the amount of the whole programme the strokes belong to (the bolus,
    or the priming or cannula fill so far); ``rate_mu_h`` is the basal rate for basal kinds.
    """

    kind: Kind
    strokes: int = 1
    programme_mu: int = 0
    rate_mu_h: int = 0

    @property
    def amount_mu(self) -> int:
        return self.strokes * STROKE_MU


@dataclass(frozen=True, slots=True)
class Accepted:
    report: EncoderReport | None = None
    ok: bool = True


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str
    ok: bool = False


Decision = Accepted | Rejected


class Limits(Protocol):
    """The configured limits: any object with these attributes (normally TherapySettings)."""

    max_bolus_mu: int
    max_basal_mu_h: int
    max_daily_mu: int


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class HasSegments(Protocol):
    def covered(self, start_minute: int, duration_min: int) -> Iterable[Any]: ...


DeliveryListener = Callable[[StrokeCommand, EncoderReport, int], None]


class LimitGuard:
    def __init__(
        self,
        motor: MotorLink,
        settings: Callable[[], Limits],
        *,
        alarms: AlarmManager | None = None,
        log: Logs | None = None,
    ) -> None:
        self._motor = motor
        self._token = motor.issue_token()  # the only holder of the motor capability
        self._settings = settings
        self._alarms = alarms
        self._log = log
        self._window: deque[tuple[int, int]] = deque()  # (monotonic ms, mU) per command
        self._stop_reasons: dict[str, int] = {}
        self._listeners: list[DeliveryListener] = []

    # checks of a programme before it starts ----------------------------------------------

    def check_bolus(self, amount_mu: int, now_ms: int) -> Decision:
        limits = self._limits()
        if isinstance(limits, Rejected):
            return limits
        # entry checks test the configured limit first, so that a user sees its message; the
        # absolute limit is reached only when the configuration itself is wrong
        if amount_mu > limits.max_bolus_mu:
            return self._refuse(BOLUS_EXCEEDS_MAXIMUM, requested_mu=amount_mu)
        if amount_mu > ABS_MAX_BOLUS_MU:
            return self._absolute("bolus", amount_mu, now_ms)
        if self.delivered_24h_mu(now_ms) + amount_mu > limits.max_daily_mu:
            return self._refuse(BOLUS_EXCEEDS_DAILY_MAXIMUM, requested_mu=amount_mu)
        return Accepted()

    def check_basal_rate(self, rate_mu_h: int, now_ms: int) -> Decision:
        limits = self._limits()
        if isinstance(limits, Rejected):
            return limits
        if rate_mu_h > limits.max_basal_mu_h:
            return self._refuse(BASAL_EXCEEDS_MAXIMUM, requested_mu_h=rate_mu_h)
        if rate_mu_h > ABS_MAX_BASAL_MU_H:
            return self._absolute("basal rate", rate_mu_h, now_ms)
        return Accepted()

    def check_profile(self, rates_mu_h: Iterable[int], now_ms: int) -> Decision:
        for rate in rates_mu_h:
            decision = self.check_basal_rate(rate, now_ms)
            if not decision.ok:
                return decision
        return Accepted()

    def check_temp_basal(
        self,
        profile: HasSegments,
        percent: int,
        start_minute: int,
        duration_min: int,
        now_ms: int,
    ) -> Decision:
        """The resulting rate of every segment the temporary basal covers is checked."""
        rates = [s.rate_mu_h * percent // 100 for s in profile.covered(start_minute, duration_min)]
        return self.check_profile(rates, now_ms)

    def check_priming(self, amount_mu: int, now_ms: int) -> Decision:
        if amount_mu > ABS_MAX_PRIMING_MU:
            return self._absolute("priming", amount_mu, now_ms)
        return Accepted()

    # the single delivery path ------------------------------------------------------------

    def submit(self, command: StrokeCommand, now_ms: int) -> Decision:
        if self._stop_reasons:
            return Rejected(f"Delivery stopped: {', '.join(self._stop_reasons)}")
        decision = self._absolute_check(command, now_ms) or self._configured_check(command)
        if decision is None:
            decision = self._daily_check(command, now_ms)
        if decision is not None:
            return decision
        try:
            report = self._motor.deliver(command.strokes, token=self._token)
        except DeliveryError as error:
            self._fail(error.detail, now_ms)
            return Rejected(DELIVERY_ERROR)
        if command.kind in INTO_PATIENT:
            self._window.append((now_ms, command.amount_mu))
        for listener in self._listeners:
            listener(command, report, now_ms)
        return Accepted(report)

    def add_listener(self, listener: DeliveryListener) -> None:
        """Called after every accepted command (sensor reads, supervision, logging)."""
        self._listeners.append(listener)

    def delivered_24h_mu(self, now_ms: int) -> int:
        """Insulin delivered in the last 24 hours of elapsed (monotonic) time."""
        while self._window and self._window[0][0] <= now_ms - DAY_MS:
            self._window.popleft()
        return sum(amount for _, amount in self._window)

    # stopping ----------------------------------------------------------------------------

    def stop(self, reason: str, now_ms: int) -> None:
        if reason not in self._stop_reasons:
            self._stop_reasons[reason] = now_ms
            self._record("delivery-stopped", reason=reason)

    def release(self, reason: str) -> None:
        if self._stop_reasons.pop(reason, None) is not None:
            self._record("delivery-released", reason=reason)

    @property
    def stopped(self) -> bool:
        return bool(self._stop_reasons)

    @property
    def stop_reasons(self) -> tuple[str, ...]:
        return tuple(self._stop_reasons)

    def retract(self, mm: Decimal | str, now_ms: int) -> None:
        """Pressure relief: allowed while stopped, as it moves no insulin out."""
        try:
            self._motor.retract(mm, token=self._token)
        except DeliveryError as error:
            self._fail(error.detail, now_ms)

    def synchronise_counters(self, now_ms: int) -> None:
        """At start-up: zero the stroke counters of the link and of the MCU's encoder, so
        that the encoder cross-check starts from a common baseline."""
        try:
            self._motor.reset_counters(token=self._token)
        except DeliveryError as error:
            self._fail(error.detail, now_ms)

    def rewind(self, now_ms: int) -> None:
        """Full rewind and counter reset for a new reservoir (priming workflow only)."""
        self.retract(REWIND_MM, now_ms)
        self._motor.reset_counters(token=self._token)

    # internals ---------------------------------------------------------------------------

    def _limits(self) -> Limits | Rejected:
        try:
            return self._settings()
        except Exception:  # settings lost or unreadable: no delivery at all
            return Rejected(SETTINGS_LOST)

    def _absolute_check(self, command: StrokeCommand, now_ms: int) -> Decision | None:
        if command.kind in BOLUS_KINDS and command.programme_mu > ABS_MAX_BOLUS_MU:
            return self._absolute(command.kind, command.programme_mu, now_ms)
        if command.kind in BASAL_KINDS and command.rate_mu_h > ABS_MAX_BASAL_MU_H:
            return self._absolute(command.kind, command.rate_mu_h, now_ms)
        if command.kind in PRIMING_KINDS and command.programme_mu > ABS_MAX_PRIMING_MU:
            return self._absolute(command.kind, command.programme_mu, now_ms)
        return None

    def _configured_check(self, command: StrokeCommand) -> Decision | None:
        limits = self._limits()
        if isinstance(limits, Rejected):
            return limits
        if command.kind in BOLUS_KINDS and command.programme_mu > limits.max_bolus_mu:
            return self._refuse(BOLUS_EXCEEDS_MAXIMUM, requested_mu=command.programme_mu)
        if command.kind in BASAL_KINDS and command.rate_mu_h > limits.max_basal_mu_h:
            return self._refuse(BASAL_EXCEEDS_MAXIMUM, requested_mu_h=command.rate_mu_h)
        return None

    def _daily_check(self, command: StrokeCommand, now_ms: int) -> Decision | None:
        if command.kind not in INTO_PATIENT:
            return None
        limits = self._limits()
        if isinstance(limits, Rejected):
            return limits
        if self.delivered_24h_mu(now_ms) + command.amount_mu <= limits.max_daily_mu:
            return None
        if command.kind in BOLUS_KINDS:
            return self._refuse(BOLUS_EXCEEDS_DAILY_MAXIMUM, requested_mu=command.programme_mu)
        self.stop(DAILY_MAXIMUM_REACHED, now_ms)
        if self._alarms is not None:
            self._alarms.raise_condition(Condition.DAILY_MAXIMUM, now_ms)
        return Rejected(DAILY_MAXIMUM_REACHED)

    def _absolute(self, what: str, value: int, now_ms: int) -> Rejected:
        self._fail(f"{what} {value} above the absolute limit", now_ms)
        return Rejected(DELIVERY_ERROR)

    def _fail(self, detail: str, now_ms: int) -> None:
        self.stop(DELIVERY_ERROR, now_ms)
        self._record("delivery-error", detail=detail)
        if self._alarms is not None:
            self._alarms.raise_condition(Condition.DELIVERY_ERROR, now_ms, detail)

    def _refuse(self, message: str, **requested: int) -> Rejected:
        self._record("request-refused", message=message, **requested)
        return Rejected(message)

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

"""User suspend and resume, part of the basal scheduler unit (SWU-001).

Suspend (confirmed by the user) stops basal delivery and ends a running bolus in the same
control loop cycle, well within 2 s, persists the suspended state so that it survives a
restart, and raises the medium-priority reminder "Insulin suspended", which the alarm
manager annunciates again every 15 minutes while the suspension lasts. Resume needs
confirmation, restarts basal delivery at the rate of the current segment or active
temporary basal, and does not continue the bolus that the suspension interrupted.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Protocol

from insupump.alarms.manager import AlarmManager, Condition
from insupump.therapy.basal import BasalScheduler
from insupump.therapy.bolus import BolusController

# implements: SRS-020
# implements: SRS-021

STATE_KEY = "therapy-state"
USER = "user"


class Logs(Protocol):
    def append(self, type_: str, payload: dict[str, Any] | None = None) -> int: ...


class ResumeNotConfirmedError(Exception):
    pass


class SuspendController:
    def __init__(
        self,
        scheduler: BasalScheduler,
        bolus: BolusController,
        alarms: AlarmManager,
        nvm: MutableMapping[str, bytes],
        *,
        log: Logs | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._bolus = bolus
        self._alarms = alarms
        self._nvm = nvm
        self._log = log

    @property
    def suspended(self) -> bool:
        return USER in self._scheduler.suspend_reasons

    def restore(self, now_ms: int) -> None:
        """At start-up: a suspension in force before the restart stays in force."""
        if self._nvm.get(STATE_KEY) == b"suspended-user":
            self._scheduler.suspend(USER)
            self._alarms.raise_condition(Condition.INSULIN_SUSPENDED, now_ms)

    def suspend(self, now_ms: int) -> None:
        """Called once the user has confirmed Suspend on the review screen."""
        self._scheduler.suspend(USER)
        interrupted = self._bolus.abort("suspended")
        self._nvm[STATE_KEY] = b"suspended-user"
        self._record(
            "suspend", interrupted_bolus_mu=interrupted.undelivered_mu if interrupted else 0
        )
        self._alarms.raise_condition(Condition.INSULIN_SUSPENDED, now_ms)

    def resume(self, now_ms: int, *, confirmed: bool) -> None:
        if not confirmed:
            raise ResumeNotConfirmedError("Resume needs confirmation")
        self._scheduler.resume(USER)
        self._nvm[STATE_KEY] = b"running"
        self._record("resume")
        self._alarms.resolve_condition(Condition.INSULIN_SUSPENDED, now_ms)

    def _record(self, type_: str, **payload: Any) -> None:
        if self._log is not None:
            self._log.append(type_, payload)

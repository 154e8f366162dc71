"""Power-on self test and power loss recovery, part of the start-up and self test unit (SWU-017).

The self test runs before therapy control may start, in this order: image signature and
anti-rollback (E-010), hardening (E-031), both settings copies (E-020), safety MCU handshake
and firmware version (E-040), motor drive response (E-050), pressure and air sensor
plausibility (E-060), speaker and vibration motor with the user confirming the test tone
(E-070), all within 30 s. Any failure, or running over the budget, blocks therapy and shows
"Self test failed" with the error code.

A missing clean-shutdown marker means that the previous run ended by a loss of power: the
pump shows "Power was lost at hh:mm: delivery was stopped", keeps settings and history, and
delivers nothing until the user has confirmed the message.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass

from insupump.ui.text import text

# implements: SRS-033
# implements: SRS-061

BUDGET_MS = 30_000
STEP_CODES = (
    ("image signature", "E-010"),
    ("hardening", "E-031"),
    ("settings copies", "E-020"),
    ("safety MCU handshake", "E-040"),
    ("motor drive", "E-050"),
    ("pressure and air sensors", "E-060"),
    ("speaker and vibration", "E-070"),
)
CLEAN_SHUTDOWN = "clean-shutdown"
LAST_ALIVE = "last-alive-local"


@dataclass(frozen=True, slots=True)
class PostStep:
    name: str
    code: str
    check: Callable[[], bool]


@dataclass(frozen=True, slots=True)
class PostResult:
    passed: bool
    error_code: str | None = None
    duration_ms: int = 0

    @property
    def message(self) -> str:
        return "" if self.passed else f"Self test failed {self.error_code}"


def standard_steps(checks: dict[str, Callable[[], bool]]) -> list[PostStep]:
    """The steps in their fixed order, from one check function per step name."""
    return [PostStep(name, code, checks[name]) for name, code in STEP_CODES]


class SelfTest:
    def __init__(self, steps: Sequence[PostStep], clock_ms: Callable[[], int]) -> None:
        self._steps = steps
        self._clock = clock_ms
        self.result: PostResult | None = None

    @property
    def therapy_allowed(self) -> bool:
        return self.result is not None and self.result.passed

    def run(self) -> PostResult:
        start = self._clock()
        for step in self._steps:
            try:
                ok = bool(step.check())
            except Exception:
                ok = False
            elapsed = self._clock() - start
            if not ok or elapsed > BUDGET_MS:
                self.result = PostResult(False, step.code, elapsed)
                return self.result
        self.result = PostResult(True, None, self._clock() - start)
        return self.result


class PowerLossRecovery:
    def __init__(self, nvm: MutableMapping[str, bytes]) -> None:
        self._nvm = nvm
        self.message: str | None = None

    def on_start(self) -> str | None:
        """The power loss message to show, or None after a clean shutdown."""
        if self._nvm.pop(CLEAN_SHUTDOWN, None) is not None:
            self.message = None
        else:
            last = self._nvm.get(LAST_ALIVE, b"--:--").decode()
            self.message = text("power-lost", time=last)
        return self.message

    @property
    def delivery_allowed(self) -> bool:
        return self.message is None

    def confirm(self) -> None:
        self.message = None

    def record_alive(self, local_hhmm: str) -> None:
        """Written every minute while running: the time shown after a power loss."""
        self._nvm[LAST_ALIVE] = local_hhmm.encode()

    def mark_clean_shutdown(self) -> None:
        self._nvm[CLEAN_SHUTDOWN] = b"1"

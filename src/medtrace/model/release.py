"""What stops a release: one reason, with its clause, a stable code and a one-line message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SHOWN = 12  # ids named in one reason before "and N more"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One thing that stops a release: the clause, a stable code, and a one-line message."""

    clause: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.clause} {self.code}: {self.message}"


def named(names: Sequence[str]) -> str:
    """``A, B, C`` (the first :data:`SHOWN`, then ``and N more``)."""
    shown = ", ".join(names[:SHOWN])
    return shown if len(names) <= SHOWN else f"{shown} and {len(names) - SHOWN} more"

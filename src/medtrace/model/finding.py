"""Findings: what a check reports about a project. Data, never exceptions."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from medtrace.model.location import SourceLocation


class Severity(enum.Enum):
    """How much a finding matters. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One reported problem.

    ``code`` is stable across releases (``item/id-duplicate``,
    ``62304.5.1.1/plan-missing``); ``clause`` is the IEC 62304 clause a rule
    cites, or ``None`` for structural findings about the files themselves.
    """

    code: str
    severity: Severity
    message: str
    location: SourceLocation
    item: str | None = None
    clause: str | None = None

    def sort_key(self) -> tuple[str, int, str, str, str]:
        line = self.location.line if self.location.line is not None else 0
        return (self.location.path, line, self.code, self.item or "", self.message)

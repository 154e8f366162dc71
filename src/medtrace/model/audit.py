"""The audit trail as values: one row per event (from the web application's log or from git
history) and what ``audit verify`` found wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRow:
    """One event: when (UTC, ISO 8601), where it is recorded (``log``: the application's
    hash-chained log, ``git``: a commit), who, what was done to which items, the commit,
    why, the before and after versions or fingerprints, and how the actor was
    authenticated."""

    at: str
    source: str
    actor: str
    action: str
    items: tuple[str, ...] = ()
    commit: str = ""
    reason: str = ""
    before: str = ""
    after: str = ""
    method: str = ""
    detail: str = ""
    seq: int = 0  # the log's sequence number (0 for a commit)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditProblem:
    """What ``audit verify`` found: ``kind`` is ``chain-broken``, ``commit-missing``,
    ``commit-rewritten``, ``event-missing``, ``signature-changed`` or ``signature-missing``."""

    kind: str
    message: str
    seq: int = 0

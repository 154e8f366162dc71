"""Options of the command group, passed to every command (no globals)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Context:
    debug: bool = False

"""Where something is in the user's project: a path relative to the root and a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class SourceLocation:
    """A file (POSIX path relative to the project root) and an optional 1-based line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

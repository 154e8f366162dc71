"""The exception tree of medtrace.

Findings about a user's project are *data* (:class:`medtrace.model.Finding`),
never exceptions. Exceptions are reserved for the cases where the tool cannot
go on at all::

    MedtraceError            anything the user can fix; the CLI prints it in one line, exit 2
    ├── ProjectError         the project cannot be located or loaded
    │   └── ConfigError      medtrace.toml is unreadable or not TOML (carries path:line)
    └── StoreError           the .medtrace cache cannot be used (it is then rebuilt)

Every message names the file (and line, where there is one) it is about.
"""

from __future__ import annotations


class MedtraceError(Exception):
    """Base class: a failure the user can act on. ``hint`` says how."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ProjectError(MedtraceError):
    """The project cannot be located or loaded."""


class ConfigError(ProjectError):
    """``medtrace.toml`` cannot be read as TOML."""


class StoreError(MedtraceError):
    """The incremental cache under ``.medtrace/`` cannot be used."""

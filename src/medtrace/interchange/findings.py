"""The finding codes every interchange format shares, and how a reader makes one.

``migrate/unreadable``: a source file is not what its format is made of (not
UTF-8, not YAML or JSON, not a mapping); ``migrate/invalid``: it is, but breaks
its format's shape (an error), or deviates from it in a way real exports do and
the import goes past (a warning, an error when the import is strict);
``migrate/not-imported``: content that becomes no item, reported with its file and
line; ``migrate/link-unmapped``: a link kept in a
body section because no link type fits it.
"""

from __future__ import annotations

from dataclasses import replace

from medtrace.model.codes import DEVIATIONS as DEVIATIONS  # (what a strict import refuses)
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

UNREADABLE = "migrate/unreadable"
INVALID = "migrate/invalid"
NOT_IMPORTED = "migrate/not-imported"
LINK_UNMAPPED = "migrate/link-unmapped"

Extra = tuple[tuple[str, object], ...]  # a source's attributes without a medtrace field


def migrate_finding(code: str, path: str, message: str, line: int | None = None) -> Finding:
    """An error of a source file (``path``, ``line``) that stops its import."""
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message=message,
        location=SourceLocation(path=path, line=line),
    )


def migrate_warning(code: str, path: str, message: str, line: int | None = None) -> Finding:
    """A deviation of a source file that an import reports and goes past."""
    return replace(migrate_finding(code, path, message, line), severity=Severity.WARNING)

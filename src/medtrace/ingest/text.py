"""Text from other tools' files made safe to keep.

:func:`one_line` is how a name, a version or a title is kept: one line, its control
characters left out (a YAML file cannot hold most of them; a terminal runs them).
(What a terminal is shown is escaped by :mod:`medtrace.cli.terminal`.)
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def one_line(value: str) -> str:
    """``value`` on one line: its white space and line breaks one space each, its other
    control characters left out."""
    if _CONTROL.search(value) is None and "  " not in value and value == value.strip():
        return value
    return " ".join(_CONTROL.sub(lambda m: " " if m.group().isspace() else "", value).split())

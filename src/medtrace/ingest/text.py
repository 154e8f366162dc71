"""Text from other tools' files made safe to keep and to show.

:func:`one_line` is how a name, a version or a title is kept: one line, its control
characters left out (a YAML file cannot hold most of them; a terminal runs them).
:func:`shown` is how any text is printed to a terminal: its control characters
(escape sequences that move the cursor, recolour or retitle the terminal) made
visible as ``\\x1b`` and the like, its line breaks kept.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_SHOWN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def one_line(value: str) -> str:
    """``value`` on one line: its white space and line breaks one space each, its other
    control characters left out."""
    if _CONTROL.search(value) is None and "  " not in value and value == value.strip():
        return value
    return " ".join(_CONTROL.sub(lambda m: " " if m.group().isspace() else "", value).split())


def shown(value: str) -> str:
    """``value`` for a terminal: control characters but line breaks and tabs as escapes."""
    if _SHOWN.search(value) is None:
        return value
    return _SHOWN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)

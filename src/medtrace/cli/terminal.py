"""What the command line prints never drives the terminal.

Titles, messages and values come from a project's files and other tools' exports;
a control character among them could move the cursor, clear the screen, retitle the
terminal, or hide text (a carriage return, bidirectional overrides). Every command's
standard output and error pass through :class:`EscapingStream`, which shows each such
character as ``\\uXXXX`` (valid inside JSON strings too, so JSON output stays JSON).
Tabs and line breaks pass; so do the colour codes (SGR ``ESC [ ... m``) rich writes to
a terminal, and only to a terminal.
"""

from __future__ import annotations

import io
import re
from typing import TextIO, cast

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_COLOUR = re.compile(r"(\x1b\[[0-9;]*m)")


def escaped(text: str, *, colour: bool = False) -> str:
    """``text`` with its control characters shown (colour codes kept when ``colour``)."""
    if _UNSAFE.search(text) is None:
        return text
    if not colour:
        return _UNSAFE.sub(_code, text)
    parts = _COLOUR.split(text)  # odd indexes: colour codes
    return "".join(part if i % 2 else _UNSAFE.sub(_code, part) for i, part in enumerate(parts))


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class EscapingStream(io.TextIOBase):
    """A text stream that writes :func:`escaped` text to ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.colour = _isatty(stream)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)

    def isatty(self) -> bool:
        return self.colour

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.stream.write(escaped(text, colour=self.colour))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def escape_output(streams: dict[str, TextIO]) -> dict[str, TextIO]:
    """``streams`` (``stdout``, ``stderr``) each behind an :class:`EscapingStream`."""
    wrapped: dict[str, TextIO] = {}
    for name, stream in streams.items():
        escaping = stream if isinstance(stream, EscapingStream) else EscapingStream(stream)
        wrapped[name] = cast("TextIO", escaping)
    return wrapped

"""Edit an item file's front matter keys and body in place, keeping every other byte.

Used where a command says it updates a record (``soup sync``, ``problems
import``, ``bind``) and by the web application's edits: the keys it owns are
replaced, removed or added, and every other line (comments, order, quoting,
line ends, the body) stays as the person wrote it. Values a command writes are
quoted (:func:`yaml_quoted`) so that any text reads back as written: YAML's
double-quoted style holds every character, but a YAML file may not hold the
non-printable ones raw (most control characters, C1 controls, U+FEFF, lone
surrogates) and reads U+0085, U+2028 and U+2029 as line breaks; those are
escaped, as are line breaks, tabs, the backslash and the double quote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from medtrace.errors import MedtraceError

_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:")
_ENDS = ("---", "...")


def _split(text: str) -> tuple[list[str], int, str]:
    """The lines of ``text``, the index of the line closing its front matter, and its
    line end; raises :class:`MedtraceError` without front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise MedtraceError("the record has no front matter to update")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in _ENDS), None)
    if end is None:
        raise MedtraceError("the record's front matter is not closed")
    return lines, end, "\r\n" if lines[0].endswith("\r\n") else "\n"


def update_front_matter(text: str, keys: Mapping[str, str | None]) -> str:
    """``text`` with each top-level key of ``keys`` replaced by its YAML lines (``key:
    value`` and any indented lines after it; ``None`` removes the key), keys it does not
    hold yet added at the end of the front matter, and every other line kept."""
    lines, end, newline = _split(text)
    pending = dict(keys)
    out = [lines[0]]
    index = 1
    while index < end:
        line = lines[index]
        match = _KEY.match(line)
        index += 1
        if match and match.group(1) in pending:
            out.extend(_lines(pending.pop(match.group(1)), newline))
            while index < end and lines[index][:1] in (" ", "\t", "-"):  # the old value's lines
                index += 1
            continue
        out.append(line)
    for value in pending.values():
        out.extend(_lines(value, newline))
    out += lines[end:]
    return "".join(out)


def replace_body(text: str, body: str) -> str:
    """``text`` with everything after its front matter replaced by ``body`` (in the file's
    line ends, ending in one)."""
    lines, end, newline = _split(text)
    normal = body.replace("\r\n", "\n").replace("\r", "\n")
    if normal and not normal.endswith("\n"):
        normal += "\n"
    closing = lines[end] if lines[end].endswith(("\n", "\r")) else lines[end] + newline
    return "".join([*lines[:end], closing, normal.replace("\n", newline)])


def _lines(value: str | None, newline: str) -> list[str]:
    if value is None:
        return []
    normal = value.replace("\r\n", "\n").rstrip("\n")
    return [line + newline for line in normal.split("\n")]


def set_front_matter(text: str, values: Mapping[str, str]) -> str:
    """``text`` with the top-level keys in ``values`` set to the given (already
    YAML-quoted) values; a value on lines of its own (a block list, see
    :func:`yaml_list`) starts on the line after its key."""
    return update_front_matter(
        text,
        {
            key: f"{key}:{value}" if value.startswith("\n") else f"{key}: {value}"
            for key, value in values.items()
        },
    )


def yaml_list(values: Sequence[str]) -> str:
    """A value for :func:`set_front_matter`: a block list, one entry a line."""
    if not values:
        return "[]"
    return "".join(f"\n  - {_plain(value)}" for value in values)


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@/-]*$")


def _plain(value: str) -> str:
    """``value`` as YAML: plain when it cannot be read as anything else, else quoted."""
    return value if _PLAIN.match(value) else yaml_quoted(value)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
# What YAML lets a stream hold raw, less its line breaks (kept escaped): ASCII printables
# and the printable ranges above, U+0085, U+2028, U+2029 and U+FEFF excluded.
_RAW = re.compile(
    r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def yaml_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as ``value``."""
    return '"' + "".join(_escaped(char) for char in value) + '"'


def _escaped(char: str) -> str:
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    if _RAW.fullmatch(char):
        return char
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )

"""Single values written into an item file's front matter by a command that owns them
(``soup sync``, ``problems import``): quoted so that any text reads back as written.

YAML's double-quoted style holds every character, but a YAML file may not hold the
non-printable ones raw (most control characters, C1 controls, U+FEFF, lone
surrogates) and reads U+0085, U+2028 and U+2029 as line breaks: those are escaped, as
are line breaks, tabs, the backslash and the double quote.
"""

from __future__ import annotations

import re

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

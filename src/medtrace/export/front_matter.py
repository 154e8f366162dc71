"""Edit the front matter of an item file in place: set keys, keep every other byte.

Used where a command says it updates a record (``soup sync``, ``problems
import``, ``bind``): the keys it owns are replaced or added, and every other
line (comments, order, quoting, the body) stays as the person wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from medtrace.errors import MedtraceError

_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:")


def set_front_matter(text: str, values: dict[str, str]) -> str:
    """``text`` with the top-level front matter keys in ``values`` set to the given
    (already YAML-quoted) values; every other line kept as it is."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise MedtraceError("the record has no front matter to update")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "...")), None)
    if end is None:
        raise MedtraceError("the record's front matter is not closed")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    pending = dict(values)
    out = [lines[0]]
    index = 1
    while index < end:
        line = lines[index]
        match = _KEY.match(line)
        index += 1
        if match and match.group(1) in pending:
            out.append(_entry(match.group(1), pending.pop(match.group(1)), newline))
            while index < end and _continues(lines[index]):  # the old value's other lines
                index += 1
            continue
        out.append(line)
    out += [_entry(key, value, newline) for key, value in pending.items()]
    out += lines[end:]
    return "".join(out)


def _entry(key: str, value: str, newline: str) -> str:
    """``key: value`` and its line end; a value on lines of its own (a block list) starts
    on the next line, with the file's line ends."""
    if value.startswith("\n"):
        lines = value.replace("\n", newline)
        return f"{key}:{lines}{newline}"
    return f"{key}: {value}{newline}"


def _continues(line: str) -> bool:
    """Whether a front matter line belongs to the value of the key above it: indented, or
    an entry of a block list written without indentation."""
    return line[:1] in (" ", "\t") or line.rstrip("\r\n") == "-" or line.startswith("- ")


def yaml_list(values: Sequence[str]) -> str:
    """A value for :func:`set_front_matter`: a block list, one quoted entry a line."""
    if not values:
        return "[]"
    return "".join(f"\n  - {_plain(value)}" for value in values)


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@/-]*$")


def _plain(value: str) -> str:
    """``value`` as YAML: plain when it cannot be read as anything else, else quoted."""
    return value if _PLAIN.match(value) else json.dumps(value, ensure_ascii=False)

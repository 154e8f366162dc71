"""The YAML of an item file's front matter (and of the sections a migration keeps in
its body), as PyYAML writes it, fast.

A migration writes tens of thousands of item files, and PyYAML's representer
costs about 80 µs an item: most of an import's time. Nearly every front matter
holds only short one-line strings (ids, kinds, titles, field values), lists of
them and (in body sections) mappings of those, which PyYAML writes unquoted, or
in single quotes when YAML would read them as something else. :func:`block_yaml`
writes those (and integers and booleans) itself, and hands anything else (a
float, a date, a string of several lines or of other than printable ASCII) to
PyYAML unchanged, so the text is always the text PyYAML writes; a property test
compares the two.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

import yaml
from yaml.nodes import ScalarNode

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter, when built in
WIDTH = 1_000_000  # no line is folded
# A string PyYAML writes plain (unquoted) in block context and reads back as a string
# (it runs for every value): a letter or "_" first (no number, date, indicator or
# special float; YAML reads nothing special into a "_"); printable ASCII after it (an
# indicator is one only at the start, or in flow style), without ": " or " #" (a key
# or a comment); at most 1,024 characters; no space or colon last; not one of the
# YAML 1.1 words for true, false and null.
_PLAIN_CHARACTERS = re.compile(r"[A-Za-z_][ -~]{0,1023}").fullmatch
_WORDS = frozenset(("yes", "no", "true", "false", "on", "off", "null"))


def _plain(text: str) -> bool:
    return (
        _PLAIN_CHARACTERS(text) is not None
        and text[-1] not in " :"
        and ": " not in text
        and " #" not in text
        and (len(text) > 5 or text.lower() not in _WORDS)
    )


# Decimal integers and ISO dates and times, which PyYAML's resolver reads as a number
# or a time stamp (the patterns are narrower than its own), so it quotes them.
TAGGED_PATTERN = r"[1-9][0-9]{0,17}|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2})?"
_TAGGED = re.compile(TAGGED_PATTERN).fullmatch
_KEY_LIMIT = 128  # characters of a simple key; PyYAML writes a longer one as "? key"


@functools.lru_cache(maxsize=1024)  # the same few keys, item after item
def _plain_key(key: str) -> bool:
    return len(key) < _KEY_LIMIT and _plain(key)


_QUOTABLE = re.compile(r"[ -~]{0,1024}").fullmatch  # one line of printable ASCII
_NOT_FIRST = frozenset(" #,[]{}&*!|>'\"%@`")  # indicators that cannot begin a plain scalar
# The tag PyYAML's dumpers find for a plain scalar (they consult this resolver).
_RESOLVE: Callable[[type[ScalarNode], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve
)
_STR = "tag:yaml.org,2002:str"


def block_yaml(values: Mapping[str, object]) -> str:
    """The YAML mapping of ``values`` in their order, block style, one line per scalar
    (strings, integers, booleans, lists of strings and mappings of those; anything
    else goes to PyYAML)."""
    lines: list[str] = []
    if values and _mapping(values, "", lines):
        return "".join(lines)
    return _dump(values)


def _mapping(values: Mapping[str, object], indent: str, lines: list[str]) -> bool:
    """Append the lines of ``values`` at ``indent``; ``False`` if PyYAML must write them."""
    for key, value in values.items():
        if not isinstance(key, str) or not _plain_key(key):
            return False
        if isinstance(value, str):
            scalar = _scalar(value)
            if scalar is None:
                return False
            lines.append(f"{indent}{key}: {scalar}\n")
        elif isinstance(value, bool):  # (before int: a bool is an int)
            lines.append(f"{indent}{key}: {'true' if value else 'false'}\n")
        elif isinstance(value, int):
            lines.append(f"{indent}{key}: {value}\n")
        elif isinstance(value, list | tuple):
            lines.append(f"{indent}{key}:{'' if value else ' []'}\n")
            for each in value:  # (PyYAML does not indent a list below a key)
                scalar = _scalar(each) if isinstance(each, str) else None
                if scalar is None:
                    return False
                lines.append(f"{indent}- {scalar}\n")
        elif isinstance(value, dict):
            lines.append(f"{indent}{key}:{'' if value else ' {}'}\n")
            if not _mapping(value, indent + "  ", lines):
                return False
        else:
            return False
    return True


_SCALARS: dict[str, str | None] = {}  # _written_as, remembered (values recur, item after item)
_SCALARS_LIMIT = 50_000  # entries before they are forgotten


def _scalar(text: str) -> str | None:
    """:func:`_written_as`, remembered: user names, dates, kinds and statuses come back
    in every item of an import (a dictionary lookup against about a microsecond)."""
    if text in _SCALARS:
        return _SCALARS[text]
    if len(_SCALARS) >= _SCALARS_LIMIT:
        _SCALARS.clear()
    written = _SCALARS[text] = _written_as(text)
    return written


def _written_as(text: str) -> str | None:
    """``text`` as PyYAML writes a string of one line of printable ASCII: plain where
    its emitter allows that and its resolver reads it back as a string, else in single
    quotes; ``None`` for any other string."""
    if _plain(text):  # the common case
        return text
    if _TAGGED(text) is not None:  # a number or a date, as in an imported attribute
        return f"'{text}'"
    if _QUOTABLE(text) is None:
        return None
    if _block_plain(text) and _RESOLVE(ScalarNode, text, (True, False)) == _STR:
        return text
    return "'" + text.replace("'", "''") + "'"


def _block_plain(text: str) -> bool:
    """Whether PyYAML's emitter may write one line of printable ASCII unquoted as a
    value in block style (its ``analyze_scalar``, for such a line)."""
    return (
        text != ""
        and text[0] not in _NOT_FIRST
        and not (text[0] in "?:-" and text[1:2] in ("", " "))
        and not text.startswith(("---", "..."))
        and text[-1] not in " :"
        and ": " not in text
        and " #" not in text
    )


def _dump(values: Mapping[str, object]) -> str:
    return yaml.dump(
        _lists(values), Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=WIDTH
    )


def _lists(value: object) -> object:
    """``value`` with its tuples as lists (the safe representer knows no tuple)."""
    if isinstance(value, tuple | list):
        return [_lists(each) for each in value]
    if isinstance(value, Mapping):
        return {key: _lists(each) for key, each in value.items()}
    return value

"""The YAML of an item file's front matter, as PyYAML writes it, fast.

A migration writes tens of thousands of item files, and PyYAML's representer
costs about 80 µs an item: most of an import's time. Nearly every front matter
holds only short one-line strings (ids, kinds, titles, field values) and lists
of them, which PyYAML writes unquoted. :func:`front_matter` writes those itself,
and hands anything else (a number, a date, a string that YAML would read as
something other than a string or that needs quoting) to PyYAML unchanged, so the
text is always the text PyYAML writes; a property test compares the two.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter, when built in
WIDTH = 1_000_000  # no line is folded
# A string PyYAML writes plain (unquoted) in block context and reads back as a string,
# in one regular expression (it runs for every value): not one of the YAML 1.1 words
# for true, false and null; a letter first (no number, date, indicator or special
# float); printable ASCII after it, without ": " or " #" (a key or a comment); at most
# 1,024 characters; no space or colon last.
_PLAIN = re.compile(
    r"(?!(?i:yes|no|true|false|on|off|null)\Z)"
    r"[A-Za-z](?:[A-Za-z0-9 _.,/()+\-'\"&;=%@]|:(?! )|(?<! )#){0,1023}"
    r"(?<![ :])"
).fullmatch
_KEY_LIMIT = 128  # characters of a simple key; PyYAML writes a longer one as "? key"


@functools.lru_cache(maxsize=1024)  # the same few keys, item after item
def _plain_key(key: str) -> bool:
    return len(key) < _KEY_LIMIT and _PLAIN(key) is not None


def front_matter(values: Mapping[str, object]) -> str:
    """The YAML mapping of ``values`` in their order, block style, one line per scalar."""
    lines: list[str] = []
    for key, value in values.items():
        if not _plain_key(key):
            return _dump(values)
        if isinstance(value, str):
            if _PLAIN(value) is None:
                return _dump(values)
            lines.append(f"{key}: {value}\n")
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            if not value:
                lines.append(f"{key}: []\n")
                continue
            if any(_PLAIN(v) is None for v in value):
                return _dump(values)
            lines.append(f"{key}:\n")
            lines.extend(f"- {v}\n" for v in value)
        else:
            return _dump(values)
    return "".join(lines) if lines else _dump(values)


def _dump(values: Mapping[str, object]) -> str:
    plain = {
        key: list(value) if isinstance(value, tuple) else value for key, value in values.items()
    }
    return yaml.dump(plain, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=WIDTH)

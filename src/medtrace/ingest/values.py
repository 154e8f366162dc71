"""Typing of front-matter values by the field's declared type.

Front matter scalars arrive as text (see :mod:`medtrace.ingest.yamlnodes`);
the field's type decides how the text is read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from medtrace.ingest.yamlnodes import Nested, RawValue
from medtrace.model import FieldSpec, FieldType, FieldValue
from medtrace.model.schema import PIN

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_INTEGER = re.compile(r"^[-+]?[0-9]+$")
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


class FieldValueError(ValueError):
    """The value does not fit the field's type; the message says why, in one line."""


def _text(value: RawValue) -> str:
    if isinstance(value, str):
        return value
    raise FieldValueError(f"expected text, found {_describe(value)}")


def _one_line(value: RawValue) -> str:
    text = _text(value)
    if "\n" in text.strip():
        raise FieldValueError("expected one line of text (use a 'text' field for paragraphs)")
    return text


def _integer(value: RawValue) -> int:
    text = _one_line(value).strip()
    if not _INTEGER.match(text):
        raise FieldValueError(f"expected an integer, found {text[:40]!r}")
    return int(text)


def _number(value: RawValue) -> int | float:
    text = _one_line(value).strip()
    if _INTEGER.match(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise FieldValueError(f"expected a number, found {text[:40]!r}")
    return number


def _boolean(value: RawValue) -> bool:
    text = _one_line(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldValueError(f"expected true or false, found {text[:40]!r}")


def _date(value: RawValue) -> str:
    text = _one_line(value).strip()
    try:
        if "T" in text or " " in text:
            return dt.datetime.fromisoformat(text).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldValueError(f"expected a date like 2026-03-14, found {text[:40]!r}") from None


def _url(value: RawValue) -> str:
    text = _one_line(value).strip()
    if not _URL.match(text):
        raise FieldValueError(f"expected a URL such as https://..., found {text[:60]!r}")
    return text


def _list(value: RawValue) -> tuple[str, ...]:
    elements = value if isinstance(value, list) else [value]
    texts: list[str] = []
    for element in elements:
        if not isinstance(element, str):
            raise FieldValueError(f"expected a list of text values, found {_describe(element)}")
        texts.append(_one_line(element))
    return tuple(texts)


def _pins(value: RawValue) -> tuple[str, ...]:
    entries = _list(value)
    for entry in entries:
        if not PIN.match(entry.strip()):
            raise FieldValueError(
                f"{entry[:40]!r} is not ID@FINGERPRINT (16 hex digits; medtrace bind writes them)"
            )
    return tuple(entry.strip() for entry in entries)


_CONVERTERS: dict[FieldType, Callable[[RawValue], FieldValue]] = {
    FieldType.STRING: _one_line,
    FieldType.TEXT: _text,
    FieldType.INTEGER: _integer,
    FieldType.NUMBER: _number,
    FieldType.BOOLEAN: _boolean,
    FieldType.DATE: _date,
    FieldType.URL: _url,
    FieldType.LIST: _list,
    FieldType.FINGERPRINTS: _pins,
}


def coerce(spec: FieldSpec, value: RawValue) -> FieldValue:
    """Return ``value`` as the type ``spec`` declares, or raise :class:`FieldValueError`."""
    if spec.type is FieldType.ENUM:
        text = _one_line(value).strip()
        if text not in spec.values:
            raise FieldValueError(f"{text[:40]!r} is not one of {', '.join(spec.values)}")
        return text
    found = _CONVERTERS[spec.type](value)
    if spec.type is FieldType.LIST and spec.values and isinstance(found, tuple):
        unknown = [entry for entry in found if entry.strip() not in spec.values]
        if unknown:
            raise FieldValueError(f"{unknown[0][:40]!r} is not one of {', '.join(spec.values)}")
        return tuple(entry.strip() for entry in found)
    return found


def _describe(value: RawValue) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Nested):
        return repr(value)
    return repr(value[:40])

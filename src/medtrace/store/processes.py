"""Two pieces of work at once: one here, one in a forked copy of this process.

A machine with two cores halves the time of a large import when its work splits
into independent halves. A forked process starts with this one's memory, so the
work needs no pickling in; its result comes back through a pipe with
:mod:`marshal` (strings, numbers and tuples or lists of them). Where there is no
``fork``, or another thread runs (forking then is unsafe), the two run one after
the other here instead, with the same results.
"""

from __future__ import annotations

import marshal
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

First = TypeVar("First")
Second = TypeVar("Second")
REPORT_LIMIT = 4000  # bytes of a failure's message


def can_fork() -> bool:
    """Whether :func:`in_two` would fork now."""
    return hasattr(os, "fork") and threading.active_count() == 1


def in_two(first: Callable[[], First], second: Callable[[], Second]) -> tuple[First, Second]:
    """``(first(), second())``, with ``second`` run in a forked process meanwhile when
    :func:`can_fork`; its result must be marshallable. An exception in ``first``
    propagates (after the other process ended); one in ``second`` becomes a
    :class:`ChildProcessError` whose message names it."""
    if not can_fork():
        return first(), second()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the forked process; the tests see its result)
        os.close(reader)
        _child(second, writer)
    os.close(writer)
    try:
        result = first()
    finally:
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        raise ChildProcessError(f"the second process ended with status {status}")
    ok, value = marshal.loads(data)
    if not ok:
        raise ChildProcessError(value)
    return result, value


def _child(work: Callable[[], object], writer: int) -> None:
    status = 0
    try:
        try:
            result: Any = work()  # marshallable, as in_two's caller promised
            data = marshal.dumps((True, result))
        except BaseException as error:
            data = marshal.dumps((False, f"{type(error).__name__}: {error}"[:REPORT_LIMIT]))
        with os.fdopen(writer, "wb") as stream:
            stream.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)

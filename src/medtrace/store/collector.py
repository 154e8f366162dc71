"""Pausing Python's cycle collector while many acyclic objects are built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


def _never() -> bool:
    return False


@contextlib.contextmanager
def collector_paused(settle: Callable[[], bool] = _never) -> Iterator[None]:
    """Pause Python's cycle collector while records are built, then, if ``settle()``,
    run it once.

    The records (advisories, spec objects, items) hold no reference cycles. Left
    running, the collector would rescan the growing heap of records again and again
    (nearly half the reading time of a large OSV database, a tenth of a large ReqIF
    import); merely resumed, it would scan the new objects three times over (as
    young, middle-aged, then old objects) during whatever the caller does next. One
    full collection instead examines them once and moves them to the oldest
    generation, which later collections seldom visit; records the caller drops at
    once need none.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if settle():
                gc.collect()

"""Named fault points for the fault tests: ``MEDTRACE_FAULT=NAME`` in a server's
environment kills its process (SIGKILL, as the kernel's OOM killer or a power cut would
end it) when a save reaches the point ``NAME``. Unset, a point costs one lookup.

Points: ``committed`` (the change committed, not yet pushed or logged) and ``pushed``
(pushed, not yet logged).
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT = "MEDTRACE_FAULT"


def point(name: str) -> None:
    if os.environ.get(ENVIRONMENT) == name:
        os.kill(os.getpid(), signal.SIGKILL)

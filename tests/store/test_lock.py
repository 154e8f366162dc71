"""The project lock: one writer at a time, waited for with a message, freed on a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from medtrace.store.lock import LockTimeoutError, lock_path, project_lock

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from medtrace.store.lock import project_lock
    with project_lock(Path(sys.argv[1]), holder="the holder"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _holder(root: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def _end(process: subprocess.Popen[str], *, kill: bool = False) -> None:
    if kill:
        process.kill()
    process.wait()
    assert process.stdout is not None
    process.stdout.close()


def test_a_second_writer_waits_is_told_who_holds_it_and_gives_up(tmp_path: Path) -> None:
    process = _holder(tmp_path, 30)
    told: list[str] = []
    try:
        with (
            pytest.raises(LockTimeoutError, match="nothing was changed"),
            project_lock(tmp_path, timeout=0.3, on_wait=told.append),
        ):
            pytest.fail("the lock was taken while another process held it")
    finally:
        _end(process, kill=True)
    assert len(told) == 1
    assert "the holder" in told[0]


def test_the_lock_is_taken_once_the_holder_is_done(tmp_path: Path) -> None:
    process = _holder(tmp_path, 0.5)
    started = time.monotonic()
    with project_lock(tmp_path, timeout=10):
        waited = time.monotonic() - started
    _end(process)
    assert 0.2 < waited < 10


def test_a_crashed_holder_frees_the_lock(tmp_path: Path) -> None:
    process = _holder(tmp_path, 60)
    os.kill(process.pid, signal.SIGKILL)
    _end(process)
    with project_lock(tmp_path, timeout=2):
        assert lock_path(tmp_path).exists()


def test_nested_locks_in_one_process_do_not_deadlock(tmp_path: Path) -> None:
    with project_lock(tmp_path, timeout=1), project_lock(tmp_path, timeout=1):
        pass
    with project_lock(tmp_path, timeout=1):  # and the lock is free again afterwards
        assert lock_path(tmp_path).is_file()


def test_two_threads_of_one_process_hold_the_lock_one_at_a_time(tmp_path: Path) -> None:
    # A threaded server (medtrace serve) writes from several threads: nesting is counted
    # per thread, so a second thread waits like a second process.
    import threading

    inside: list[int] = []
    overlaps: list[int] = []

    def write(n: int) -> None:
        with project_lock(tmp_path, timeout=10):
            inside.append(n)
            if len(inside) > 1:
                overlaps.append(n)
            time.sleep(0.05)
            inside.remove(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []

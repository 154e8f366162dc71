"""Two pieces of work at once: both results come back, in order; a failure in either
is reported; with another thread running nothing is forked."""

from __future__ import annotations

import os

import pytest

from medtrace.store.processes import can_fork, in_two


def test_both_results_come_back_from_two_processes() -> None:
    assert can_fork()
    first, second = in_two(lambda: os.getpid(), lambda: (os.getpid(), ["a", ("b", 2)]))
    assert first == os.getpid()
    pid, rest = second
    assert pid != os.getpid()  # it ran in another process
    assert rest == ["a", ("b", 2)]


def test_a_failure_in_the_second_names_it() -> None:
    def fail() -> str:
        raise ValueError("no such spec object")

    with pytest.raises(ChildProcessError, match="ValueError: no such spec object"):
        in_two(lambda: 1, fail)


def test_a_failure_in_the_first_propagates() -> None:
    def fail() -> int:
        raise KeyError("first")

    with pytest.raises(KeyError, match="first"):
        in_two(fail, lambda: 2)


def test_with_another_thread_both_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("threading.active_count", lambda: 2)  # as in a web server
    assert not can_fork()
    first, second = in_two(lambda: os.getpid(), lambda: os.getpid())
    assert first == second == os.getpid()

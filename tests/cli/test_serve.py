"""``medtrace users`` and ``medtrace serve`` as a person runs them (each in its own process:
Django reads its settings once per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medtrace.errors import MedtraceError

MEDTRACE = [sys.executable, "-c", "from medtrace.cli.main import main; main()"]


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "MEDTRACE_WEB_CONFIG")
    }
    return subprocess.run(
        [*MEDTRACE, *args],
        input=stdin,
        text=True,
        capture_output=True,
        check=False,
        env=environment,
    )


def test_users_add_and_list_keep_their_state_out_of_git(example: Path) -> None:
    pytest.importorskip("django")
    done = _run(
        "users",
        "add",
        "ana",
        "--role",
        "reviewer",
        "--full-name",
        "Ana Ruiz",
        "--password-stdin",
        "--path",
        str(example),
        stdin="a-long-enough-secret\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Account ana (reviewer) created.\n"
    listed = _run("users", "list", "--path", str(example))
    assert listed.stdout == "ana\treviewer\tactive\tAna Ruiz\n"
    state = example / ".medtrace-web"
    assert (state / "web.sqlite3").is_file() and (state / ".gitignore").read_text().endswith("*\n")
    assert oct((state / "secret-key").stat().st_mode & 0o777) == "0o600"
    assert not (example / ".medtrace" / "web.sqlite3").exists()  # never in the rebuildable cache


def test_a_taken_name_or_a_weak_password_is_one_line_and_exit_2(example: Path) -> None:
    pytest.importorskip("django")
    first = _run(
        "users",
        "add",
        "ana",
        "--role",
        "viewer",
        "--password-stdin",
        "--path",
        str(example),
        stdin="a-long-enough-secret\n",
    )
    assert first.returncode == 0
    again = _run(
        "users",
        "add",
        "ana",
        "--role",
        "admin",
        "--password-stdin",
        "--path",
        str(example),
        stdin="another-long-secret\n",
    )
    assert again.returncode == 2
    assert (
        again.stderr == "Error: there is an account named 'ana' already (names are never reused)\n"
    )
    weak = _run(
        "users",
        "add",
        "bob",
        "--role",
        "viewer",
        "--password-stdin",
        "--path",
        str(example),
        stdin="short\n",
    )
    assert weak.returncode == 2 and "the password is refused" in weak.stderr
    assert weak.stderr.count("\n") == 1


def test_serve_without_an_account_and_no_terminal_says_what_to_do(example: Path) -> None:
    pytest.importorskip("django")
    done = _run("serve", "--path", str(example), "--port", "1")
    assert done.returncode == 2
    assert done.stderr == (
        "Error: there is no account yet; create one first: medtrace users add NAME --role admin\n"
    )


def test_serving_beyond_this_machine_without_https_is_refused(example: Path) -> None:
    pytest.importorskip("django")
    done = _run("serve", "--path", str(example), "--host", "0.0.0.0", "--port", "8123")
    assert done.returncode == 2
    assert "medtrace.web.E001" in done.stderr and "without https" in done.stderr


def test_the_import_guard_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from medtrace.web import require_web

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "django" else real(name)
    )
    with pytest.raises(MedtraceError) as raised:
        require_web()
    assert str(raised.value) == "the web application needs django, which is not installed"
    assert raised.value.hint == "install them with: pip install 'medtrace[web]'"

"""A real ``medtrace serve`` process on loopback, on a fresh copy of the served project, with
one account per role made by ``medtrace users add`` (for the browser and API tests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.web.served import PASSWORD, make_served_project

MEDTRACE = [sys.executable, "-c", "from medtrace.cli.main import main; main()"]
ACCOUNTS = {
    "ana": ("admin", "Ana Ruiz"),
    "rita": ("reviewer", "Rita Reviewer"),
    "vera": ("viewer", "Vera Viewer"),
}


@dataclass(frozen=True, slots=True)
class Live:
    url: str
    root: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(folder: Path) -> Iterator[Live]:
    root = make_served_project(folder / "pump")
    for name, (role, full) in ACCOUNTS.items():
        subprocess.run(
            [
                *MEDTRACE,
                "users",
                "add",
                name,
                "--role",
                role,
                "--full-name",
                full,
                "--email",
                f"{name}@example.org",
                "--password-stdin",
                "--path",
                str(root),
            ],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
    port = free_port()
    process = subprocess.Popen(
        [*MEDTRACE, "serve", "--path", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield Live(url=url, root=root)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"medtrace serve ended: {output}")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("medtrace serve did not answer within 60 s")

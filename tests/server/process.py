"""Run medtrace in a process of its own (Django's settings are read once per process, and
this test process may have set them up for SQLite already)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

MEDTRACE = [sys.executable, "-c", "from medtrace.cli.main import main; main()"]


def medtrace(
    *args: str, database: str = "", stdin: str = "", check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``medtrace ARGS`` with ``MEDTRACE_DATABASE_URL`` set to ``database`` (when given)."""
    environment = {k: v for k, v in os.environ.items() if k != "MEDTRACE_DATABASE_URL"}
    environment.pop("MEDTRACE_WEB_CONFIG", None)
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    if database:
        environment["MEDTRACE_DATABASE_URL"] = database
    done = subprocess.run(
        [*MEDTRACE, *args], input=stdin, capture_output=True, text=True, env=environment,
        timeout=timeout, check=False,
    )  # fmt: skip
    if check and done.returncode != 0:
        raise AssertionError(f"medtrace {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def add_user(root: Path, name: str, role: str, password: str, database: str) -> None:
    medtrace(
        "users", "add", name, "--role", role, "--full-name", f"{name.title()} Tester",
        "--email", f"{name}@example.org", "--password-stdin", "--path", str(root),
        database=database, stdin=password + "\n",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Running:
    url: str
    process: subprocess.Popen[str]
    log: Path  # the process's standard error: its JSON log lines


@contextmanager
def server_run(root: Path, database: str, *args: str, log: Path) -> Iterator[Running]:
    """``medtrace server run`` on a free port until the block ends (SIGTERM, then waited)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "MEDTRACE_WEB_CONFIG"}
    environment["MEDTRACE_DATABASE_URL"] = database
    with log.open("w") as stream:
        process = subprocess.Popen(
            [*MEDTRACE, "server", "run", "--path", str(root), "--port", str(port), *args],
            stdout=subprocess.DEVNULL, stderr=stream, text=True, env=environment,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield Running(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"medtrace server run ended: {log.read_text('utf-8')}")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("medtrace server run did not answer within 60 s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """A person's browser in the tests: cookies kept, CSRF token sent, redirects not
    followed (the answer is what the server said)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self._open(urllib.request.Request(self.url + path, headers=self.headers))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        token = self.cookie("csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        origin = self.headers.get("Origin", self.url)
        headers = {**self.headers, "Referer": origin + path, "X-CSRFToken": token}
        return self._open(urllib.request.Request(self.url + path, data=data, headers=headers))

    def send_json(self, method: str, path: str, body: object) -> tuple[int, dict[str, str], str]:
        token = self.cookie("csrftoken")
        headers = {**self.headers, "Content-Type": "application/json", "X-CSRFToken": token,
                   "Referer": self.url + path}  # fmt: skip
        data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        return self._open(request)

    def sign_in(self, name: str, password: str) -> None:
        self.get("/signin/")
        status, _, _ = self.post("/signin/", {"username": name, "password": password})
        assert status == 302, f"signing in as {name} answered {status}"

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, _headers(answer.headers), answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, _headers(error.headers), error.read().decode("utf-8", "replace")


def _headers(message: Message) -> dict[str, str]:
    """The headers, with every ``Set-Cookie`` kept (one a line)."""
    found = dict(message)
    found["Set-Cookie"] = "\n".join(message.get_all("Set-Cookie") or ())
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None

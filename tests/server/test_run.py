"""``medtrace server run``: two gunicorn servers of two workers each on one PostgreSQL
database; sessions shared, static files served, JSON logs, the reverse-proxy settings, and
the health endpoint following the database down and back up."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.postgres import Cluster
from tests.server.process import Browser, Running, add_user, medtrace, server_run
from tests.web.served import PASSWORD, make_served_project


@pytest.fixture(scope="module")
def team(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Running, Running]]:
    folder = tmp_path_factory.mktemp("team")
    url = cluster.create_database("team_run")
    root = make_served_project(folder / "pump")
    medtrace("server", "migrate", "--path", str(root), database=url)
    add_user(root, "ana", "admin", PASSWORD, url)
    with ExitStack() as stack:
        one = stack.enter_context(server_run(root, url, "--workers", "2", log=folder / "one.log"))
        two = stack.enter_context(server_run(root, url, "--workers", "2", log=folder / "two.log"))
        yield one, two


def test_a_session_made_on_one_server_holds_on_the_other(team: tuple[Running, Running]) -> None:
    one, two = team
    browser = Browser(one.url)
    browser.sign_in("ana", PASSWORD)
    assert browser.get("/items/")[0] == 200
    browser.url = two.url  # the same cookies, the other server
    status, _, page = browser.get("/items/SRS-900/")
    assert status == 200
    assert "A body that tries to run script" in page
    assert Browser(two.url).get("/items/")[0] == 302  # nobody signed in: sent to sign in


def test_static_files_are_served_by_the_application(team: tuple[Running, Running]) -> None:
    status, headers, text = Browser(team[0].url).get("/static/medtrace/style.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "{" in text


def test_every_request_is_a_json_log_line(team: tuple[Running, Running]) -> None:
    one = team[0]
    status, headers, _ = Browser(one.url).get("/health/")
    assert status == 200
    request_id = headers["X-Request-Id"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in one.log.read_text("utf-8").splitlines() if line.startswith("{")]
        entries = [json.loads(line) for line in lines]
        mine = [e for e in entries if e.get("request_id") == request_id]
        if mine:
            break
        time.sleep(0.2)
    assert len(mine) == 1
    assert mine[0]["path"] == "/health/"
    assert mine[0]["status"] == 200
    assert mine[0]["logger"] == "medtrace.request"
    assert isinstance(mine[0]["ms"], float)


def test_behind_a_tls_proxy_cookies_are_secure_and_the_origin_trusted(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.create_database("team_https")
    root = make_served_project(tmp_path / "pump")
    medtrace("server", "migrate", "--path", str(root), database=url)
    add_user(root, "ana", "admin", PASSWORD, url)
    origin = "https://medtrace.example.org"
    with server_run(
        root, url, "--https", "--trusted-origin", origin, "--host", "127.0.0.1",
        log=tmp_path / "https.log",
    ) as running:  # fmt: skip
        proxied = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "medtrace.example.org",
            "Origin": origin,
        }
        browser = Browser(running.url, proxied)
        status, headers, _ = browser.get("/signin/")
        assert status == 200
        assert "Strict-Transport-Security" in headers
        token = _set_cookie(headers, "csrftoken")
        assert "Secure" in token
        browser.jar.clear()
        request = urllib.request.Request(running.url + "/signin/", headers=proxied)
        answer = browser.opener.open(request, timeout=30)
        csrf = answer.headers.get_all("Set-Cookie")[0].split(";")[0].split("=", 1)[1]
        fields = f"username=ana&password={PASSWORD}&csrfmiddlewaretoken={csrf}".encode()
        post = urllib.request.Request(
            running.url + "/signin/", data=fields,
            headers={**proxied, "Referer": origin + "/signin/", "Cookie": f"csrftoken={csrf}"},
        )  # fmt: skip
        status, headers, _ = browser._open(post)
        assert status == 302, "the proxy's origin is trusted for CSRF"
        assert "Secure" in _set_cookie(headers, "sessionid")
        wrong = {
            **proxied,
            "Origin": "https://elsewhere.example",
            "Referer": "https://elsewhere.example/",
        }
        post = urllib.request.Request(
            running.url + "/signin/", data=fields, headers={**wrong, "Cookie": f"csrftoken={csrf}"}
        )
        assert browser._open(post)[0] == 403


def test_health_follows_the_database_down_and_up(
    cluster: Cluster, team: tuple[Running, Running]
) -> None:
    one, _ = team
    browser = Browser(one.url)
    browser.sign_in("ana", PASSWORD)
    cluster.stop()
    try:
        for _ in range(4):  # every worker's connection, whichever answers
            status, _, text = browser.get("/health/")
            assert (status, text) == (503, "database unavailable\n")
        status, headers, text = browser.get("/items/")
        assert status == 503
        assert "The database is not answering: nothing was saved" in text
        assert headers["Retry-After"] == "5"
    finally:
        cluster.start()
    for _ in range(4):
        assert browser.get("/health/")[0] == 200
    assert browser.get("/items/")[0] == 200, "the session survives, no server restart"


def _set_cookie(headers: dict[str, str], name: str) -> str:
    lines = headers.get("Set-Cookie", "").splitlines()
    return next((line for line in lines if line.startswith(f"{name}=")), "")

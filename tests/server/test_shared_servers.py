"""Two servers, each with its own clone of one bare repository, on one PostgreSQL
database (as on two machines): people creating and editing at once on both. Every change
is in the shared history exactly once, ids are never given twice, the history is a line
(the advisory lock lets one write at a time, each on top of the last), and the audit log
names the same commits in the same order."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.postgres import Cluster
from tests.server.process import Browser, Running, add_user, medtrace, server_run
from tests.web.served import PASSWORD, git, make_served_project

THREADS, EACH = 6, 3


@pytest.fixture(scope="module")
def two_servers(
    cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str, tuple[Running, Running]]]:
    folder = tmp_path_factory.mktemp("shared")
    url = cluster.create_database("shared_servers")
    source = make_served_project(folder / "source")
    bare = folder / "team.git"
    git(folder, "clone", "-q", "--bare", str(source), str(bare))
    git(bare, "config", "receive.denyNonFastForwards", "true")
    clones = [folder / "one", folder / "two"]
    for clone in clones:
        git(folder, "clone", "-q", str(bare), str(clone))
    medtrace("server", "migrate", "--path", str(clones[0]), database=url)
    add_user(clones[0], "arno", "author", PASSWORD, url)
    with ExitStack() as stack:
        servers = tuple(
            stack.enter_context(
                server_run(
                    clone,
                    url,
                    "--remote",
                    "origin",
                    "--fetch-interval",
                    "1",
                    log=folder / f"{clone.name}.log",
                )
            )
            for clone in clones
        )
        yield bare, url, (servers[0], servers[1])


def test_concurrent_writers_on_two_servers_lose_nothing_and_agree_with_the_audit_log(
    cluster: Cluster, two_servers: tuple[Path, str, tuple[Running, Running]]
) -> None:
    bare, _, servers = two_servers
    before = set(git(bare, "rev-list", "main").split())
    made: list[str] = []
    failures: list[str] = []

    def person(number: int) -> None:
        browser = Browser(servers[number % 2].url)
        browser.sign_in("arno", PASSWORD)
        for step in range(EACH):
            status, _, text = browser.send_json("POST", "/api/items", {
                "kind": "software-requirement",
                "title": f"Made by person {number}, step {step}",
                "links": {"derived-from": ["SYS-001"]},
                "reason": f"Concurrent creation {number}.{step}",
            })  # fmt: skip
            if status != 201:
                failures.append(f"{status}: {text[:200]}")
            else:
                made.append(json.loads(text)["id"])

    threads = [threading.Thread(target=person, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert len(made) == THREADS * EACH
    assert len(set(made)) == len(made), "no id given twice"
    new = [c for c in git(bare, "rev-list", "--reverse", "main").split() if c not in before]
    assert len(new) == len(made), "one commit per change, no merge commits"
    assert git(bare, "rev-list", "--merges", "main").strip() == ""
    logged = cluster.psql(
        "shared_servers",
        "SELECT commit FROM medtrace_web_auditevent WHERE action = 'create' ORDER BY seq",
    ).split()
    assert logged == new, "the audit log names the same commits in the same order"
    for server in servers:
        assert "Traceback" not in server.log.read_text("utf-8")

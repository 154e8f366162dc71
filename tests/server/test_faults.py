"""Faults: a server killed 20 times while an author keeps saving, restarted each time:
from outside (SIGKILL to the whole process group) at a random moment, or by itself at a
fault point chosen at random (after the commit, before the push; after the push, before
the audit entry; ``medtrace.web.faults``), then from outside. After the restarts reconcile, git and
the audit log agree exactly (``audit verify`` passes), no file is left half-written or
uncommitted, every save the author was told succeeded is in the shared history, and the
shared history is the server's."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.postgres import Cluster
from tests.server.process import MEDTRACE, Browser, add_user, free_port, medtrace, wait_healthy
from tests.web.served import PASSWORD, git, make_served_project

KILLS = 20
ITEMS = ("SRS-001", "SRS-012")


POINTS = ("", "committed", "pushed")  # "": killed from outside at a random moment


def _start(clone: Path, url: str, log: Path, fault: str = "") -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "MEDTRACE_WEB_CONFIG"}
    environment["MEDTRACE_DATABASE_URL"] = url
    environment["MEDTRACE_FAULT"] = fault
    with log.open("a") as stream:
        process = subprocess.Popen(
            [*MEDTRACE, "server", "run", "--path", str(clone), "--port", str(port),
             "--workers", "1", "--remote", "origin", "--fetch-interval", "0"],
            stdout=subprocess.DEVNULL, stderr=stream, text=True, env=environment,
            start_new_session=True,
        )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    wait_healthy(address, process, log)
    return process, address


def _saves(browser: Browser, done: list[str], stop: threading.Event) -> None:
    """Edit the items in turn until the server goes; the commits the author was told of."""
    n = 0
    while not stop.is_set():
        item_id = ITEMS[n % 2]
        n += 1
        try:
            status, _, text = browser.get(f"/api/items/{item_id}")
            item = json.loads(text)
            change = {"text": item["text"].rstrip("\n") + f"\n\nSave {time.time_ns()}.\n",
                      "version": item["version"], "reason": f"Save {n}"}  # fmt: skip
            status, _, text = browser.send_json("PUT", f"/api/items/{item_id}", change)
        except (OSError, ValueError):
            return  # the server was killed
        if status == 200:
            done.append(json.loads(text)["commit"])


def test_killed_mid_save_twenty_times_git_and_the_audit_log_agree(
    cluster: Cluster, tmp_path: Path
) -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    url = cluster.create_database("faults")
    source = make_served_project(tmp_path / "source")
    bare = tmp_path / "team.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(bare))
    git(bare, "config", "receive.denyNonFastForwards", "true")
    clone = tmp_path / "server"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    medtrace("server", "migrate", "--path", str(clone), database=url)
    add_user(clone, "arno", "author", PASSWORD, url)
    log = tmp_path / "server.log"
    told: list[str] = []
    for _ in range(KILLS):
        fault = chance.choice(POINTS)
        process, address = _start(clone, url, log, fault)
        browser = Browser(address)
        browser.sign_in("arno", PASSWORD)
        stop = threading.Event()
        author = threading.Thread(target=_saves, args=(browser, told, stop))
        author.start()
        time.sleep(chance.uniform(0.05, 1.2))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        stop.set()
        author.join(60)
    process, _ = _start(clone, url, log)  # reconciles once more at start-up
    process.terminate()
    process.wait(30)
    assert told, f"no save succeeded, so nothing is told (seed {seed})"
    verified = medtrace("audit", "verify", "--path", str(clone), database=url, check=False)
    assert verified.returncode == 0, f"seed {seed}: {verified.stdout}"
    assert git(clone, "status", "--porcelain", "--untracked-files=no") == ""
    assert not (clone / ".git" / "index.lock").exists()
    assert git(bare, "rev-parse", "main") == git(clone, "rev-parse", "HEAD"), "all pushed"
    shared = set(git(bare, "rev-list", "main").split())
    assert set(told) <= shared, f"seed {seed}: a save the author was told of is lost"
    logged = set(cluster.psql("faults", "SELECT commit FROM medtrace_web_auditevent").split())
    assert set(told) <= logged
    checked = medtrace("check", "--path", str(clone), check=False)
    assert "parse" not in checked.stdout.lower() or checked.returncode != 2, checked.stdout

"""Load on the team server: two ``medtrace server run`` processes (gunicorn) on one
PostgreSQL database, each on its own clone of one shared bare repository, with simulated
people browsing, editing and signing at once.

Usage: ``python bench/run_server.py [--items 10000] [--browsers 50] [--editors 10]
[--seconds 120] [--workers 2] [--json FILE]`` with the ``python`` of the environment that
has medtrace and its ``server`` extra; PostgreSQL's ``initdb`` must be installed (a
throwaway cluster is started, as the tests do: ``tests/postgres.py``).

A project of ``--items`` items is generated (``bench/generate.py``, seed 1), committed,
cloned bare, and cloned twice for the servers (``--remote origin``); the servers share
the state folder's keys, as the deployment in docs/server.md says. ``--browsers`` threads
each open random item pages, searches and the dashboard, one after another, timing
every page; ``--editors`` threads edit random items through the REST API (read, append a
unique line, save at that version) and every fifth step sign one (the sign form, with the
password). Each thread talks to one of the two servers, alternately.

Afterwards: every save answered 200 must be in the shared repository's history (its
token in the commit it returned), every commit must appear once in the audit log and the
audit log must name the commits in the order of the shared history, no id may be given
twice, and no answer may be a 5xx. The exit code is 1 when any of that fails.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.postgres: the cluster
from tests.postgres import Cluster, binaries

from generate import TOPICS, VERBS, generate
from run_web import PASSWORD, _figures, _free_port, _ids, _session, _wait

MEDTRACE = [sys.executable, "-c", "from medtrace.cli.main import main; main()"]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
KEYS = ("secret-key", "signing-key", "signing-key.pub")


@dataclass
class Tally:
    pages: list[float] = field(default_factory=list)
    saved: list[tuple[str, str, str]] = field(default_factory=list)  # (item, token, commit)
    signed: int = 0
    conflicts: int = 0
    refused_signatures: int = 0
    server_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--browsers", type=int, default=50)
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder_bin = binaries()
    if folder_bin is None:
        raise SystemExit("PostgreSQL's initdb is not installed")
    cluster = Cluster(folder_bin)
    cluster.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = _run(Path(folder), cluster, args)
    finally:
        cluster.remove()
    _report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")
    failures = results["failures"]
    assert isinstance(failures, list)
    sys.exit(1 if failures else 0)


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def _medtrace(url: str, *args: str, stdin: str = "") -> None:
    environment = {"MEDTRACE_DATABASE_URL": url}
    subprocess.run([*MEDTRACE, *args], input=stdin, text=True, check=True, capture_output=True,
                   env={**_environ(), **environment})  # fmt: skip


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "MEDTRACE_WEB_CONFIG"}


def _project(folder: Path, url: str, items: int) -> tuple[Path, list[Path], list[str]]:
    source = folder / "source"
    generate(items, source, seed=1)
    _git(source, "init", "-q", "-b", "main")
    _git(source, "add", "-A")
    _git(source, "commit", "-qm", "generated")
    bare = folder / "team.git"
    _git(folder, "clone", "-q", "--bare", str(source), str(bare))
    clones = [folder / "one", folder / "two"]
    for clone in clones:
        _git(folder, "clone", "-q", str(bare), str(clone))
    one = clones[0]
    _medtrace(url, "server", "migrate", "--path", str(one))
    _medtrace(url, "users", "add", "bench", "--role", "approver", "--full-name", "Bench Person",
              "--password-stdin", "--path", str(one), stdin=PASSWORD + "\n")  # fmt: skip
    _medtrace(url, "signers", "server-key", str(one / ".medtrace-web" / "signing-key.pub"),
              "--path", str(one))  # fmt: skip
    _git(one, "add", "-A", "signatures")
    _git(one, "commit", "-qm", "The register of signers")
    _git(one, "push", "-q", "origin", "main")
    _git(clones[1], "pull", "-q", "--ff-only")
    state = clones[1] / ".medtrace-web"
    state.mkdir(mode=0o700, exist_ok=True)
    for name in KEYS:  # the servers share the keys (docs/server.md)
        shutil.copy2(one / ".medtrace-web" / name, state / name)
    return bare, clones, sorted(_ids(source))


def _run(folder: Path, cluster: Cluster, args: argparse.Namespace) -> dict[str, object]:
    url = cluster.create_database("bench")
    bare, clones, ids = _project(folder, url, args.items)
    print(f"project: {len(ids)} items; two servers of {args.workers} workers")
    servers, addresses = [], []
    for clone in clones:
        port = _free_port()
        servers.append(subprocess.Popen(
            [*MEDTRACE, "server", "run", "--path", str(clone), "--port", str(port),
             "--workers", str(args.workers), "--remote", "origin", "--fetch-interval", "5",
             "--log-format", "text"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**_environ(), "MEDTRACE_DATABASE_URL": url},
        ))  # fmt: skip
        addresses.append(f"http://127.0.0.1:{port}")
    tally = Tally()
    try:
        for address in addresses:
            _wait(address)
            session = _session(address)
            for page in ("/", f"/items/{ids[0]}/", "/items/?q=pump"):  # warm each worker
                for _ in range(args.workers * 2):
                    session.get(address + page, timeout=300)
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=_browse, args=(addresses[n % 2], ids, deadline, n, tally))
            for n in range(args.browsers)
        ] + [
            threading.Thread(target=_edit, args=(addresses[n % 2], ids[:500], deadline, n, tally))
            for n in range(args.editors)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(60)
    failures = [*tally.problems, *tally.server_errors]
    failures += _verify(bare, cluster, tally)
    return {
        "items": len(ids),
        "browsers": args.browsers,
        "editors": args.editors,
        "seconds": round(elapsed, 1),
        "pages": _figures(tally.pages) if tally.pages else {},
        "saved": len(tally.saved),
        "signed": tally.signed,
        "conflicts": tally.conflicts,
        "refused_signatures": tally.refused_signatures,
        "server_errors": len(tally.server_errors),
        "failures": failures[:20],
    }


def _browse(url: str, ids: list[str], deadline: float, number: int, tally: Tally) -> None:
    session = _session(url)
    rng = random.Random(1000 + number)
    words = [*(w for topic in TOPICS for w in topic.split()), *VERBS]
    while time.monotonic() < deadline:
        choice = rng.random()
        if choice < 0.6:
            target = f"{url}/items/{rng.choice(ids)}/"
        elif choice < 0.9:
            target = f"{url}/items/?q={'+'.join(rng.sample(words, rng.randint(1, 3)))}"
        else:
            target = f"{url}/"
        start = time.perf_counter()
        try:
            answer = session.get(target, timeout=120)
        except requests.RequestException as error:
            _note(tally, tally.problems, f"{target}: {error}")
            continue
        elapsed = time.perf_counter() - start
        with tally.lock:
            tally.pages.append(elapsed)
        if answer.status_code >= 500:
            _note(tally, tally.server_errors, f"{target}: {answer.status_code}")
        elif answer.status_code != 200:
            _note(tally, tally.problems, f"{target}: {answer.status_code}")


def _edit(url: str, pool: list[str], deadline: float, number: int, tally: Tally) -> None:
    session = _session(url)
    rng = random.Random(number)
    step = 0
    while time.monotonic() < deadline:
        step += 1
        item_id = rng.choice(pool)
        try:
            if step % 5 == 0:
                _sign(session, url, item_id, tally)
                continue
            token = f"edit-{number}-{step}"
            item = session.get(f"{url}/api/items/{item_id}", timeout=120).json()
            text = item["text"].rstrip("\n") + f"\nA line added by {token}.\n"
            change = {"text": text, "version": item["version"], "reason": f"benchmark {token}"}
            saved = session.put(f"{url}/api/items/{item_id}", json=change, timeout=120)
        except (requests.RequestException, ValueError) as error:
            _note(tally, tally.problems, f"editor {number}: {error}")
            continue
        with tally.lock:
            if saved.status_code == 200:
                tally.saved.append((item_id, token, saved.json()["commit"]))
            elif saved.status_code == 409:
                tally.conflicts += 1
            elif saved.status_code >= 500:
                tally.server_errors.append(f"save {item_id}: {saved.status_code}")
            else:
                tally.problems.append(f"save {item_id}: {saved.status_code} {saved.text[:200]}")


def _sign(session: requests.Session, url: str, item_id: str, tally: Tally) -> None:
    form = {"meaning": "approved", "reason": "benchmark signature", "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken") or ""}  # fmt: skip
    answer = session.post(f"{url}/items/{item_id}/sign/", form, allow_redirects=False,
                          timeout=120)  # fmt: skip
    with tally.lock:
        if answer.status_code == 303:
            tally.signed += 1
        elif answer.status_code >= 500:
            tally.server_errors.append(f"sign {item_id}: {answer.status_code}")
        else:
            tally.refused_signatures += 1  # not open to this role on this kind, or void


def _note(tally: Tally, where: list[str], text: str) -> None:
    with tally.lock:
        where.append(text)


def _verify(bare: Path, cluster: Cluster, tally: Tally) -> list[str]:
    failures = []
    history = _git(bare, "rev-list", "--reverse", "main").split()
    shared = set(history)
    for item_id, token, commit in tally.saved:
        if commit not in shared:
            failures.append(f"lost edit: {token} of {item_id}: {commit} not in the history")
        elif token not in _git(bare, "show", "--format=", commit):
            failures.append(f"lost edit: commit {commit} does not hold {token}")
    logged = [line.split("|") for line in cluster.psql(
        "bench", "SELECT action, commit FROM medtrace_web_auditevent WHERE commit <> '' "
        "ORDER BY seq").splitlines()]  # fmt: skip
    commits = [commit for _, commit in logged]
    if len(commits) != len(set(commits)):
        failures.append("a commit is named by two audit entries")
    in_history = [c for c in commits if c in shared]
    if in_history != [c for c in history if c in set(commits)]:
        failures.append("the audit log and the shared history disagree on the order")
    if len(in_history) != len(commits):
        failures.append("the audit log names commits the shared history does not hold")
    if len(commits) != tally.signed + len(tally.saved):
        failures.append(f"{len(commits)} logged commits for {len(tally.saved)} saves and "
                        f"{tally.signed} signatures")  # fmt: skip
    return failures


def _report(results: dict[str, object]) -> None:
    pages = results["pages"]
    assert isinstance(pages, dict)
    print(f"{results['items']} items, {results['browsers']} browsing, {results['editors']} "
          f"editing and signing for {results['seconds']} s")  # fmt: skip
    if pages:
        print(f"pages: {pages['requests']}, median {pages['median_ms']} ms, "
              f"p95 {pages['p95_ms']} ms, max {pages['max_ms']} ms")  # fmt: skip
    print(f"saved {results['saved']}, signed {results['signed']}, conflicts "
          f"{results['conflicts']}, signatures refused {results['refused_signatures']}, "
          f"5xx {results['server_errors']}")  # fmt: skip
    failures = results["failures"]
    assert isinstance(failures, list)
    for failure in failures:
        print(f"  {failure}")
    if not failures:
        print("no lost edit, no duplicate, audit log and history agree")


if __name__ == "__main__":
    main()

"""Time the web application (``medtrace serve``) on a generated project, and run simulated
editors against it.

Usage: ``python bench/run_web.py [--items 10000] [--requests 200] [--editors 20]
[--seconds 60] [--pool 200] [--json FILE]`` with the ``python`` of the environment that has
medtrace and its ``web`` extra installed.

A project of ``--items`` items is generated (``bench/generate.py``) and committed in a
git repository of its own, an account is made, and ``medtrace serve`` starts on a free
loopback port as its own process. After one warm-up request of each kind, ``--requests``
requests each of the item page (random items), the search (one to three random words of
the generated titles and bodies) and the dashboard (nothing changed in between: a warm
cache) are timed one after another; medians and 95th percentiles are printed.

Then ``--editors`` threads, each signed in on a session of its own, edit random items of
a pool of ``--pool`` for ``--seconds``: read the item through the REST API (its text and
version), append a line with a unique token, and save it at that version. A save answers
200 (committed) or 409 (the item changed since it was read: a conflict). Afterwards every
token of a 200 must be in the item's file and its commit in git, no answer may be a 5xx,
and every answer that is not a 200 must be a 409 that reports a conflict. The exit code is
1 when any of that fails.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TOPICS, VERBS, generate

PASSWORD = "bench-password-for-loopback"
MEDTRACE = [sys.executable, "-c", "from medtrace.cli.main import main; main()"]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]


@dataclass
class Tally:
    saved: list[tuple[str, str, str]] = field(default_factory=list)  # (item, token, commit)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        counts = generate(args.items, root, seed=1)
        subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
        subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
        subprocess.run([*GIT, "commit", "-qm", "generated"], cwd=root, check=True)
        ids = sorted(_ids(root))
        print(f"project: {sum(counts.values())} items in {root}")
        subprocess.run(
            [*MEDTRACE, "users", "add", "bench", "--role", "author", "--password-stdin",
             "--path", str(root)],
            input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        )  # fmt: skip
        port = _free_port()
        server = subprocess.Popen(
            [*MEDTRACE, "serve", str(root), "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url)
            results = _reads(url, ids, args.requests)
            results["editors"] = _editors(url, root, ids[: args.pool], args)
        finally:
            server.terminate()
            server.wait(20)
    _report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")
    editors = results["editors"]
    assert isinstance(editors, dict)
    sys.exit(1 if editors["failures"] else 0)


def _reads(url: str, ids: list[str], count: int) -> dict[str, object]:
    session = _session(url)
    rng = random.Random(7)
    words = [*(w for topic in TOPICS for w in topic.split()), *VERBS]

    def item() -> str:
        return f"{url}/items/{rng.choice(ids)}/"

    def search() -> str:
        query = "+".join(rng.sample(words, rng.randint(1, 3)))
        return f"{url}/items/?q={query}"

    def dashboard() -> str:
        return f"{url}/"

    def history() -> str:
        return f"{url}/items/{rng.choice(ids)}/history/"

    def graph() -> str:
        return f"{url}/items/{rng.choice(ids)}/graph.svg"

    found: dict[str, object] = {}
    kinds = (("item page", item), ("search", search), ("dashboard", dashboard),
             ("item history (htmx)", history), ("item graph (htmx)", graph))  # fmt: skip
    for name, make in kinds:
        first = _get(session, make())  # the first request of a kind fills the caches
        times = [_get(session, make()) for _ in range(count)]
        found[name] = {**_figures(times), "first_ms": round(first * 1000, 1)}
    return found


def _get(session: requests.Session, target: str) -> float:
    start = time.perf_counter()
    answer = session.get(target, timeout=120)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{target}: {answer.status_code}")
    return elapsed


def _figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {
        "requests": len(times),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }


def _editors(url: str, root: Path, pool: list[str], args: argparse.Namespace) -> dict[str, object]:
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=_edit_loop, args=(url, pool, deadline, n, tally))
        for n in range(args.editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = list(tally.problems)
    paths = {path.stem: path for path in root.rglob("*.md") if not path.name.startswith(".")}
    for item_id, token, commit in tally.saved:
        if token not in paths[item_id].read_text("utf-8"):
            failures.append(f"lost edit: {token} of {item_id} is not in its file")
        shown = subprocess.run(["git", "show", "--format=%an", commit], cwd=root,
                               capture_output=True, text=True, check=False)  # fmt: skip
        if token not in shown.stdout:
            failures.append(f"lost edit: commit {commit} of {token} does not hold it")
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if int(commits) != len(tally.saved) + 1:
        failures.append(f"{commits} commits for {len(tally.saved)} saves and the first")
    return {
        "editors": args.editors,
        "seconds": args.seconds,
        "saved": len(tally.saved),
        "conflicts": tally.conflicts,
        "failures": failures[:20],
    }


def _edit_loop(url: str, pool: list[str], deadline: float, number: int, tally: Tally) -> None:
    session = _session(url)
    rng = random.Random(number)
    sequence = 0
    while time.monotonic() < deadline:
        item_id = rng.choice(pool)
        sequence += 1
        token = f"edit-{number}-{sequence}"
        try:
            read = session.get(f"{url}/api/items/{item_id}", timeout=120)
            if read.status_code != 200:
                _problem(tally, f"read {item_id}: {read.status_code}")
                continue
            item = read.json()
            text = item["text"].rstrip("\n") + f"\nA line added by {token}.\n"
            change = {"text": text, "version": item["version"], "reason": f"benchmark {token}"}
            saved = session.put(f"{url}/api/items/{item_id}", json=change, timeout=120)
        except requests.RequestException as error:
            _problem(tally, f"{token}: {error}")
            continue
        with tally.lock:
            if saved.status_code == 200:
                tally.saved.append((item_id, token, saved.json()["commit"]))
            elif saved.status_code == 409 and "changed since" in saved.json()["detail"]:
                tally.conflicts += 1
            else:
                tally.problems.append(f"save {item_id}: {saved.status_code} {saved.text[:200]}")


def _problem(tally: Tally, text: str) -> None:
    with tally.lock:
        tally.problems.append(text)


def _session(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/signin/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    form = {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    signed = session.post(f"{url}/signin/", form, allow_redirects=False, timeout=60)
    if signed.status_code != 302:
        raise SystemExit(f"cannot sign in: {signed.status_code}")
    session.headers["X-CSRFToken"] = session.cookies.get("csrftoken") or ""
    session.headers["Referer"] = f"{url}/"
    return session


def _ids(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*.md"):
        match = re.search(r"^id: (\S+)$", path.read_text("utf-8"), re.M)
        if match:
            found.append(match.group(1))
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("medtrace serve did not start")


def _report(results: dict[str, object]) -> None:
    print("| request | requests | median (ms) | p95 (ms) | max (ms) | first, cold (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in results.items():
        if name == "editors" or not isinstance(row, dict):
            continue
        print(f"| {name} | {row['requests']} | {row['median_ms']} | {row['p95_ms']} | "
              f"{row['max_ms']} | {row['first_ms']} |")  # fmt: skip
    editors = results["editors"]
    assert isinstance(editors, dict)
    print(
        f"{editors['editors']} editors for {editors['seconds']:.0f} s: {editors['saved']} saved, "
        f"{editors['conflicts']} conflicts, {len(editors['failures'])} failures"
    )
    for failure in editors["failures"]:
        print(f"  {failure}")


if __name__ == "__main__":
    main()

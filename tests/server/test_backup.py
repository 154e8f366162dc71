"""``medtrace server backup`` and ``restore``: a backup taken while people keep saving
restores into an empty database and a new folder with the same audit trail (every field
of every entry, the chain intact), the same signatures, and the same ``check``."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.postgres import Cluster
from tests.server.process import Browser, add_user, medtrace, server_run
from tests.web.served import PASSWORD, git, make_served_project

COLUMNS = "seq, at, actor, action, item, commit, reason, before, after, request_id, method, "
COLUMNS += "detail, prev_digest, digest"


def _edit(browser: Browser, item_id: str, line: str) -> None:
    status, _, text = browser.get(f"/api/items/{item_id}")
    assert status == 200, text
    item = json.loads(text)
    change = {"text": item["text"].rstrip("\n") + f"\n\n{line}\n", "version": item["version"],
              "reason": line}  # fmt: skip
    status, _, text = browser.send_json("PUT", f"/api/items/{item_id}", change)
    assert status == 200, text


def test_a_backup_under_load_restores_the_same_audit_trail_signatures_and_check(
    cluster: Cluster, tmp_path: Path
) -> None:
    source_url = cluster.create_database("backup_source")
    target_url = cluster.create_database("backup_target")
    root = make_served_project(tmp_path / "pump")
    medtrace("server", "migrate", "--path", str(root), database=source_url)
    add_user(root, "arno", "author", PASSWORD, source_url)
    add_user(root, "alma", "approver", PASSWORD, source_url)
    medtrace("signers", "server-key", str(root / ".medtrace-web" / "signing-key.pub"),
             "--path", str(root))  # fmt: skip
    git(root, "add", "signatures")
    git(root, "commit", "-qm", "The register of signers")
    with server_run(root, source_url, log=tmp_path / "server.log") as running:
        author, approver = Browser(running.url), Browser(running.url)
        author.sign_in("arno", PASSWORD)
        approver.sign_in("alma", PASSWORD)
        for n in range(3):
            _edit(author, "SRS-012", f"Edit number {n}.")
        approver.get("/items/SRS-012/")
        fields = {"meaning": "approved", "reason": "Checked", "password": PASSWORD}
        assert approver.post("/items/SRS-012/sign/", fields)[0] == 303
        stop = threading.Event()
        under_load: list[int] = []

        def load() -> None:
            while not stop.is_set():
                _edit(author, "SRS-001", f"Under load {len(under_load)}.")
                under_load.append(1)

        worker = threading.Thread(target=load)
        worker.start()
        try:
            while len(under_load) < 2:
                stop.wait(0.1)
            made = medtrace("server", "backup", str(tmp_path / "backup"), "--path", str(root),
                            database=source_url)  # fmt: skip
        finally:
            stop.set()
            worker.join(60)
    assert len(under_load) >= 3, "people kept saving while the backup was taken"
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text("utf-8"))
    events = manifest["audit-events"]
    assert f"backed up {events} audit events" in made.stdout
    restored = medtrace("server", "restore", str(tmp_path / "backup"), "--into",
                        str(tmp_path / "restored"), database=target_url)  # fmt: skip
    assert f"restored {events} audit events" in restored.stdout
    query = f"SELECT {COLUMNS} FROM medtrace_web_auditevent WHERE seq <= {events} ORDER BY seq"
    before = cluster.psql("backup_source", query)
    after = cluster.psql("backup_target", query.replace(f"WHERE seq <= {events} ", ""))
    assert after == before and before.count("\n") == events
    again = tmp_path / "restored"
    assert git(again, "rev-parse", "HEAD").strip() == manifest["head"]
    at_head = tmp_path / "at-head"
    git(tmp_path, "clone", "-q", str(root), str(at_head))
    git(at_head, "checkout", "-q", manifest["head"])
    signatures = git(at_head, "ls-tree", "-r", "HEAD", "signatures")
    assert "SIG-" in signatures
    assert git(again, "ls-tree", "-r", "HEAD", "signatures") == signatures
    verified = medtrace("audit", "verify", "--path", str(again), database=target_url)
    assert f"audit verify passed: {events} events" in verified.stdout
    checked = [medtrace("check", "--path", str(p), check=False) for p in (at_head, again)]
    assert checked[0].returncode == checked[1].returncode
    assert checked[0].stdout == checked[1].stdout


def test_a_tampered_backup_is_refused(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.create_database("backup_tampered")
    root = make_served_project(tmp_path / "pump")
    medtrace("server", "migrate", "--path", str(root), database=url)
    add_user(root, "arno", "author", PASSWORD, url)
    medtrace("server", "backup", str(tmp_path / "backup"), "--path", str(root), database=url)
    dump = tmp_path / "backup" / "database.xml"
    dump.write_text(dump.read_text("utf-8").replace("arno", "arnx"), "utf-8")
    done = medtrace("server", "restore", str(tmp_path / "backup"), "--into",
                    str(tmp_path / "restored"), database=url, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "database.xml: does not match its hash in the manifest" in done.stderr
    assert not (tmp_path / "restored").exists()


def test_restore_refuses_a_database_that_is_not_empty(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.create_database("backup_full")
    root = make_served_project(tmp_path / "pump")
    medtrace("server", "migrate", "--path", str(root), database=url)
    add_user(root, "arno", "author", PASSWORD, url)
    medtrace("server", "backup", str(tmp_path / "backup"), "--path", str(root), database=url)
    done = medtrace("server", "restore", str(tmp_path / "backup"), "--into",
                    str(tmp_path / "restored"), database=url, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "already holds accounts or audit entries" in done.stderr

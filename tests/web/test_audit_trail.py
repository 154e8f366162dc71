"""The audit trail (issue 21): ``audit verify`` finds a rewritten commit, a removed or edited
entry, a commit the log does not name and a changed signature record; ``audit report``
merges git history and the log for an inspector."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.test import Client

from medtrace.api.audit_trail import git_rows, merged
from medtrace.export.audit import render_audit
from medtrace.web.audit import rows, verify
from medtrace.web.models import AuditEvent
from tests.web.conftest import csrf_token
from tests.web.live import MEDTRACE
from tests.web.served import PASSWORD, git, make_served_project

ITEM = "SRS-012"


def _sign(client: Client) -> None:
    data = {"meaning": "approved", "reason": "Checked", "password": PASSWORD}
    headers = {"X-CSRFToken": csrf_token(client)}
    assert client.post(f"/items/{ITEM}/sign/", data, headers=headers).status_code == 303


def _kinds(root: Path) -> list[str]:
    return sorted(problem.kind for problem in verify(root))


def test_a_clean_log_verifies(served: Path, signed_in: Callable[[str], Client]) -> None:
    _sign(signed_in("alma"))
    assert verify(served) == ()


def test_a_rewritten_commit_is_found(served: Path, signed_in: Callable[[str], Client]) -> None:
    _sign(signed_in("alma"))
    git(served, "commit", "-q", "--amend", "-m", "Sign SRS-012, said differently")
    assert _kinds(served) == ["commit-rewritten"]  # the new message has no trailer
    git(served, "reflog", "expire", "--expire-unreachable=now", "--all")
    git(served, "gc", "-q", "--prune=now")
    assert "commit-missing" in _kinds(served)


def test_a_removed_or_edited_entry_is_found(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    _sign(signed_in("alma"))
    sign = AuditEvent.objects.get(action="sign")
    AuditEvent.objects.filter(seq=sign.seq).delete()  # behind the model's back
    assert _kinds(served) == ["event-missing"]  # the newest entry: git still names its commit
    AuditEvent.objects.filter(seq=2).delete()  # an older one: the chain breaks
    assert _kinds(served) == ["chain-broken", "chain-broken", "event-missing"]
    AuditEvent.objects.filter(seq=3).update(reason="said otherwise")
    assert [p.seq for p in verify(served) if p.kind == "chain-broken"] == [3, 3]


def test_a_signature_record_changed_after_it_was_logged_is_found(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    _sign(signed_in("alma"))
    record = served / "signatures" / "SIG-0001.md"
    record.write_text(record.read_text("utf-8").replace("Checked", "Checked twice"), "utf-8")
    assert _kinds(served) == ["signature-changed"]
    record.unlink()
    assert _kinds(served) == ["signature-missing"]


def test_the_report_merges_git_and_the_log_about_an_item(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    _sign(signed_in("alma"))
    trail = merged(rows(ITEM), git_rows(served, item=ITEM))
    assert [(r.source, r.action) for r in trail][-1] == ("log", "sign")
    assert ("git", "commit") in [(r.source, r.action) for r in trail]
    table = list(csv.reader(io.StringIO(render_audit(trail, "csv"))))
    assert table[0][:4] == ["time (UTC)", "source", "who", "action"]
    assert table[-1][1:5] == ["log", "alma", "sign", ITEM]
    assert json.loads(render_audit(trail, "json"))[-1]["method"] == "password"
    assert "<td>alma</td>" in render_audit(trail, "html")


def test_the_commands_verify_and_report(tmp_path: Path) -> None:
    root = make_served_project(tmp_path / "pump")
    subprocess.run(
        [*MEDTRACE, "users", "add", "ana", "--role", "admin", "--password-stdin",
         "--path", str(root)],
        input=PASSWORD + "\n", text=True, check=True, capture_output=True,
    )  # fmt: skip
    passed = subprocess.run(
        [*MEDTRACE, "audit", "verify", "--path", str(root)], capture_output=True, text=True
    )
    assert passed.returncode == 0 and "audit verify passed: 1 events" in passed.stdout
    out = tmp_path / "trail.html"
    report = subprocess.run(
        [*MEDTRACE, "audit", "report", "--format", "html", "--output", str(out),
         "--path", str(root)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "events written" in report.stdout
    page = out.read_text("utf-8")
    assert "<td>account-add</td>" in page and "<td>commit</td>" in page

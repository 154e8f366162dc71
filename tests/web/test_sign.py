"""Signing in the browser's forms (issue 21): the password re-entered every time (and a
one-time code where the policy asks), the record written, committed and verified, every
attempt in the audit log, and no signing for those who may not."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
from django.test import Client

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.web.accounts import deactivate, enrol_second_factor
from medtrace.web.models import AuditEvent
from tests.web.conftest import csrf_token
from tests.web.served import PASSWORD, git

ITEM = "SRS-012"


def _sign(client: Client, password: str = PASSWORD, **extra: str) -> object:
    data = {"meaning": "approved", "reason": "Checked against SYS-001", "password": password}
    data.update(extra)
    url = f"/items/{ITEM}/sign/"
    return client.post(url, data, headers={"X-CSRFToken": csrf_token(client)})


def _signature_findings(root: Path) -> list[str]:
    report = check_project(root, CheckOptions(load=LoadOptions(use_cache=False)))
    return [f"{f.code}: {f.message}" for f in report.findings if "signature" in f.code]


def test_an_approver_signs_with_the_password_and_the_page_shows_it(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("alma")
    page = client.get(f"/items/{ITEM}/").content.decode()
    assert 'action="/items/SRS-012/sign/"' in page and 'type="password"' in page
    response = _sign(client)
    assert response.status_code == 303 and response["Location"] == f"/items/{ITEM}/"
    record = served / "signatures" / "SIG-0001.md"
    text = record.read_text("utf-8")
    assert 'signer: "alma"' in text and 'authenticated: "password"' in text
    log = git(served, "log", "-1", "--format=%an%n%B")
    assert log.startswith("Alma Tester\nSign SRS-012 (approved)") and "Reason: Checked" in log
    assert git(served, "status", "--porcelain") == ""
    (event,) = AuditEvent.objects.filter(action="sign")
    assert (event.actor, event.item, event.method) == ("alma", ITEM, "password")
    assert event.commit == git(served, "rev-parse", "HEAD").strip()
    shown = client.get(f"/items/{ITEM}/").content.decode()
    row = re.search(r'<tr class="valid"><td>Alma Tester.*?</tr>', shown, re.S)
    assert row is not None and "approved" in row.group(0) and "valid" in row.group(0)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", row.group(0))
    assert _signature_findings(served) == []


def test_a_wrong_password_signs_nothing_and_is_logged(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("alma")
    response = _sign(client, password="not my password")
    assert response.status_code == 400
    assert "the password does not match" in response.content.decode()
    assert not (served / "signatures" / "SIG-0001.md").exists()
    (event,) = AuditEvent.objects.filter(action="sign-failed")
    assert (event.actor, event.item, event.reason) == ("alma", ITEM, "wrong password")


def test_a_viewer_sees_no_signing_control_and_may_not_post(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("vera")
    page = client.get(f"/items/{ITEM}/").content.decode()
    assert "/sign/" not in page and 'type="password"' not in page
    assert _sign(client).status_code == 403
    assert not (served / "signatures" / "SIG-0001.md").exists()


def test_an_author_may_sign_authorship_only(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    page = client.get(f"/items/{ITEM}/").content.decode()
    assert '<option value="authored">' in page and '<option value="approved">' not in page
    assert _sign(client).status_code == 400  # approved is not among the choices
    assert _sign(client, meaning="authored").status_code == 303


def test_a_meaning_with_a_second_factor_needs_a_current_code_once(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    config = served / "medtrace.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[signatures]\nsecond-factor = ["approved"]\n', "utf-8"
    )
    git(served, "commit", "-qam", "Approvals need a second factor")
    client = signed_in("alma")
    refused = _sign(client)
    assert refused.status_code == 400 and "needs a second factor" in refused.content.decode()
    secret = pyotp.parse_uri(enrol_second_factor("alma")).secret
    code = pyotp.TOTP(secret).now()
    assert _sign(client, code="000000" if code != "000000" else "111111").status_code == 400
    assert _sign(client, code=code).status_code == 303
    assert _sign(client, code=code).status_code == 400  # a code is never used twice
    (event,) = AuditEvent.objects.filter(action="sign")
    assert event.method == "password+totp"
    assert 'authenticated: "password+totp"' in (served / "signatures" / "SIG-0001.md").read_text(
        "utf-8"
    )


def test_a_deactivated_account_cannot_sign_and_later_signatures_are_unauthorised(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("alma")
    assert _sign(client).status_code == 303
    time.sleep(1.05)  # times are kept to the second: deactivated the second after
    deactivate("alma")
    assert _sign(client).status_code in (302, 403)  # signed out: the account is inactive
    register = (served / "signatures" / "signers.toml").read_text("utf-8")
    section = register.split("[signers.alma]")[1].split("\n\n")[0]
    assert re.search(r'\ndeactivated = "\d{4}-\d\d-\d\dT', section)
    assert _signature_findings(served) == []  # signed before: still valid


def test_nothing_is_signed_with_a_server_key_the_register_does_not_hold(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    register = served / "signatures" / "signers.toml"
    text = register.read_text("utf-8")
    register.write_text(re.sub(r"\[server\]\nkeys = \[[^\]]*\]", "[server]\nkeys = []", text))
    response = _sign(signed_in("alma"))
    assert response.status_code == 400
    assert "is not among the server keys" in response.content.decode()
    assert not (served / "signatures" / "SIG-0001.md").exists()

"""Editing, creating and reviewing in the browser's forms: each lands as one commit by the
signed-in person with their reason, conflicts lose nothing, and check's errors block."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from django.test import Client

from medtrace.web.models import AuditEvent
from tests.web.conftest import csrf_token
from tests.web.served import SUSPECT_ITEM, SUSPECT_UPSTREAM, git

ITEM = "SRS-012"


def _form(client: Client, item_id: str) -> dict[str, str]:
    """The edit form's fields as the page gives them (inputs, selects and textareas)."""
    page = client.get(f"/items/{item_id}/edit/").content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S
    ):
        data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return {key: _unescape(value) for key, value in data.items()}


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )


def _post(client: Client, url: str, data: dict[str, str]) -> object:
    return client.post(url, data, headers={"X-CSRFToken": csrf_token(client)})


def test_an_edit_is_written_and_committed_by_the_person_with_the_reason(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    data = _form(client, ITEM)
    assert data["title"] == "Single delivery path through the limit guard"
    data.update(title="Single delivery path through the dose limit guard", reason="CR-001 wording")
    response = _post(client, f"/items/{ITEM}/edit/", data)
    assert response.status_code == 303 and response["Location"] == f"/items/{ITEM}/"
    log = git(served, "log", "-1", "--format=%an <%ae>%n%cn%n%B")
    assert log.startswith("Arno Tester <arno@example.org>\nArno Tester\nEdit SRS-012: Single")
    assert "Reason: CR-001 wording" in log
    assert git(served, "status", "--porcelain") == ""
    text = (served / "requirements" / "software" / f"{ITEM}.md").read_text("utf-8")
    assert "title: Single delivery path through the dose limit guard\n" in text
    assert "derived-from: [SYS-006]\n" in text  # untouched lines stay as written
    assert "dose limit guard" in client.get(f"/items/{ITEM}/").content.decode()


def test_an_edit_without_a_reason_is_refused_and_nothing_is_written(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    data = {**_form(client, ITEM), "title": "Changed", "reason": ""}
    head = git(served, "rev-parse", "HEAD")
    response = _post(client, f"/items/{ITEM}/edit/", data)
    assert response.status_code == 400
    assert git(served, "rev-parse", "HEAD") == head and git(served, "status", "--porcelain") == ""


def test_an_edit_that_check_would_fail_is_refused_with_the_finding(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    data = {**_form(client, ITEM), "l_derived-from": "SYS-006, SYS-999", "reason": "typo"}
    response = _post(client, f"/items/{ITEM}/edit/", data)
    assert response.status_code == 400
    assert "link/dangling" in response.content.decode()
    assert git(served, "status", "--porcelain") == ""


def test_two_sessions_editing_one_item_get_the_conflict_view_and_lose_nothing(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    first, second = signed_in("arno"), signed_in("adam")
    mine, theirs = _form(first, ITEM), _form(second, ITEM)
    theirs.update(body=theirs["body"] + "\nAdded by Adam.\n", reason="Adam's change")
    assert _post(second, f"/items/{ITEM}/edit/", theirs).status_code == 303
    mine.update(title="Arno's new title", reason="Arno's change")
    response = _post(first, f"/items/{ITEM}/edit/", mine)
    text = _unescape(response.content.decode())
    assert response.status_code == 409
    assert "Someone changed this item since you opened it" in text
    assert "Added by Adam." in text  # theirs, shown and merged into the form
    assert "Arno's new title" in text  # yours, kept
    assert "you changed different things" in text
    again = _form_from(text)
    assert again["title"] == "Arno's new title" and "Added by Adam." in again["body"]
    assert _post(first, f"/items/{ITEM}/edit/", again).status_code == 303
    body = (served / "requirements" / "software" / f"{ITEM}.md").read_text("utf-8")
    assert "Arno's new title" in body and "Added by Adam." in body
    authors = git(served, "log", "-2", "--format=%an").split()
    assert authors == ["Arno", "Tester", "Adam", "Tester"]


def _form_from(page: str) -> dict[str, str]:
    form = page.split('<form class="edit"', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    data.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', form, re.S))
    return {key: _unescape(value) for key, value in data.items()}


def test_creating_items_gives_each_the_next_free_id_of_its_kind(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    # Two people at once is tested in tests/api/test_item_edit.py (threads and the lock).
    client = signed_in("arno")
    answers = []
    for n in (1, 2):
        data = {
            "kind": "problem-report",
            "title": f"Problem {n}",
            "body": "Seen.",
            "f_state": "open",
            "reason": f"found in test {n}",
        }
        response = _post(client, "/items/new/", data)
        assert response.status_code == 303
        answers.append(response["Location"])
    assert answers == ["/items/PR-006/", "/items/PR-007/"]
    text = (served / "problems" / "PR-006.md").read_text("utf-8")
    assert (
        text == "---\nid: PR-006\nkind: problem-report\ntitle: Problem 1\nstate: open\n---\nSeen.\n"
    )
    assert git(served, "log", "-1", "--format=%s") == "Create PR-007: Problem 2\n"


def test_preview_renders_the_body_and_checks_the_would_be_file(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    data = {
        **_form(client, ITEM),
        "body": "**bold** <script>x</script>",
        "kind": "software-requirement",
        "item_id": ITEM,
        "l_derived-from": "SYS-404",
    }
    text = _post(client, "/items/preview/", data).content.decode()
    assert "<strong>bold</strong>" in text and "<script>" not in text
    assert "link/dangling" in text and "(blocks saving)" in text


def test_reviewing_a_suspect_link_commits_the_stamp_as_medtrace_review_would(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("rita")
    changes = client.get(f"/items/{SUSPECT_ITEM}/upstream/{SUSPECT_UPSTREAM}/").content.decode()
    assert "It also keeps the last delivery in memory." in changes
    response = _post(client, f"/items/{SUSPECT_ITEM}/review/", {"comment": "Design still holds"})
    assert response.status_code == 303
    log = git(served, "log", "-1", "--format=%an%n%B", "--name-only")
    assert log.startswith(f"Rita Tester\nReview {SUSPECT_ITEM}\n\nReason: Design still holds")
    assert "medtrace-reviews.yaml" in log
    stamps = (served / "medtrace-reviews.yaml").read_text("utf-8")
    assert f"- item: {SUSPECT_ITEM}\n  by: Rita Tester <" in stamps.split("\n- item: DD-002")[-1]
    page = client.get(f"/items/{SUSPECT_ITEM}/").content.decode()
    assert "changed since" not in page


def test_an_author_may_not_review(served: Path, signed_in: Callable[[str], Client]) -> None:
    client = signed_in("arno")
    response = _post(client, f"/items/{SUSPECT_ITEM}/review/", {"comment": "x"})
    assert response.status_code == 403


def test_an_edit_is_audited_with_the_fields_and_fingerprints_before_and_after(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    data = _form(client, ITEM)
    data.update(title="Single delivery path through the dose limit guard", reason="Wording")
    assert _post(client, f"/items/{ITEM}/edit/", data).status_code == 303
    (event,) = AuditEvent.objects.filter(action="edit")
    detail = json.loads(event.detail)
    assert detail["fields"] == ["title"]
    assert detail["fingerprint-before"] != detail["fingerprint-after"]
    assert len(detail["fingerprint-after"]) == 16
    text = (served / "requirements" / "software" / f"{ITEM}.md").read_bytes()
    assert event.after == hashlib.sha256(text).hexdigest() and event.before != event.after

"""Signing in a real browser (issue 21): Playwright driving Debian's Chromium against a real
``medtrace serve``. An approver signs with the password re-entered and sees the signature on
the item page and in the generated documents' signature page; an edit voids it on the page,
in ``check``, in the documents and in ``release check``; a wrong password is refused and
logged; a viewer has no signing control and a POST of theirs is refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medtrace.api.release import release_check
from tests.web.live import MEDTRACE, Live, live_server
from tests.web.test_browser import Page, browser  # noqa: F401 - the module's browser fixture

ITEM = "SRS-012"
WRONG = "not the password"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("signing")) as server:
        yield server


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Page]:  # noqa: F811
    found = Page(browser, live)
    yield found
    found.close()


def _medtrace(live: Live, *args: str, where: str = "--path") -> subprocess.CompletedProcess[str]:
    """A command on the served project (named by ``--path``, or as the argument PATH)."""
    named = ["--path", str(live.root)] if where == "--path" else [str(live.root)]
    return subprocess.run([*MEDTRACE, *args, *named], capture_output=True, text=True)


def _sign(item: Any, password: str, reason: str = "Checked against SYS-001") -> None:
    item.select_option("form.sign select[name=meaning]", "approved")
    item.fill("form.sign input[name=reason]", reason)
    item.fill("form.sign input[name=password]", password)
    item.click("form.sign button[type=submit]")
    item.wait_for_load_state("networkidle")


def _signature_page(live: Live, tmp: Path) -> tuple[str, str]:
    """The SRS signature page of the documents built now: as the PDF's text and the HTML."""
    out = tmp / "docs"
    built = _medtrace(live, "docs", "build", "--format", "html,pdf", "--output", str(out),
                      where="PATH")  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    text = subprocess.run(["pdftotext", str(out / "srs.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    if os.environ.get("MEDTRACE_SCREENSHOTS"):
        shutil.copy(out / "srs.pdf", Path(os.environ["MEDTRACE_SCREENSHOTS"]) / "srs.pdf")
    return " ".join(text[text.rindex("Signatures") :].split()), (out / "srs.html").as_uri()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_sign_see_it_everywhere_then_edit_and_see_it_void(
    page: Page, live: Live, tmp_path: Path
) -> None:
    page.sign_in("alma")
    item = page.open(f"/items/{ITEM}/", "sign-form")
    _sign(item, WRONG)  # refused, and logged
    assert "the password does not match" in item.locator(".problem").inner_text()
    assert not (live.root / "signatures" / "SIG-0001.md").exists()
    item = page.open(f"/items/{ITEM}/")
    _sign(item, "correct-horse-battery-staple")
    item.wait_for_url(f"**/items/{ITEM}/")
    page.open(f"/items/{ITEM}/", "signed")
    row = item.locator("table.signatures tbody tr").first
    assert "Alma Approver" in row.inner_text() and "approved" in row.inner_text()
    assert " UTC" in row.inner_text() and row.locator("td.status").inner_text().startswith("valid")

    pdf, html = _signature_page(live, tmp_path)
    assert "Alma Approver" in pdf and "approved" in pdf and "valid" in pdf
    document = page.page
    document.goto(html)
    signed = document.locator("table.signatures tr", has_text="Alma Approver")
    assert signed.locator("td.status").inner_text() == "valid"

    edit = page.open(f"/items/{ITEM}/edit/")
    edit.fill("input[name=title]", "Single delivery path through the dose limit guard")
    edit.fill("input[name=reason]", "Wording after the approval")
    edit.click("text=Save and commit")
    edit.wait_for_url(f"**/items/{ITEM}/")
    page.open(f"/items/{ITEM}/", "signature-void")
    status = item.locator("table.signatures tbody tr td.status").first.inner_text()
    assert status.startswith("void: content changed since")

    checked = _medtrace(live, "check", "--format", "json", where="PATH")
    codes = {f["code"] for f in json.loads(checked.stdout)["findings"]}
    assert checked.returncode == 1 and "62304.5.2.6/signature-void" in codes
    reasons = " ".join(r.message for r in release_check(live.root, "1.2.0").reasons)
    assert "62304.5.2.6/signature-void: 1 (SIG-0001)" in reasons
    pdf, html = _signature_page(live, tmp_path)
    assert "void: content changed since" in pdf
    document.goto(html)
    assert document.locator("table.signatures tr", has_text="Alma Approver").locator(
        "td.status"
    ).inner_text() == ("void: content changed since")

    trail = json.loads(
        _medtrace(live, "audit", "report", "--format", "json", "--item", ITEM).stdout
    )
    failed = [r for r in trail if r["action"] == "sign-failed"]
    assert [(r["actor"], r["reason"]) for r in failed] == [("alma", "wrong password")]
    assert _medtrace(live, "audit", "verify").returncode == 0
    page.problems = [p for p in page.problems if "400 (Bad Request)" not in p]  # the refusal


def test_a_viewer_has_no_signing_control_and_cannot_post_one(page: Page, live: Live) -> None:
    page.sign_in("vera")
    item = page.open(f"/items/{ITEM}/", "viewer-item")
    assert item.locator("form.sign").count() == 0
    assert item.locator("input[type=password]").count() == 0
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.context.request.post(
        f"{live.url}/items/{ITEM}/sign/",
        form={
            "meaning": "approved",
            "reason": "Me too",
            "password": "correct-horse-battery-staple",
        },
        headers={"X-CSRFToken": token, "Referer": f"{live.url}/items/{ITEM}/"},
    )
    assert answer.status == 403
    assert not list((live.root / "signatures").glob("SIG-*.md")) or all(
        "vera" not in p.read_text("utf-8") for p in (live.root / "signatures").glob("SIG-*.md")
    )

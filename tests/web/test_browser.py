"""The application in a real browser: Playwright driving Debian's Chromium against a real
``medtrace serve``. Every page is opened (and photographed when MEDTRACE_SCREENSHOTS names
a folder); any Content-Security-Policy violation or script error fails the test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.live import Live, live_server
from tests.web.served import HOSTILE_ID, PASSWORD, SUSPECT_ITEM, SUSPECT_UPSTREAM, git

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium (Playwright launches it on a fresh temporary profile, removed afterwards)."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


class Page:
    """A page in a browser context of its own (its own cookies: one person), recording
    console errors (a CSP violation is one) and uncaught script errors."""

    def __init__(self, browser: Any, live: Live) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.live = live
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def open(self, path: str, shot: str = "") -> Any:
        self.page.goto(self.live.url + path)
        self.page.wait_for_load_state("networkidle")
        if shot and os.environ.get("MEDTRACE_SCREENSHOTS"):
            folder = Path(os.environ["MEDTRACE_SCREENSHOTS"])
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{shot}.png"), full_page=True)
        return self.page

    def sign_in(self, name: str) -> None:
        page = self.open("/signin/", "sign-in")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(self.live.url + "/")

    def close(self) -> None:
        self.context.close()
        assert self.problems == [], self.problems


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Page]:
    found = Page(browser, live)
    yield found
    found.close()


def test_sign_in_search_and_open_an_item(page: Page) -> None:
    page.sign_in("vera")
    assert page.page.locator("h2", has_text="Release readiness").is_visible()
    page.open("/", "dashboard")
    items = page.open("/items/", "items")
    items.fill("#q", "limit guard")
    items.wait_for_selector("#results td.id >> text=SRS-012")
    items.click("text=SRS-012")
    items.wait_for_url("**/items/SRS-012/")
    items.wait_for_selector("svg.neighbourhood")  # drawn by the server, swapped in by htmx
    items.wait_for_selector(".history-entries")
    page.open("/items/SRS-012/", "item")
    assert items.locator("h1").inner_text().startswith("SRS-012")
    for path, name in [
        ("/trace/", "trace"),
        ("/soup/", "soup"),
        ("/risk/", "risk"),
        ("/problems/", "problems"),
        (f"/items/{SUSPECT_UPSTREAM}/history/", "history"),
    ]:
        page.open(path, name)
    assert items.locator("a", has_text="Edit").count() == 0  # a viewer sees no edit control


def test_an_item_body_with_script_and_javascript_links_is_inert(page: Page) -> None:
    page.sign_in("vera")
    item = page.open(f"/items/{HOSTILE_ID}/", "hostile")
    item.wait_for_timeout(300)
    assert item.title() != "owned"
    assert item.locator(".body script").count() == 0
    assert item.locator(".body a", has_text="click me").get_attribute("href") is None
    item.locator(".body a", has_text="click me").click()
    assert item.title() != "owned"


def test_edit_and_save_lands_as_a_commit_by_the_person_with_the_reason(page: Page) -> None:
    page.sign_in("ana")
    edit = page.open("/items/SRS-013/edit/", "edit")
    edit.fill("textarea[name=body]", "The software shall stop the pump **at once**.")
    edit.click("text=Preview and check")
    edit.wait_for_selector("#preview strong >> text=at once")
    page.open("/items/SRS-013/edit/")  # opened afresh: the preview changed nothing
    edit.fill("textarea[name=body]", "The software shall stop the pump **at once**.")
    edit.fill("input[name=reason]", "Clarified after the design review")
    edit.click("text=Save and commit")
    edit.wait_for_url("**/items/SRS-013/")
    assert "at once" in edit.locator(".body").inner_text()
    log = git(page.live.root, "log", "-1", "--format=%an <%ae>|%B")
    assert log.startswith("Ana Ruiz <ana@example.org>|Edit SRS-013:")
    assert "Reason: Clarified after the design review" in log


def test_two_browsers_editing_one_item_get_the_conflict_view(browser: Any, live: Live) -> None:
    first, second = Page(browser, live), Page(browser, live)
    try:
        first.sign_in("ana")
        second.sign_in("rita")
        mine = first.open("/items/SRS-014/edit/")
        theirs = second.open("/items/SRS-014/edit/")
        theirs.fill("input[name=title]", "Their new title")
        theirs.fill("input[name=reason]", "Their reason")
        theirs.click("text=Save and commit")
        theirs.wait_for_url("**/items/SRS-014/")
        mine.fill("textarea[name=body]", "My body, typed while they saved.")
        mine.fill("input[name=reason]", "My reason")
        mine.click("text=Save and commit")
        mine.wait_for_selector(".conflict")
        if os.environ.get("MEDTRACE_SCREENSHOTS"):
            mine.screenshot(
                path=str(Path(os.environ["MEDTRACE_SCREENSHOTS"]) / "conflict.png"), full_page=True
            )
        assert "Their new title" in mine.locator("pre.theirs").inner_text()
        assert "My body, typed while they saved." in mine.locator("pre.yours").inner_text()
        assert mine.locator("input[name=title]").input_value() == "Their new title"
        assert mine.locator("textarea[name=body]").input_value().strip() == (
            "My body, typed while they saved."
        )
        mine.click("text=Save and commit")
        mine.wait_for_url("**/items/SRS-014/")
        text = (live.root / "requirements" / "software" / "SRS-014.md").read_text("utf-8")
        assert "title: Their new title" in text and "My body, typed while they saved." in text
        assert git(live.root, "log", "-2", "--format=%an").split("\n")[:2] == [
            "Ana Ruiz",
            "Rita Reviewer",
        ]
    finally:
        conflict = "the server responded with a status of 409 (Conflict)"  # the page it answered
        first.problems = [text for text in first.problems if conflict not in text]
        first.close()
        second.close()


def test_a_reviewer_reviews_a_suspect_link(page: Page) -> None:
    page.sign_in("rita")
    item = page.open(f"/items/{SUSPECT_ITEM}/", "suspect")
    item.wait_for_selector(".changes .history-entries")
    assert "It also keeps the last delivery in memory." in item.locator(".changes").inner_text()
    item.fill("form.review input[name=comment]", "The design still holds")
    item.click("text=Mark reviewed")
    item.wait_for_url(f"**/items/{SUSPECT_ITEM}/")
    assert item.locator(".suspect").count() == 0
    log = git(page.live.root, "log", "-1", "--format=%an|%B", "--name-only")
    assert log.startswith(f"Rita Reviewer|Review {SUSPECT_ITEM}\n\nReason: The design still holds")
    assert "medtrace-reviews.yaml" in log

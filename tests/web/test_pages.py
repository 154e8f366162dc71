"""Every page as a signed-in viewer sees it: what it shows comes from medtrace.api."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tests.web.served import HOSTILE_ID, SUSPECT_ITEM, SUSPECT_UPSTREAM


@pytest.fixture
def viewer(signed_in: Callable[[str], Client]) -> Client:
    return signed_in("vera")


def test_the_dashboard_shows_release_readiness_matrix_coverage_suspects_and_problems(
    viewer: Client,
) -> None:
    page = viewer.get("/?version=1.2.0").content.decode()
    assert "Release readiness" in page and "may not be released as 1.2.0" in page
    assert "release/suspect-links" in page  # the same reasons as release check
    assert "Compliance matrix" in page and "Software development plan" in page
    assert "Software requirements verified by test cases" in page
    assert f"{SUSPECT_ITEM}</a>: {SUSPECT_UPSTREAM} changed since" in page
    assert "PR-001" in page  # an open problem report
    assert "2025-10" in page  # its trend starts in the month of the first report


def test_the_release_section_alone_answers_htmx(viewer: Client) -> None:
    response = viewer.get("/?version=2.0.0", headers={"HX-Request": "true"})
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="release"')
    assert "<html" not in text and "as 2.0.0" in text
    assert "HX-Request" in response["Vary"]


def test_the_browser_searches_text_and_filters_by_kind(viewer: Client) -> None:
    page = viewer.get("/items/", {"q": "limit guard", "kind": "software-requirement"})
    text = page.content.decode()
    assert ">SRS-012</a>" in text
    assert "software-unit</td>" not in text
    in_review = viewer.get("/items/", {"kind": "change-request", "status": "in-review"})
    assert ">CR-003</a>" in in_review.content.decode()
    assert ">CR-001</a>" not in in_review.content.decode()
    partial = viewer.get("/items/", {"q": "zzzz-nothing"}, headers={"HX-Request": "true"})
    assert "No item matches." in partial.content.decode()


def test_the_item_page_shows_fields_links_both_ways_findings_and_evidence(viewer: Client) -> None:
    text = viewer.get("/items/SRS-012/").content.decode()
    assert "Single delivery path through the limit guard" in text
    assert '<a href="/items/SYS-006/">SYS-006</a>' in text  # upstream
    assert '<a href="/items/TC-042/">TC-042</a>' in text  # downstream, derived
    assert "review record" in text and "not bound to content" in text
    assert "link review" in text and "current" in text


def test_a_suspect_item_shows_its_stale_link_review(viewer: Client) -> None:
    text = viewer.get(f"/items/{SUSPECT_ITEM}/").content.decode()
    assert "stale" in text
    assert f"<strong>{SUSPECT_UPSTREAM}</strong> (or what it depends on) changed" in text


def test_an_item_body_with_script_renders_inert(viewer: Client) -> None:
    text = viewer.get(f"/items/{HOSTILE_ID}/").content.decode()
    body = text.split('<section class="body">', 1)[1].split("</section>", 1)[0]
    assert "<script" not in body
    assert re.search(r"<[a-z][^>]*(javascript:|onerror)", body) is None  # no live tag has them
    assert "&lt;script&gt;" in body  # shown as text, as the documents show it
    assert "click me</a>" in body and 'href="javascript' not in body


def test_history_and_neighbourhood_come_as_partials(viewer: Client) -> None:
    history = viewer.get(f"/items/{SUSPECT_UPSTREAM}/history/", headers={"HX-Request": "true"})
    text = history.content.decode()
    assert f"Change {SUSPECT_UPSTREAM} after its review" in text
    assert "It also keeps the last delivery in memory." in text  # the body diff
    svg = viewer.get("/items/SRS-012/graph.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b">SRS-012</text>" in svg.content and b"<script" not in svg.content


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/trace/?from=software-requirement&to=test-case", "67 of 68 software-requirement"),
        ("/trace/?from=hazard&to=nothing", "unknown kind"),
        ("/soup/", "GHSA-h4gh-qq45-vh27"),
        ("/risk/", "Before risk control"),
        ("/problems/", "Change requests"),
        ("/items/SWU-001/edit/", ""),  # a viewer may not edit: refused below
    ],
)
def test_the_other_pages(viewer: Client, path: str, expected: str) -> None:
    response = viewer.get(path)
    if not expected:
        assert response.status_code == 403
        return
    assert expected in response.content.decode()


def test_an_unknown_item_is_a_404_page(viewer: Client) -> None:
    response = viewer.get("/items/NOPE-1/")
    assert response.status_code == 404
    assert "no item &#x27;NOPE-1&#x27;" in response.content.decode()


def test_link_pickers_suggest_items_as_one_types(viewer: Client) -> None:
    text = viewer.get("/items/suggest/", {"l_derived-from": "SYS-001, dose limits"}).content
    options = text.decode()
    assert '<option value="SYS-006">SYS-006 Dose limits</option>' in options
    assert options.count("<option") <= 15

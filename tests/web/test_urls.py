"""Every URL pattern refuses anyone not signed in (plain and htmx), refuses a signed-in
person without a role, declares the role its view needs, and answers with the CSP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.served import SUSPECT_ITEM, SUSPECT_UPSTREAM

# Public on purpose, each with its reason; the test fails when one goes stale.
PUBLIC = {
    "web:login": "the sign-in form",
    "web:health": "a probe for a reverse proxy or a service manager",
}
SAMPLE = {
    "item_id": SUSPECT_ITEM,
    "upstream": SUSPECT_UPSTREAM,
    "version": "1.0",
}  # a missing kwarg is a KeyError


def _walk(patterns: list[object], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


ROUTES = dict(_walk(get_resolver().url_patterns))
PAGES = sorted(name for name in ROUTES if name.startswith("web:") and name not in PUBLIC)
API = sorted(name for name in ROUTES if name.startswith("rest:") and name != "rest:api-root")


def _url(name: str) -> str:
    route = ROUTES[name]
    return reverse(name, kwargs={key: SAMPLE[key] for key in route.pattern.regex.groupindex})


def test_the_public_list_is_current() -> None:
    assert set(PUBLIC) <= set(ROUTES)
    assert len(PAGES) >= 15 and len(API) >= 6


@pytest.mark.parametrize("name", PAGES)
def test_a_page_refuses_anyone_not_signed_in(db: None, name: str) -> None:
    url = _url(name)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/signin/?next=")
        htmx = getattr(Client(), method)(url, headers={"HX-Request": "true"})
        assert htmx.status_code == 200 and htmx["HX-Redirect"].startswith("/signin/")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_declares_a_role_and_refuses_a_person_without_one(
    signed_in: Callable[[str], Client], name: str
) -> None:
    assert hasattr(ROUTES[name].callback, "required_role"), f"{name} declares no role"
    client = signed_in("olga")
    response = client.get(_url(name))
    assert response.status_code in (403, 405), name
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", API)
def test_an_api_route_refuses_anyone_not_signed_in_and_without_a_role(
    signed_in: Callable[[str], Client], name: str
) -> None:
    url = _url(name)
    assert Client().get(url).status_code == 401
    assert Client().put(url, "{}", content_type="application/json").status_code in (401, 405)
    assert signed_in("olga").get(url).status_code in (403, 405)


def test_a_post_without_the_csrf_token_is_refused(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("rita")
    response = client.post(_url("web:review"), {"comment": "checked"})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_the_sign_in_page_and_static_files_are_public(db: None) -> None:
    page = Client().get("/signin/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert Client().get("/health/").content == b"ok\n"

"""Signing in and out: the lockout (logged), POST-only sign-out, and ``next`` kept on the site."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from medtrace.model.signature import AccountRules
from medtrace.web.models import AuditEvent
from tests.web.served import PASSWORD


def _sign_in(client: Client, name: str, password: str, next_url: str = "") -> object:
    page = client.get("/signin/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = {"username": name, "password": password, "csrfmiddlewaretoken": token.group(1)}
    if next_url:
        data["next"] = next_url
    return client.post("/signin/", data)


def test_sign_in_takes_the_person_where_they_were_going_but_never_off_the_site(
    people: dict[str, AbstractBaseUser],
) -> None:
    response = _sign_in(Client(enforce_csrf_checks=True), "vera", PASSWORD, "/items/SRS-012/")
    assert response.status_code == 302 and response["Location"] == "/items/SRS-012/"
    away = _sign_in(Client(enforce_csrf_checks=True), "vera", PASSWORD, "https://evil.example/")
    assert away.status_code == 302 and away["Location"] == "/"


def test_failed_sign_ins_are_logged_and_lock_the_account_for_a_while(
    people: dict[str, AbstractBaseUser],
) -> None:
    limit = AccountRules().lockout_after  # the project sets no [signatures.accounts]
    client = Client(enforce_csrf_checks=True)
    for _ in range(limit):
        assert _sign_in(client, "vera", "wrong password").status_code == 400
    locked = _sign_in(client, "vera", PASSWORD)  # even the right password, for now
    assert locked.status_code == 429
    assert "the account is locked" in locked.content.decode()
    actions = list(AuditEvent.objects.filter(actor="vera").values_list("action", flat=True))
    assert actions == ["sign-in-failed"] * limit + ["account-locked", "sign-in-refused"]
    assert _sign_in(Client(enforce_csrf_checks=True), "rita", PASSWORD).status_code == 302


def test_signing_out_is_a_post(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("vera")
    assert client.get("/signout/").status_code == 405
    page = client.get("/items/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    out = client.post("/signout/", {"csrfmiddlewaretoken": token.group(1)})
    assert out.status_code == 302 and out["Location"] == "/signin/"
    assert client.get("/items/").status_code == 302


def test_cookies_are_http_only_and_same_site(people: dict[str, AbstractBaseUser]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "vera", PASSWORD)
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["httponly"]

"""Session and account controls (21 CFR 11.300, issue 21): signed out after the idle time,
passwords by the rules of [signatures.accounts], account names never reused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from medtrace.errors import MedtraceError
from medtrace.model.signature import AccountRules
from medtrace.web.accounts import add_account, deactivate
from medtrace.web.models import AuditEvent
from medtrace.web.roles import Role
from tests.web.served import PASSWORD


def test_a_session_ends_after_the_idle_time_and_each_request_moves_it_on(
    signed_in: Callable[[str], Client],
) -> None:
    idle = AccountRules().idle_minutes * 60  # the project sets no [signatures.accounts]
    assert idle == settings.SESSION_COOKIE_AGE and settings.SESSION_SAVE_EVERY_REQUEST
    client = signed_in("vera")
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))
    assert client.get("/items/").status_code == 200
    (session,) = Session.objects.all()  # the request moved the expiry on by the idle time
    assert session.expire_date > timezone.now() + timedelta(seconds=idle - 60)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # idle too long
    assert client.get("/items/").status_code == 302


def test_a_password_shorter_than_the_rule_is_refused(db: None) -> None:
    shortest = AccountRules().password_min_length
    with pytest.raises(MedtraceError, match=f"at least {shortest} characters"):
        add_account("pat", role_of("author"), "Zq8!xw-Kp3#"[: shortest - 1])
    made = add_account("pat", role_of("author"), "Zq8!xw" * 3)
    assert made.name == "pat"


def test_an_account_name_is_never_reused_even_once_deactivated(
    people: dict[str, AbstractBaseUser],
) -> None:
    deactivate("arno")
    with pytest.raises(MedtraceError, match="names are never reused"):
        add_account("arno", role_of("author"), PASSWORD)
    actions = AuditEvent.objects.filter(item="arno").values_list("action", flat=True)
    assert list(actions) == ["account-add", "account-deactivate"]
    client = Client(enforce_csrf_checks=True)
    page = client.get("/signin/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    data = {"username": "arno", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    assert client.post("/signin/", data).status_code == 400  # deactivated: no sign-in


def role_of(name: str) -> Role:
    return Role.parse(name)

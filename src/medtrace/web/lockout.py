"""Failed sign-ins and signatures: logged, and an account locked after too many (11.300(d)).

A failed attempt (a wrong password at sign-in, or a wrong password or code when
signing) is written to the audit log and counted: ``lockout-after`` failures of an
account within ``lockout-minutes`` lock it for the rest of that window (sign-in and
signing alike), and so do ``login_limit`` failures from one address. The attempt that
locks the account writes an ``account-locked`` event too.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from medtrace.web import audit
from medtrace.web.models import SignInFailure
from medtrace.web.services import project


def locked(request: HttpRequest, username: str) -> bool:
    """Whether ``username`` (or the request's address) may not try again yet."""
    rules = project.policy().accounts
    since = timezone.now() - timedelta(minutes=rules.lockout_minutes)
    recent = SignInFailure.objects.filter(at__gte=since)
    return bool(
        recent.filter(username=username).count() >= rules.lockout_after
        or recent.filter(address=address(request)).count() >= settings.CONFIG.login_limit
    )


def failed(request: HttpRequest, username: str, action: str, why: str, item: str = "") -> None:
    """Log and count one failed attempt of ``action`` (``sign-in`` or ``sign``)."""
    SignInFailure.objects.create(username=username[:150], address=address(request))
    request_id = getattr(request, "request_id", "")
    audit.record(
        actor=username[:150],
        action=f"{action}-failed",
        item=item,
        reason=why,
        request_id=request_id,
        detail=f'{{"address": "{address(request)}"}}',
    )
    if locked(request, username):
        minutes = project.policy().accounts.lockout_minutes
        audit.record(
            actor=username[:150],
            action="account-locked",
            reason=f"too many failed attempts; locked for {minutes} minutes",
            request_id=request_id,
        )


def address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]

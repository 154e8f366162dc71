"""Signing in (failures logged; an account locked after too many, :mod:`medtrace.web.lockout`)
and out (POST only); both logged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from medtrace.web import audit, lockout
from medtrace.web.forms import SignInForm
from medtrace.web.roles import Role, requires


@login_not_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    name = request.POST.get("username", "")
    throttled = request.method == "POST" and lockout.locked(request, name)
    if throttled:
        form.errors.clear()
        form.add_error(None, "Too many failed attempts: the account is locked for a while.")
        audit.record(actor=name[:150], action="sign-in-refused", reason="account locked",
                     request_id=getattr(request, "request_id", ""))  # fmt: skip
    elif request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        audit.record(
            actor=form.get_user().get_username(),
            action="sign-in",
            request_id=getattr(request, "request_id", ""),
            method="password",
        )
        return HttpResponseRedirect(_next(request))
    elif request.method == "POST":
        lockout.failed(request, name, "sign-in", "wrong user name or password")
    status = 429 if throttled else (400 if form.errors else 200)
    return render(
        request, "medtrace/login.html", {"form": form, "next": _next(request)}, status=status
    )


@requires(Role.VIEWER)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    audit.record(actor=request.user.get_username(), action="sign-out",
                 request_id=getattr(request, "request_id", ""))  # fmt: skip
    logout(request)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """``ok`` (200) when the database answers, else 503: for a proxy or a service manager."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")

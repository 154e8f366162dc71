"""Signing in (rate limited per account and per address) and out (POST only)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from medtrace.web import audit
from medtrace.web.forms import SignInForm
from medtrace.web.models import SignInFailure
from medtrace.web.roles import Role, requires

WINDOW = timedelta(minutes=15)


@login_not_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    throttled = request.method == "POST" and _throttled(request)
    if throttled:
        form.errors.clear()
        form.add_error(None, "Too many failed sign-ins; wait a quarter of an hour.")
    elif request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        audit.record(
            actor=form.get_user().get_username(),
            action="sign-in",
            request_id=getattr(request, "request_id", ""),
        )
        return HttpResponseRedirect(_next(request))
    elif request.method == "POST":
        SignInFailure.objects.create(
            username=request.POST.get("username", "")[:150], address=_address(request)
        )
    status = 429 if throttled else (400 if form.errors else 200)
    return render(
        request, "medtrace/login.html", {"form": form, "next": _next(request)}, status=status
    )


@requires(Role.VIEWER)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def _throttled(request: HttpRequest) -> bool:
    since = timezone.now() - WINDOW
    limit = settings.CONFIG.login_limit
    recent = SignInFailure.objects.filter(at__gte=since)
    name = request.POST.get("username", "")
    return bool(
        recent.filter(username=name).count() >= limit
        or recent.filter(address=_address(request)).count() >= limit
    )


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")

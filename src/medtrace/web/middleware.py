"""Middleware: a request id on every request, sign-in required everywhere by default, and
:class:`~medtrace.errors.MedtraceError` turned into a page (or an htmx partial) with a 4xx."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from medtrace.errors import MedtraceError

REQUEST_ID_HEADER = "X-Request-Id"


class RequestIdMiddleware:
    """Give each request an id (``request.request_id``), sent back in a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every view needs a signed-in person unless marked ``@login_not_required``; htmx
    requests are sent to the sign-in page with ``HX-Redirect``, the API answers 401."""

    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "sign in first"}, status=401)
        response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(response["Location"])
        return response


class MedtraceErrorMiddleware:
    """A :class:`MedtraceError` raised by a view is the user's to fix: its message (and
    hint) with status 400, as a page, or as the error partial for htmx."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MedtraceError):
            return None
        status = 404 if str(exception).startswith("no item") else 400
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(exception), "hint": exception.hint}, status=status)
        template = "medtrace/error.html"
        if request.headers.get("HX-Request") == "true":
            template += "#message"
        context = {"message": str(exception), "hint": exception.hint}
        return render(request, template, context, status=status)

"""The answer to an unexpected error: a database that stopped answering (restarted, or the
network to it down) is a 503 that says so and asks to try again, without touching the
database; anything else is Django's plain 500. Each request opens its connection afresh
when the last one broke, so the server recovers by itself once the database is back."""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error as django_server_error

MESSAGE = "The database is not answering: nothing was saved by this request. Try again shortly."


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, DatabaseError):
        return django_server_error(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    elif request.path.startswith("/health/"):
        response = HttpResponse("database unavailable\n", content_type="text/plain", status=503)
    else:
        response = HttpResponse(
            f"<!doctype html><title>Database unavailable</title><p>{MESSAGE}</p>\n",
            content_type="text/html; charset=utf-8",
            status=503,
        )
    response["Retry-After"] = "5"
    return response

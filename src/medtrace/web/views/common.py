"""What the views share: choosing the template or its htmx partial, and the answer after a write."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseLocation


def page_or_partial(request: HttpRequest, template: str, partial: str) -> str:
    """``template#partial`` for a (non-boosted) htmx request, else the whole page."""
    htmx = getattr(request, "htmx", None)
    return f"{template}#{partial}" if htmx and not htmx.boosted else template


def after_write(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: ``HX-Location`` for htmx, a 303 to ``url`` otherwise."""
    if getattr(request, "htmx", None):
        return HttpResponseLocation(url)
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    response["Vary"] = "HX-Request"
    return response

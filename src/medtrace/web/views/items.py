"""The item browser, the item page (with its history and neighbourhood), suggestions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from medtrace.api import evidence_view as evidence
from medtrace.api import reports
from medtrace.api.item_view import item_view
from medtrace.api.neighbourhood import neighbourhood_svg_of
from medtrace.api.review_change import changes_since
from medtrace.api.search import SORTS, SearchQuery, search
from medtrace.api.signature_view import signatures_of
from medtrace.web.forms import SignatureForm
from medtrace.web.roles import Role, requires
from medtrace.web.services import project
from medtrace.web.services.history import history
from medtrace.web.views.common import page_or_partial, vary_on_htmx
from medtrace.web.views.sign import open_meanings


@requires(Role.VIEWER)
@require_GET
def browser(request: HttpRequest) -> HttpResponse:
    query = query_of(request)
    page = search(project.snapshot(), query)
    schema = project.snapshot().project.config.schema
    status = next((f for f in schema.common_fields if f.name == "status"), None)
    context = {
        "page": page,
        "query": query,
        "sorts": SORTS,
        "kinds": sorted(schema.kinds),
        "statuses": status.values if status is not None else (),
    }
    template = page_or_partial(request, "medtrace/items.html", "results")
    return vary_on_htmx(render(request, template, context))


def query_of(request: HttpRequest) -> SearchQuery:
    get = request.GET
    sort = get.get("sort", "id")
    return SearchQuery(
        text=get.get("q", "")[:200],
        kinds=tuple(k for k in get.getlist("kind") if k),
        classes=tuple(c for c in get.getlist("class") if c),
        statuses=tuple(s for s in get.getlist("status") if s),
        finding=get.get("finding", "")[:100],
        sort=sort if sort in SORTS else "id",
        descending=get.get("order") == "desc",
        page=_number(get.get("page"), 1),
        per_page=_number(get.get("per_page"), 50),
    )


@requires(Role.VIEWER)
@require_GET
def item(request: HttpRequest, item_id: str) -> HttpResponse:
    snap = project.snapshot()
    view = item_view(snap, item_id)
    meanings = open_meanings(request, item_id)
    context = {
        "view": view,
        "evidence": evidence.evidence_of(snap, item_id),
        "suspect": [s for s in reports.suspects(snap) if s.item.id == item_id],
        "signatures": signatures_of(snap, item_id),
        "sign_form": SignatureForm(meanings=meanings) if meanings else None,
    }
    return render(request, "medtrace/item.html", context)


@requires(Role.VIEWER)
@require_GET
def item_history(request: HttpRequest, item_id: str) -> HttpResponse:
    entries = history(project.snapshot(), item_id)
    template = page_or_partial(request, "medtrace/history.html", "entries")
    return vary_on_htmx(render(request, template, {"item_id": item_id, "entries": entries}))


@requires(Role.VIEWER)
@require_GET
def item_graph(request: HttpRequest, item_id: str) -> HttpResponse:
    depth = max(1, min(_number(request.GET.get("depth"), 2), 4))
    svg = neighbourhood_svg_of(
        project.snapshot(), item_id, depth, lambda other: reverse("web:item", args=[other])
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@requires(Role.VIEWER)
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "") or next(
        (str(v) for k, v in request.GET.items() if k.startswith("l_")), ""
    )
    typing = text.rsplit(",", 1)[-1].strip()  # what is being typed after the last comma
    page = search(project.snapshot(), SearchQuery(text=typing, per_page=15))
    return render(request, "medtrace/suggest.html", {"rows": page.rows})


@requires(Role.REVIEWER)
@require_GET
def upstream_changes(request: HttpRequest, item_id: str, upstream: str) -> HttpResponse:
    snap = project.snapshot()
    stamp = next(
        (s for s in reports.suspects(snap) if s.item.id == item_id and s.upstream == upstream), None
    )
    entries = changes_since(snap, upstream, stamp.date) if stamp is not None else ()
    return render(
        request, "medtrace/history.html#entries", {"item_id": upstream, "entries": entries}
    )


def _number(text: str | None, default: int) -> int:
    try:
        return max(1, int(text or default))
    except ValueError:
        return default

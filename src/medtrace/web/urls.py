"""Every URL of the application: the pages (namespace ``web``) and the REST API (``/api/``)."""

from __future__ import annotations

from django.urls import include, path

from medtrace.web.rest import api
from medtrace.web.views import auth, edit, items, pages, review, sign, trace

web = [
    path("", pages.dashboard, name="dashboard"),
    path("signin/", auth.sign_in, name="login"),
    path("signout/", auth.sign_out, name="logout"),
    path("health/", auth.health, name="health"),
    path("items/", items.browser, name="items"),
    path("items/new/", edit.create, name="create"),
    path("items/preview/", edit.preview, name="preview"),
    path("items/suggest/", items.suggest, name="suggest"),
    path("items/<str:item_id>/", items.item, name="item"),
    path("items/<str:item_id>/history/", items.item_history, name="history"),
    path("items/<str:item_id>/graph.svg", items.item_graph, name="graph"),
    path("items/<str:item_id>/edit/", edit.edit, name="edit"),
    path("items/<str:item_id>/review/", review.review, name="review"),
    path("items/<str:item_id>/sign/", sign.sign_item, name="sign"),
    path("items/<str:item_id>/upstream/<str:upstream>/", items.upstream_changes, name="upstream"),
    path("trace/", trace.matrix, name="trace"),
    path("soup/", pages.soup, name="soup"),
    path("risk/", pages.risk, name="risk"),
    path("problems/", pages.problems, name="problems"),
]

urlpatterns = [
    path("api/", api.urls),
    path("", include((web, "web"))),
]

handler500 = "medtrace.web.views.errors.server_error"

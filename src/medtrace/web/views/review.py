"""Reviewing a suspect link in the browser: recorded as ``medtrace review`` records it, and
committed with the reviewer as author and their comment as the reason."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medtrace.api.review_change import review_and_commit
from medtrace.web import audit
from medtrace.web.forms import ReviewForm
from medtrace.web.roles import Role, requires
from medtrace.web.services import project, sharing
from medtrace.web.views.common import after_write


@requires(Role.REVIEWER)
@require_POST
def review(request: HttpRequest, item_id: str) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "item_id": item_id}
        return render(request, "medtrace/review.html", context, status=400)
    comment = form.cleaned_data["comment"]

    def logged(done: tuple[tuple[str, ...], str]) -> None:
        project.workspace().invalidate()
        recorded, commit = done
        for reviewed in recorded:
            audit.record(
                actor=request.user.get_username(),
                action="review",
                item=reviewed,
                commit=commit,
                reason=comment,
                request_id=getattr(request, "request_id", ""),
            )

    sharing.write(
        lambda: review_and_commit(
            project.root(),
            [item_id],
            author=project.author_of(request.user),
            comment=comment,
            now=dt.datetime.now(dt.UTC),
        ),
        logged,
    )
    return after_write(request, reverse("web:item", args=[item_id]))

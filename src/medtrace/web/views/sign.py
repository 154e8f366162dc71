"""Signing an item in the browser: the form on the item page, re-authentication every time
(:mod:`medtrace.web.signing`), and the item page again with the signature shown."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from medtrace.api.signature_view import meanings_open
from medtrace.errors import MedtraceError, ProjectError
from medtrace.web.forms import SignatureForm
from medtrace.web.roles import Role, requires, role_of
from medtrace.web.services import project
from medtrace.web.signing import Attempt, sign
from medtrace.web.views.common import after_write


def open_meanings(request: HttpRequest, item_id: str) -> tuple[str, ...]:
    """What the signed-in person may sign on ``item_id`` (nothing: no signing control)."""
    role = role_of(request.user)
    if role is None or role.rank < Role.AUTHOR.rank:
        return ()
    return meanings_open(project.snapshot(), item_id, request.user.get_username(), role.value)


@requires(Role.AUTHOR)
@sensitive_post_parameters("password", "code")
@require_POST
def sign_item(request: HttpRequest, item_id: str) -> HttpResponse:
    if project.snapshot().item(item_id) is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    meanings = open_meanings(request, item_id)
    if not meanings:
        raise PermissionDenied(f"you may not sign {item_id}")
    form = SignatureForm(request.POST, meanings=meanings)
    problem = ""
    if form.is_valid():
        data = form.cleaned_data
        attempt = Attempt(item_id=item_id, meaning=data["meaning"], reason=data["reason"],
                          password=data["password"], code=data["code"])  # fmt: skip
        try:
            sign(request, attempt)
        except MedtraceError as error:
            problem = str(error)
        else:
            return after_write(request, reverse("web:item", args=[item_id]))
    context = {"form": form, "item_id": item_id, "problem": problem}
    return render(request, "medtrace/sign.html", context, status=400)

"""Editing and creating items: the form of the kind, a preview checked as ``check`` would,
a save committed by the signed-in person with their reason, and the conflict view."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from medtrace.api.audit_trail import change_detail
from medtrace.api.item_edit import (
    EditConflictError,
    InvalidEditError,
    Saved,
    compose,
    compose_edit,
    create_item,
    merge_edit,
    new_path,
    next_id,
    open_item,
    opened_values,
    save_item,
    version_of,
)
from medtrace.api.item_view import render_body
from medtrace.api.would_be import check_would_be
from medtrace.errors import ProjectError
from medtrace.model import Schema
from medtrace.web import audit
from medtrace.web.forms import ItemForm, initial_of
from medtrace.web.roles import Role, requires
from medtrace.web.services import project, sharing
from medtrace.web.views.common import after_write

TEMPLATE = "medtrace/edit.html"


@requires(Role.AUTHOR)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, item_id: str) -> HttpResponse:
    snap = project.snapshot()
    item = snap.item(item_id)
    if item is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    schema = snap.project.config.schema
    if request.method == "GET":
        return _page(
            request,
            _opened_form(snap.root, schema, item.source.path, item.kind),
            item_id=item_id,
            kind=item.kind,
        )
    form = ItemForm(request.POST, schema=schema, kind=item.kind)
    if not form.is_valid():
        return _page(request, form, item_id=item_id, kind=item.kind, status=400)
    data = form.cleaned_data
    path = item.source.path
    text = compose_edit(schema, path, data["base"], form.values(), data["body"])

    def logged(saved: Saved) -> None:
        project.workspace().invalidate()
        detail = change_detail(snap, project.snapshot(), saved.item_id)
        reason, before = data["reason"], data["version"]
        _audit(request, "edit", saved.item_id, saved.commit, reason, before, detail)

    try:
        saved = sharing.write(
            lambda: save_item(
                snap.root,
                path,
                text,
                base=data["base"],
                base_version=data["version"],
                author=project.author_of(request.user),
                reason=data["reason"],
            ),
            logged,
        )
    except EditConflictError as conflict:
        project.workspace().invalidate()
        return _conflict(request, form, conflict, item_id, item.kind, path)
    except InvalidEditError as error:
        return _invalid(request, form, error, item_id=item_id, kind=item.kind)
    return after_write(request, reverse("web:item", args=[saved.item_id]))


@requires(Role.AUTHOR)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    snap = project.snapshot()
    schema = snap.project.config.schema
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in schema.kinds:
        return render(
            request,
            "medtrace/create.html",
            {"kinds": sorted(schema.kinds.values(), key=lambda k: k.name)},
        )
    if request.method == "GET":
        form = ItemForm(schema=schema, kind=kind)
        return _page(request, form, item_id="", kind=kind)
    form = ItemForm(request.POST, schema=schema, kind=kind)
    if not form.is_valid():
        return _page(request, form, item_id="", kind=kind, status=400)
    data = form.cleaned_data

    def logged(saved: Saved) -> None:
        project.workspace().invalidate()
        detail = change_detail(snap, project.snapshot(), saved.item_id)
        _audit(request, "create", saved.item_id, saved.commit, data["reason"], "", detail)

    try:
        saved = sharing.write(
            lambda: create_item(
                snap.root,
                kind,
                form.values(),
                data["body"],
                author=project.author_of(request.user),
                reason=data["reason"],
            ),
            logged,
        )
    except InvalidEditError as error:
        return _invalid(request, form, error, item_id="", kind=kind)
    return after_write(request, reverse("web:item", args=[saved.item_id]))


@requires(Role.AUTHOR)
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The body as the documents render it, and the findings the would-be file has."""
    snap = project.snapshot()
    schema = snap.project.config.schema
    item_id, kind = request.POST.get("item_id", ""), request.POST.get("kind", "")
    item = snap.item(item_id) if item_id else None
    if kind not in schema.kinds:
        raise ProjectError(f"unknown kind {kind!r}")
    form = ItemForm(request.POST, schema=schema, kind=kind)
    form.is_valid()  # the preview shows what it can, even of a half-filled form
    data = {**{"title": "", "body": "", "base": ""}, **form.cleaned_data}
    values = form.values() if "title" in form.cleaned_data else {}
    if item is not None:
        path = item.source.path
        text = compose_edit(schema, path, data["base"], values, data["body"])
    else:
        new_id = next_id(snap.project, kind)  # the id it would get if saved now
        path = new_path(snap.project, kind, new_id)
        text = compose(None, None, {"id": new_id, "kind": kind, **values}, data["body"])
    would_be = check_would_be(snap.project, path, text.encode("utf-8"))
    context = {"body_html": render_body(data["body"]), "would_be": would_be, "text": text}
    return render(request, "medtrace/preview.html", context)


def _opened_form(root: Path, schema: Schema, path: str, kind: str) -> ItemForm:
    """The form of the file as it is on disk now, with its version and text (the base)."""
    opened = open_item(root, path)
    values, body = opened_values(schema, opened)
    initial = {
        **initial_of(values, schema, kind),
        "body": body,
        "version": opened.version,
        "base": opened.text,
    }
    return ItemForm(initial=initial, schema=schema, kind=kind)


def _invalid(
    request: HttpRequest, form: ItemForm, error: InvalidEditError, *, item_id: str, kind: str
) -> HttpResponse:
    return _page(
        request,
        form,
        item_id=item_id,
        kind=kind,
        status=400,
        problem=str(error),
        findings=error.would_be.findings,
    )


def _conflict(
    request: HttpRequest,
    form: ItemForm,
    conflict: EditConflictError,
    item_id: str,
    kind: str,
    path: str,
) -> HttpResponse:
    schema = project.snapshot().project.config.schema
    merged = merge_edit(schema, path, conflict, form.values(), form.cleaned_data["body"])
    theirs = conflict.theirs or ""
    initial = {
        **initial_of({k: v for k, v in merged.values.items() if v is not None}, schema, kind),
        "body": merged.body,
        "reason": form.cleaned_data["reason"],
        "version": _version(theirs),
        "base": theirs,
    }
    fresh = ItemForm(initial=initial, schema=schema, kind=kind)
    context = {"conflict": conflict, "merged": merged}
    return _page(request, fresh, item_id=item_id, kind=kind, status=409, **context)


def _version(text: str) -> str:
    return version_of(text.encode("utf-8")) if text else ""


def _page(
    request: HttpRequest,
    form: ItemForm,
    *,
    item_id: str,
    kind: str,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    context = {"form": form, "item_id": item_id, "kind": kind, **extra}
    return render(request, TEMPLATE, context, status=status)


def _audit(
    request: HttpRequest,
    action: str,
    item_id: str,
    commit: str,
    reason: str,
    before: str,
    detail: str,
) -> None:
    audit.record(
        actor=request.user.get_username(),
        action=action,
        item=item_id,
        commit=commit,
        reason=reason,
        before=before,
        after=version_of((project.root() / _path_of(item_id)).read_bytes()),
        request_id=getattr(request, "request_id", ""),
        method="session",  # signed in with the password, within the idle time
        detail=detail,
    )


def _path_of(item_id: str) -> str:
    item = project.snapshot().item(item_id)
    return item.source.path if item is not None else ""

"""The REST API under ``/api/`` (django-ninja, OpenAPI at ``/api/openapi.json``).

It calls the same service layer and :mod:`medtrace.api` operations as the pages:
items (search, read, create, update with the version check), findings, trace,
coverage and release readiness. Every route needs a signed-in session (401
otherwise) and the role it declares (403); writes need the CSRF token.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Schema
from ninja.responses import Status
from ninja.security import django_auth

from medtrace.api import reports
from medtrace.api.item_edit import (
    EditConflictError,
    InvalidEditError,
    Saved,
    create_item,
    open_item,
    save_item,
)
from medtrace.api.item_view import findings_by_item, item_view
from medtrace.api.search import SearchQuery, search
from medtrace.api.trace import trace
from medtrace.errors import MedtraceError
from medtrace.model import Finding
from medtrace.web import audit
from medtrace.web.roles import Role, may, requires
from medtrace.web.services import project, sharing

# No interactive docs page: it would load script from elsewhere, which the CSP forbids.
api = NinjaAPI(
    title="medtrace",
    version="1",
    urls_namespace="rest",
    auth=django_auth,
    docs_url=None,
    docs_decorator=requires(Role.VIEWER),
)


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    path: str
    line: int | None
    item: str | None
    clause: str | None


class ItemRowOut(Schema):
    id: str
    kind: str
    title: str
    status: str
    safety_class: str
    path: str
    findings: int


class ItemsOut(Schema):
    total: int
    page: int
    pages: int
    items: list[ItemRowOut]


class LinkOut(Schema):
    role: str
    item_id: str
    exists: bool


class ItemOut(Schema):
    id: str
    kind: str
    title: str
    path: str
    version: str
    text: str
    body_html: str
    fields: dict[str, str]
    links: list[LinkOut]
    linked_from: list[LinkOut]
    findings: list[FindingOut]


class ItemUpdate(Schema):
    text: str
    version: str
    reason: str


class ItemCreate(Schema):
    kind: str
    title: str
    body: str = ""
    fields: dict[str, str] = {}
    links: dict[str, list[str]] = {}
    reason: str


class SavedOut(Schema):
    id: str
    commit: str
    version: str
    findings: list[FindingOut]


class ProblemOut(Schema):
    detail: str
    theirs: str | None = None
    version: str | None = None
    findings: list[FindingOut] = []


class TraceRowOut(Schema):
    source: str
    targets: list[str]


class TraceOut(Schema):
    source_kind: str
    target_kinds: list[str]
    covered: int
    rows: list[TraceRowOut]


class CoverageOut(Schema):
    label: str
    kind: str
    covered: int
    total: int
    uncovered: list[str]


class ReleaseOut(Schema):
    version: str
    revision: str
    passed: bool
    reasons: list[str]


class SearchParams(Schema):
    q: str = ""
    kind: str = ""
    page: int = 1
    per_page: int = 50


DENIED: dict[int, type[Schema]] = {401: ProblemOut, 403: ProblemOut}  # every route may answer


def _need(request: HttpRequest, role: Role) -> None:
    if not may(request.user, role):
        raise PermissionDenied(f"this needs the {role.value} role")


def _finding(f: Finding) -> FindingOut:
    return FindingOut(
        code=f.code,
        severity=f.severity.value,
        message=f.message,
        path=f.location.path,
        line=f.location.line,
        item=f.item,
        clause=f.clause,
    )


@api.exception_handler(MedtraceError)
def _medtrace_error(request: HttpRequest, error: MedtraceError) -> HttpResponse:
    status = 404 if str(error).startswith("no item") else 400
    return api.create_response(request, {"detail": str(error)}, status=status)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "not allowed"}, status=403)


@api.get("/items", response={200: ItemsOut, **DENIED}, tags=["items"])
def list_items(request: HttpRequest, params: Query[SearchParams]) -> ItemsOut:
    """Items matching the full-text query ``q`` (all words), of ``kind`` if given."""
    _need(request, Role.VIEWER)
    query = SearchQuery(
        text=params.q,
        kinds=(params.kind,) if params.kind else (),
        page=max(1, params.page),
        per_page=max(1, min(params.per_page, 200)),
    )
    page = search(project.snapshot(), query)
    rows = [
        ItemRowOut(**{name: getattr(row, name) for name in ItemRowOut.model_fields})
        for row in page.rows
    ]
    return ItemsOut(total=page.total, page=page.page, pages=page.pages, items=rows)


@api.get("/items/{item_id}", response={200: ItemOut, 404: ProblemOut, **DENIED}, tags=["items"])
def get_item(request: HttpRequest, item_id: str) -> ItemOut:
    """One item: its file with the version to update it at, fields, links both ways, findings."""
    _need(request, Role.VIEWER)
    snap = project.snapshot()
    view = item_view(snap, item_id)
    opened = open_item(snap.root, view.item.source.path)
    return ItemOut(
        id=view.item.id,
        kind=view.item.kind,
        title=view.item.title,
        path=opened.path,
        version=opened.version,
        text=opened.text,
        body_html=view.body_html,
        fields={f.name: f.value for f in view.fields},
        links=[LinkOut(role=v.role, item_id=v.item_id, exists=v.exists) for v in view.upstream],
        linked_from=[
            LinkOut(role=v.role, item_id=v.item_id, exists=v.exists) for v in view.downstream
        ],
        findings=[_finding(f) for f in view.findings],
    )


@api.put(
    "/items/{item_id}",
    response={200: SavedOut, 400: ProblemOut, 404: ProblemOut, 409: ProblemOut, **DENIED},
    tags=["items"],
)
def update_item(
    request: HttpRequest, item_id: str, change: ItemUpdate
) -> Status[SavedOut | ProblemOut]:
    """Replace the item's file with ``text`` if it is still at ``version`` (else 409)."""
    _need(request, Role.AUTHOR)
    snap = project.snapshot()
    item = snap.item(item_id)
    if item is None:
        return Status(404, ProblemOut(detail=f"no item {item_id!r} in the project"))

    def logged(saved: Saved) -> None:
        project.workspace().invalidate()
        audit.record(
            actor=request.user.get_username(),
            action="edit",
            item=item_id,
            commit=saved.commit,
            reason=change.reason,
            before=change.version,
            request_id=getattr(request, "request_id", ""),
        )

    try:
        saved = sharing.write(
            lambda: save_item(
                snap.root,
                item.source.path,
                change.text,
                base="",
                base_version=change.version,
                author=project.author_of(request.user),
                reason=change.reason,
            ),
            logged,
        )
    except EditConflictError as conflict:
        project.workspace().invalidate()
        theirs = conflict.theirs
        version = open_item(snap.root, item.source.path).version if theirs is not None else ""
        return Status(409, ProblemOut(detail=str(conflict), theirs=theirs, version=version))
    except InvalidEditError as error:
        return Status(400, _invalid(error))
    return Status(200, _saved(saved))


@api.post("/items", response={201: SavedOut, 400: ProblemOut, **DENIED}, tags=["items"])
def create(request: HttpRequest, new: ItemCreate) -> Status[SavedOut | ProblemOut]:
    """Create an item of ``kind`` with the next free id of its kind."""
    _need(request, Role.AUTHOR)
    values: dict[str, str | tuple[str, ...] | None] = {"title": new.title, **new.fields}
    values.update({role: tuple(ids) for role, ids in new.links.items()})

    def logged(saved: Saved) -> None:
        project.workspace().invalidate()
        audit.record(
            actor=request.user.get_username(),
            action="create",
            item=saved.item_id,
            commit=saved.commit,
            reason=new.reason,
            request_id=getattr(request, "request_id", ""),
        )

    try:
        saved = sharing.write(
            lambda: create_item(
                project.root(),
                new.kind,
                values,
                new.body,
                author=project.author_of(request.user),
                reason=new.reason,
            ),
            logged,
        )
    except InvalidEditError as error:
        return Status(400, _invalid(error))
    return Status(201, _saved(saved))


def _invalid(error: InvalidEditError) -> ProblemOut:
    return ProblemOut(detail=str(error), findings=[_finding(f) for f in error.would_be.findings])


def _saved(saved: Saved) -> SavedOut:
    version = open_item(project.root(), saved.path).version
    findings = [_finding(f) for f in saved.would_be.findings]
    return SavedOut(id=saved.item_id, commit=saved.commit, version=version, findings=findings)


@api.get("/findings", response={200: list[FindingOut], **DENIED}, tags=["checks"])
def findings(request: HttpRequest, item: str = "") -> list[FindingOut]:
    """Every finding of ``check`` (of one item, if given)."""
    _need(request, Role.VIEWER)
    grouped = findings_by_item(project.snapshot())
    chosen = grouped.get(item, ()) if item else [f for found in grouped.values() for f in found]
    return [_finding(f) for f in sorted(chosen, key=Finding.sort_key)]


@api.get("/trace", response={200: TraceOut, 400: ProblemOut, **DENIED}, tags=["checks"])
def trace_matrix(
    request: HttpRequest, source: str = "software-requirement", target: str = "test-case"
) -> TraceOut:
    """The trace matrix from kind ``source`` to kind ``target`` (as ``medtrace trace``)."""
    _need(request, Role.VIEWER)
    snap = project.snapshot()
    report = snap.derived(f"trace:{source}:{target}", lambda s: trace(s.root, source, target))
    matrix = report.matrix
    rows = [
        TraceRowOut(source=r.source.id, targets=[link.target.id for link in r.links])
        for r in matrix.rows
    ]
    return TraceOut(
        source_kind=matrix.source_kind,
        target_kinds=list(matrix.target_kinds),
        covered=matrix.covered,
        rows=rows,
    )


@api.get("/coverage", response={200: list[CoverageOut], **DENIED}, tags=["checks"])
def coverage(request: HttpRequest) -> list[CoverageOut]:
    """Coverage per kind (as ``medtrace coverage``)."""
    _need(request, Role.VIEWER)
    return [
        CoverageOut(
            label=c.label,
            kind=c.kind,
            covered=c.covered,
            total=c.total,
            uncovered=list(c.uncovered),
        )
        for c in reports.coverage(project.snapshot())
    ]


@api.get(
    "/release/{version}", response={200: ReleaseOut, 400: ProblemOut, **DENIED}, tags=["checks"]
)
def release(request: HttpRequest, version: str) -> ReleaseOut:
    """Whether ``HEAD`` may be released as ``version`` (as ``medtrace release check``)."""
    _need(request, Role.VIEWER)
    found = reports.release(project.snapshot(), version)
    return ReleaseOut(
        version=found.version,
        revision=found.revision,
        passed=found.passed,
        reasons=[str(reason) for reason in found.reasons],
    )

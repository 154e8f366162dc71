"""The trace matrix between any two kinds (as ``medtrace trace``), a page of rows at a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medtrace.api.trace import trace
from medtrace.errors import MedtraceError
from medtrace.web.roles import Role, requires
from medtrace.web.services import project

ROWS_PER_PAGE = 100
GRID_COLUMNS = 30  # at most this many targets are drawn as a grid; more as lists


@requires(Role.VIEWER)
@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    snap = project.snapshot()
    kinds = sorted(snap.project.config.schema.kinds)
    source = request.GET.get("from") or "software-requirement"
    target = request.GET.get("to") or "test-case"
    context: dict[str, object] = {"kinds": kinds, "source": source, "target": target}
    try:
        report = snap.derived(f"trace:{source}:{target}", lambda s: trace(s.root, source, target))
    except MedtraceError as error:
        context["problem"] = str(error)
        return render(request, "medtrace/trace.html", context, status=400)
    rows = report.matrix.rows
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    try:
        page = max(1, min(int(request.GET.get("page", "1")), pages))
    except ValueError:
        page = 1
    shown = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    grid = len(report.matrix.targets) <= GRID_COLUMNS
    cells = (
        [
            (
                row,
                [any(link.target.id == t.id for link in row.links) for t in report.matrix.targets],
            )
            for row in shown
        ]
        if grid
        else []
    )
    context.update(
        matrix=report.matrix,
        rows=shown,
        cells=cells,
        grid=grid,
        page=page,
        pages=pages,
        previous=page - 1,
        following=page + 1 if page < pages else 0,
    )
    return render(request, "medtrace/trace.html", context)

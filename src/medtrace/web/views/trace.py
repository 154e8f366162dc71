"""The trace matrix between any two kinds (as ``medtrace trace``), a page of rows at a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medtrace.api.trace import TraceReport, trace
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
    context.update(_page_of(report, request.GET.get("page", "1")))
    return render(request, "medtrace/trace.html", context)


def _page_of(report: TraceReport, asked: str) -> dict[str, object]:
    """One page of the matrix's rows, with the marks of a grid when it has few columns."""
    matrix = report.matrix
    rows = matrix.rows
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = max(1, min(int(asked), pages)) if asked.isdigit() else 1
    shown = rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    grid = len(matrix.targets) <= GRID_COLUMNS
    cells = []
    if grid:
        for row in shown:
            reached = {link.target.id for link in row.links}
            cells.append((row, [target.id in reached for target in matrix.targets]))
    return {
        "matrix": matrix,
        "rows": shown,
        "cells": cells,
        "grid": grid,
        "page": page,
        "pages": pages,
        "previous": page - 1,
        "following": page + 1 if page < pages else 0,
    }

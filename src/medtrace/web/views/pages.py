"""Project-wide pages: the dashboard, SOUP and vulnerabilities, risk, problems and changes."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medtrace.api import evidence_view as evidence
from medtrace.api import reports
from medtrace.web.roles import Role, requires
from medtrace.web.services import project
from medtrace.web.views.common import page_or_partial, vary_on_htmx

_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")
DEFAULT_VERSION = "next"


@requires(Role.VIEWER)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    snap = project.snapshot()
    version = request.GET.get("version", "").strip() or DEFAULT_VERSION
    if not _VERSION.fullmatch(version):
        version = DEFAULT_VERSION
    context = {
        "snap": snap,
        "version": version,
        "release": reports.release(snap, version),
        "matrix": reports.compliance(snap),
        "coverage": reports.coverage(snap),
        "suspects": reports.suspects(snap),
        "stale": evidence.stale_evidence(snap),
        "soup": reports.soup(snap),
        "open_problems": reports.open_problems(snap),
        "trend": reports.trend(snap),
    }
    template = page_or_partial(request, "medtrace/dashboard.html", "release")
    return vary_on_htmx(render(request, template, context))


@requires(Role.VIEWER)
@require_GET
def soup(request: HttpRequest) -> HttpResponse:
    snap = project.snapshot()
    context = {"records": snap.graph.of_kind("soup"), "audit": reports.soup(snap)}
    return render(request, "medtrace/soup.html", context)


@requires(Role.VIEWER)
@require_GET
def risk(request: HttpRequest) -> HttpResponse:
    found = reports.risk(project.snapshot())
    grids = [
        (label, reports.risk_grid(found, after=after))
        for label, after in (("Before risk control", False), ("After risk control", True))
    ]
    context = {"risk": found, "grids": grids, "probability": found.risk.probability}
    return render(request, "medtrace/risk.html", context)


@requires(Role.VIEWER)
@require_GET
def problems(request: HttpRequest) -> HttpResponse:
    snap = project.snapshot()
    context = {
        "reports": reports.problem_reports(snap),
        "requests": reports.change_requests(snap),
        "trend": reports.trend(snap),
    }
    return render(request, "medtrace/problems.html", context)

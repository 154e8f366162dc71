"""The REST API: items read and updated with the version check, and schemathesis against
its OpenAPI description on a real server."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from django.test import Client

from tests.web.conftest import csrf_token
from tests.web.live import Live, live_server
from tests.web.served import PASSWORD


def test_an_item_reads_and_updates_with_the_version_check(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("arno")
    item = client.get("/api/items/SRS-012").json()
    assert item["title"] == "Single delivery path through the limit guard"
    assert {"role": "derived-from", "item_id": "SYS-006", "exists": True} in item["links"]
    token = {"X-CSRFToken": csrf_token(client)}
    change = {
        "text": item["text"].replace("limit guard", "dose guard", 1),
        "version": item["version"],
        "reason": "wording",
    }
    saved = client.put("/api/items/SRS-012", change, content_type="application/json", headers=token)
    assert saved.status_code == 200 and len(saved.json()["commit"]) == 40
    again = client.put("/api/items/SRS-012", change, content_type="application/json", headers=token)
    assert again.status_code == 409  # the version it was read at is gone
    assert "dose guard" in again.json()["theirs"]
    without = client.put("/api/items/SRS-012", change, content_type="application/json")
    assert without.status_code == 403  # no CSRF token


def test_a_viewer_may_read_but_not_write(served: Path, signed_in: Callable[[str], Client]) -> None:
    client = signed_in("vera")
    assert client.get("/api/items?q=limit+guard").json()["total"] >= 1
    token = {"X-CSRFToken": csrf_token(client)}
    change = {"text": "x", "version": "y", "reason": "z"}
    response = client.put(
        "/api/items/SRS-012", change, content_type="application/json", headers=token
    )
    assert response.status_code == 403


def test_findings_trace_coverage_and_release(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("vera")
    trace = client.get("/api/trace?source=software-requirement&target=test-case").json()
    assert trace["covered"] == 67
    assert {c["label"] for c in client.get("/api/coverage").json()} >= {
        "Software requirements verified by test cases"
    }
    release = client.get("/api/release/1.2.0").json()
    assert release["passed"] is False and any("suspect" in r for r in release["reasons"])
    assert client.get("/api/trace?source=nothing&target=test-case").status_code == 400


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("api")) as live:
        yield live


def _session(live: Live) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{live.url}/signin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    signed = session.post(
        f"{live.url}/signin/",
        {"username": "ana", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
    )
    assert signed.status_code == 302
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = f"{live.url}/"
    return session


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(api_server: Live) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    session = _session(api_server)
    spec = session.get(f"{api_server.url}/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.cookies = {}  # the signed-in session's cookie, not a generated one
            response = case.call(base_url=api_server.url, session=session)
            case.validate_response(
                response,
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )

        check()
        checked.append(operation.label)
    assert len(checked) == 8

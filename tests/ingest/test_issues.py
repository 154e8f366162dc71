"""Issue tracker exports: GitHub and GitLab issue lists read into TrackerIssues."""

from __future__ import annotations

import json

import pytest

from medtrace.ingest.issues import INVALID, UNREADABLE, parse_issues
from medtrace.model import Severity


def github(number: int, /, **over: object) -> dict[str, object]:
    issue: dict[str, object] = {
        "number": number,
        "title": f"Issue {number}",
        "body": "Steps:\r\n1. Start a bolus\r\n---\r\nSeen on v1.2.0",
        "state": "open",
        "state_reason": None,
        "labels": [{"name": "bug"}, {"name": "severity: high"}],
        "user": {"login": "lbrandt"},
        "created_at": "2026-01-05T09:30:00Z",
        "closed_at": None,
        "html_url": f"https://github.com/insupump/controller/issues/{number}",
    }
    issue.update(over)
    return issue


def gitlab(iid: int, /, **over: object) -> dict[str, object]:
    issue: dict[str, object] = {
        "id": 9000 + iid,
        "iid": iid,
        "title": f"Issue {iid}",
        "description": None,
        "state": "opened",
        "labels": ["bug", "state::investigating"],
        "author": {"username": "snovak"},
        "created_at": "2026-02-03T10:00:00.000+01:00",
        "closed_at": None,
        "web_url": f"https://gitlab.example.com/pump/firmware/controller/-/issues/{iid}",
    }
    issue.update(over)
    return issue


def dump(value: object) -> bytes:
    return json.dumps(value, indent=2).encode()


def test_a_github_export_gives_its_issues_and_skips_pull_requests() -> None:
    pull = github(
        3, pull_request={"url": "https://api.github.com/repos/insupump/controller/pulls/3"}
    )
    closed = github(2, state="closed", state_reason="completed", closed_at="2026-01-09T12:00:00Z")
    issues, findings = parse_issues(dump([github(1), pull, closed]), "issues.json")
    assert findings == ()
    assert issues is not None
    assert [(i.key, i.state, i.state_reason) for i in issues] == [
        ("github:insupump/controller#1", "open", ""),
        ("github:insupump/controller#2", "closed", "completed"),
    ]
    first = issues[0]
    assert first.labels == ("bug", "severity: high")
    assert first.author == "lbrandt"
    assert first.body.startswith("Steps:\r\n1. Start")  # as written
    assert first.created == "2026-01-05T09:30:00Z"
    assert (first.location.path, first.location.line) == ("issues.json", 2)
    assert issues[1].closed == "2026-01-09T12:00:00Z"


def test_a_gitlab_export_is_recognised_by_its_shape() -> None:
    closed = gitlab(8, state="closed", closed_at="2026-02-10T08:00:00Z", description="Fixed.")
    issues, findings = parse_issues(dump([gitlab(7), closed]), "gl.json")
    assert findings == ()
    assert issues is not None
    assert [(i.key, i.state, i.body) for i in issues] == [
        ("gitlab:pump/firmware/controller#7", "open", ""),
        ("gitlab:pump/firmware/controller#8", "closed", "Fixed."),
    ]
    assert issues[0].labels == ("bug", "state::investigating")
    assert issues[0].author == "snovak"


def test_paginated_output_of_several_arrays_is_one_export_and_repeats_count_once() -> None:
    data = dump([github(5), github(4)]) + b"\n" + dump([github(4), github(3)]) + b"\n[]\n"
    issues, findings = parse_issues(data, "pages.json")
    assert findings == ()
    assert issues is not None
    assert [i.number for i in issues] == [5, 4, 3]


def test_an_empty_list_has_no_issues_and_no_findings() -> None:
    assert parse_issues(b"[]\n", "none.json") == ((), ())


def test_a_deleted_author_and_a_missing_label_list_are_read() -> None:
    issue = github(1, user=None)
    del issue["labels"]
    issues, _ = parse_issues(dump([issue]), "x.json")
    assert issues is not None
    assert (issues[0].author, issues[0].labels) == ("", ())


@pytest.mark.parametrize(
    ("data", "code", "line", "reason"),
    [
        (b"", UNREADABLE, 1, "the file is empty"),
        (b'[\n  {"number": 1,\n  "title": }\n]', UNREADABLE, 3, "not valid JSON"),
        (b"[\n {}\n,\n]", UNREADABLE, 4, "not valid JSON"),
        (b"[1, 2", UNREADABLE, 1, "not valid JSON"),
        (b"\xff\xfe[]", UNREADABLE, 1, "not UTF-8"),
        (b'{"message": "Bad credentials"}', INVALID, 1, "expected a JSON array of issues"),
        (b'[\n  "text"\n]', INVALID, 2, "expected an issue object"),
        (b'[\n  {"id": 1}\n]', INVALID, 2, "neither a GitHub issue"),
    ],
)
def test_a_malformed_export_is_one_error_with_its_line(
    data: bytes, code: str, line: int, reason: str
) -> None:
    issues, findings = parse_issues(data, "bad.json")
    assert issues is None
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.code, finding.severity, finding.location.line) == (code, Severity.ERROR, line)
    assert reason in finding.message
    assert "\n" not in finding.message


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"state": "merged"}, "'state' must be open or closed, found 'merged'"),
        ({"number": "12"}, "'number' must be a positive whole number"),
        ({"title": None}, "'title' must be text, found null"),
        ({"created_at": "yesterday"}, "'created_at' must be an ISO 8601 time"),
        ({"labels": [{"color": "red"}]}, "a label must be a name"),
        ({"user": "lbrandt"}, "'user' must be an object with 'login'"),
        ({"html_url": "https://github.com/insupump"}, "cannot tell the project"),
    ],
)
def test_an_issue_missing_what_an_import_needs_rejects_the_export(
    over: dict[str, object], reason: str
) -> None:
    data = dump([github(1), github(2, **over)])
    issues, findings = parse_issues(data, "bad.json")
    assert issues is None
    assert [f.code for f in findings] == [INVALID]
    assert reason in findings[0].message
    starts = [n for n, line in enumerate(data.decode().splitlines(), 1) if line == "  {"]
    assert findings[0].location.line == starts[1]  # where the second issue starts


def test_mixed_trackers_and_the_wrong_tracker_are_rejected() -> None:
    mixed, findings = parse_issues(dump([github(1), gitlab(2)]), "mixed.json")
    assert mixed is None
    assert "a GitLab issue in an export of GitHub issues" in findings[0].message
    wrong, findings = parse_issues(dump([github(1)]), "gh.json", tracker="gitlab")
    assert wrong is None
    assert "a GitHub issue in an export of GitLab issues" in findings[0].message

"""Issue 19: malformed input that crashed a parser is a finding (file and line) instead."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from medtrace.ingest.components import parse_components
from medtrace.ingest.issues import parse_issues
from medtrace.ingest.osv import parse_advisory
from medtrace.interchange.doorstop.read import parse_doorstop
from medtrace.interchange.needs.read import parse_needs
from medtrace.interchange.reqif.read import parse_reqif
from medtrace.model import Severity


def _record(event_value: object) -> bytes:
    return json.dumps(
        {
            "id": "X-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "click"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": event_value}]}],
                }
            ],
        }
    ).encode()


@pytest.mark.parametrize("value", [{"a": 1}, ["1.0"], 3, None, True])
def test_an_osv_event_value_that_is_no_string_is_a_finding(value: object) -> None:
    advisory, findings = parse_advisory(_record(value), "osv/X-1.json")
    assert advisory is None
    assert [f.code for f in findings] == ["osv/unreadable"]
    assert "events[0]" in findings[0].message


POETRY = (
    '[[package]]\nname = "{name}"\nversion = "1.0"\n\n[[package]]\nname = "ok"\nversion = "2"\n'
)
PIPFILE = (
    '{{"_meta": {{}}, "default": {{"{name}": {{"version": "==1.0"}}, "ok": {{"version": "==2"}}}}}}'
)


@pytest.mark.parametrize("name", ["/", "", " ", "a/b", "../x"])
@pytest.mark.parametrize(("file", "template"), [("poetry.lock", POETRY), ("Pipfile.lock", PIPFILE)])
def test_a_lockfile_package_without_a_valid_name_is_a_finding(
    file: str, template: str, name: str
) -> None:
    found, findings = parse_components(template.format(name=name).encode(), file)
    assert found is not None
    assert [c.name for c in found.components] == ["ok"]
    invalid = [f for f in findings if f.code == "components/invalid"]
    assert len(invalid) == 1 and invalid[0].location.line is not None, findings
    assert invalid[0].severity is Severity.ERROR


def test_a_package_lock_key_that_only_looks_like_node_modules_is_skipped() -> None:
    document = {
        "name": "x",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "x"},
            "xnode_modules/x": {"version": "1.0.0"},
            "node_modules/left-pad": {"version": "1.3.0"},
        },
    }
    found, findings = parse_components(json.dumps(document, indent=2).encode(), "package-lock.json")
    assert found is not None
    assert [c.name for c in found.components] == ["left-pad"]
    assert not [f for f in findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("current", [["1.0"], {"v": 1}, 1.0, None])
def test_a_needs_json_whose_current_version_is_no_string_is_a_finding(current: object) -> None:
    document = {
        "current_version": current,
        "project": "p",
        "versions": {"1.0": {"needs": {"R_1": {"id": "R_1", "type": "req", "title": "A"}}}},
    }
    needs, findings = parse_needs(json.dumps(document, indent=1).encode(), "needs.json")
    assert needs == ()
    assert [(f.code, f.location.line) for f in findings] == [("migrate/invalid", 2)]
    assert "current_version" in findings[0].message


def test_a_doorstop_item_with_an_impossible_date_is_a_finding() -> None:
    files = {
        ".doorstop.yml": b"settings:\n  prefix: REQ\n  sep: ''\n  digits: 3\n",
        "REQ001.yml": b"active: true\ntext: hello\nreviewed: 2024-02-30\nlinks: []\n",
        "REQ002.yml": b"active: true\ntext: fine\nlinks: []\n",
    }
    tree, findings = parse_doorstop(files)
    assert [item.uid for item in tree.items] == ["REQ002"]
    assert [(f.code, f.location.path, f.location.line) for f in findings] == [
        ("migrate/unreadable", "REQ001.yml", 3)
    ]


@pytest.mark.parametrize("url", ["http://[::1", "https://exa mple.com/x", "not a url", 7])
def test_an_issue_whose_html_url_is_not_a_url_is_a_finding(url: object) -> None:
    issue = {
        "url": "https://api.github.com/repos/o/r/issues/1",
        "html_url": url,
        "number": 1,
        "title": "T",
        "user": {"login": "a"},
        "labels": [],
        "state": "open",
        "created_at": "2025-01-01T00:00:00Z",
        "closed_at": None,
        "body": "",
    }
    issues, findings = parse_issues(json.dumps([issue], indent=1).encode(), "issues.json")
    assert issues is None
    assert [f.code for f in findings] == ["problems/export-invalid"]
    assert findings[0].location.line is not None
    assert "html_url" in findings[0].message


def _reqifz(member: bytes, *, corrupt: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.reqif", member)
    data = bytearray(buffer.getvalue())
    if corrupt:  # flip bytes in the middle of the compressed stream
        start = 30 + len("doc.reqif")
        for offset in range(start + 5, start + 25):
            data[offset] ^= 0xFF
    return bytes(data)


def test_a_reqifz_with_a_corrupt_stream_is_a_finding() -> None:
    member = b"<REQ-IF>" + b"<x/>" * 5000 + b"</REQ-IF>"
    document, findings = parse_reqif(_reqifz(member, corrupt=True), "export.reqifz")
    assert document is None
    assert [f.code for f in findings] == ["reqif/unreadable"]


def test_a_reqifz_that_unpacks_to_far_more_than_it_holds_is_refused() -> None:
    bomb = b"<REQ-IF>" + b" " * (64 * 1024 * 1024) + b"</REQ-IF>"  # 64 MiB of spaces
    data = _reqifz(bomb)
    assert len(data) < 200_000
    document, findings = parse_reqif(data, "bomb.reqifz")
    assert document is None
    assert [f.code for f in findings] == ["reqif/unreadable"]
    assert "ratio" in findings[0].message or "too large" in findings[0].message


def _hostile_zips() -> dict[str, bytes]:
    """Archives zipfile answers with other exceptions than BadZipFile."""
    record = b'{"id": "X", "modified": "2024-01-01T00:00:00Z"}'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), record)  # a member without a name
    unnamed = buffer.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("X.json", record)
    data = bytearray(buffer.getvalue())
    central = data.rindex(b"PK\x01\x02")
    data[central + 6 : central + 8] = (64).to_bytes(2, "little")  # needs zip version 6.4
    return {"unnamed": unnamed, "version 6.4": bytes(data)}


@pytest.mark.parametrize("kind", ["unnamed", "version 6.4"])
def test_a_hostile_zip_is_refused_as_an_osv_archive_and_a_reqifz(kind: str, tmp_path: Path) -> None:
    from medtrace.errors import MedtraceError
    from medtrace.store.advisories import read_advisories

    data = _hostile_zips()[kind]
    archive = tmp_path / "all.zip"
    archive.write_bytes(data)
    try:
        _, findings = read_advisories(archive, parse=parse_advisory)
    except MedtraceError as error:
        assert "\n" not in str(error)
    else:
        assert all(f.code.startswith("osv/") for f in findings), findings
    document, findings = parse_reqif(data, "x.reqifz")
    assert document is None and [f.code for f in findings] == ["reqif/unreadable"]


def test_a_lockfile_finding_is_one_line_whatever_the_names_it_quotes() -> None:
    document = {"_meta": {}, "default": {"ok": {"version": "==1"}}, "\n": {"": {}}}
    _, findings = parse_components(json.dumps(document).encode(), "Pipfile.lock")
    assert findings and all("\n" not in f.message for f in findings), findings

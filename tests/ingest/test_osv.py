"""The OSV record parser: every real record in ../shared, what is not OSV, and each field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import shared_path

from medtrace.ingest.osv import parse_advisory
from medtrace.model.advisories import DETAILS_LIMIT, Advisory, Affected, Event, Range
from medtrace.model.finding import Finding, Severity


def records() -> dict[str, Path]:
    root = shared_path("realworld", "osv", "osv-schema")
    paths = sorted(root.rglob("*.json"))
    return {p.relative_to(root).as_posix(): p for p in paths if p.name != "schema.json"}


def parse(data: bytes | str, path: str = "osv/X.json") -> Advisory:
    advisory, findings = parse_advisory(data.encode() if isinstance(data, str) else data, path)
    assert advisory is not None and findings == (), findings
    return advisory


def problem(data: bytes | str) -> Finding:
    raw = data.encode() if isinstance(data, str) else data
    advisory, findings = parse_advisory(raw, "osv/bad.json")
    assert advisory is None
    (finding,) = findings
    assert finding.code == "osv/unreadable" and finding.severity is Severity.ERROR
    assert finding.location.path == "osv/bad.json" and "\n" not in finding.message
    return finding


def minimal(**fields: object) -> str:
    return json.dumps({"id": "OSV-1", "modified": "2024-01-01T00:00:00Z", **fields})


def test_every_real_record_parses_as_json_says() -> None:
    found = records()
    assert len(found) == 18
    for name, path in found.items():
        data = json.loads(path.read_bytes())
        advisory = parse(path.read_bytes(), name)
        assert (advisory.id, advisory.modified, advisory.path) == (
            data["id"],
            data["modified"],
            name,
        )
        assert advisory.withdrawn == data.get("withdrawn", "")
        assert advisory.aliases == tuple(data.get("aliases") or ())
        assert len(advisory.affected) == len(data.get("affected") or ())
        for entry, raw in zip(advisory.affected, data.get("affected") or (), strict=True):
            package = raw.get("package", {})
            assert (entry.ecosystem, entry.name) == (
                package.get("ecosystem", ""),
                package.get("name", ""),
            )
            assert entry.versions == tuple(raw.get("versions", ()))
            events = [[{e.kind: e.value} for e in rng.events] for rng in entry.ranges]
            assert events == [rng["events"] for rng in raw.get("ranges", ())]
        assert len(advisory.details) <= DETAILS_LIMIT + 1


def test_the_real_pysec_record_field_by_field() -> None:
    advisory = parse(records()["PYSEC-2023-74.json"].read_bytes(), "PYSEC-2023-74.json")
    assert advisory.published == "2023-05-26T18:15:00Z"
    assert advisory.aliases == ("CVE-2023-32681", "GHSA-j8r2-6x86-q33q")
    assert advisory.details.startswith("Requests is a HTTP library.")
    assert advisory.details.endswith("…") and len(advisory.details) == DETAILS_LIMIT + 1
    (entry,) = advisory.affected
    assert (entry.ecosystem, entry.name, entry.purl) == ("PyPI", "requests", "pkg:pypi/requests")
    assert entry.ranges == (
        Range(
            type="GIT",
            repo="https://github.com/psf/requests",
            events=(
                Event(kind="introduced", value="0"),
                Event(kind="fixed", value="74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"),
            ),
        ),
        Range(
            type="ECOSYSTEM",
            events=(Event(kind="introduced", value="2.3.0"), Event(kind="fixed", value="2.31.0")),
        ),
    )
    assert len(entry.versions) == 66 and entry.versions[0] == "2.10.0"
    assert advisory.references[0].startswith("https://")


def test_severity_references_and_a_package_less_entry() -> None:
    path = records()["CVE-2023-41045.json"]
    advisory = parse(path.read_bytes())
    assert advisory.severity == (("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N"),)
    (entry,) = advisory.affected
    assert (entry.ecosystem, entry.name, entry.purl, entry.versions) == ("", "", "", ())
    assert entry.ranges[0].repo == "https://github.com/graylog2/graylog2-server"


def test_the_json_schema_itself_is_not_a_record() -> None:
    schema = shared_path("realworld", "osv", "osv-schema", "schema.json").read_bytes()
    assert problem(schema).message == "not an OSV record: it has no id"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ('{\n  "id": "X",\n  "modified": \n}', 4),
        ('{"id": "X"', 1),
        ("", 1),
        ("\n\n   nope", 3),
    ],
)
def test_not_json_gives_the_line(data: str, line: int) -> None:
    finding = problem(data)
    assert finding.message.startswith("not JSON: ") and finding.location.line == line


def test_bytes_that_are_not_utf8() -> None:
    finding = problem(b'{"id": "\xff\xfe"}')
    assert finding.message.startswith("not JSON") and finding.location.line is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[]", "not an OSV record: the JSON is not an object"),
        ('"text"', "not an OSV record: the JSON is not an object"),
        ('{"modified": "m"}', "not an OSV record: it has no id"),
        ('{"id": "", "modified": "m"}', "not an OSV record: it has no id"),
        ('{"id": 7, "modified": "m"}', "not an OSV record: it has no id"),
        ('{"id": "X"}', "not an OSV record: it has no modified timestamp"),
        (minimal(affected={}), "not an OSV record: affected is not a list"),
        (minimal(affected=[{}, "x"]), "not an OSV record: affected[1] is not an object"),
        (
            minimal(affected=[{"package": {"name": "a"}}]),
            "not an OSV record: affected[0].package is not an object with an ecosystem and a name",
        ),
        (
            minimal(affected=[{"package": "requests"}]),
            "not an OSV record: affected[0].package is not an object with an ecosystem and a name",
        ),
        (
            minimal(affected=[{"versions": ["1.0", 2]}]),
            "not an OSV record: affected[0].versions is not a list of strings",
        ),
        (minimal(affected=[{"ranges": {}}]), "not an OSV record: affected[0].ranges is not a list"),
        (
            minimal(affected=[{"ranges": [{"events": []}]}]),
            "not an OSV record: affected[0].ranges[0].type is not a string",
        ),
        (
            minimal(affected=[{"ranges": [{"type": "SEMVER"}]}]),
            "not an OSV record: affected[0].ranges[0].events is not a list",
        ),
        (
            minimal(
                affected=[
                    {},
                    {"ranges": [{"type": "GIT", "events": [{"introduced": "0", "fixed": "1"}]}]},
                ]
            ),
            "not an OSV record: affected[1].ranges[0].events[0] is not one introduced, fixed, "
            "last_affected or limit string",
        ),
        (
            minimal(affected=[{"ranges": [{"type": "GIT", "events": [{"introduced": 0}]}]}]),
            "not an OSV record: affected[0].ranges[0].events[0] is not one introduced, fixed, "
            "last_affected or limit string",
        ),
        (
            minimal(affected=[{"ranges": [{"type": "GIT", "events": [{"removed": "1"}]}]}]),
            "not an OSV record: affected[0].ranges[0].events[0] is not one introduced, fixed, "
            "last_affected or limit string",
        ),
    ],
)
def test_json_that_is_not_an_osv_record(data: str, message: str) -> None:
    finding = problem(data)
    assert finding.message == message and finding.location.line is None


def test_a_minimal_record_and_null_lists() -> None:
    advisory = parse(minimal(aliases=None, affected=None, references=None, severity=None))
    assert advisory == Advisory(id="OSV-1", modified="2024-01-01T00:00:00Z", path="osv/X.json")
    assert not advisory.is_withdrawn


def test_descriptive_fields_of_the_wrong_type_are_left_out() -> None:
    advisory = parse(
        minimal(
            summary=3,
            aliases=["A-1", 2],
            severity=[{"type": "CVSS_V3", "score": "S"}, "x"],
            references=[{"type": "WEB", "url": "https://e.org"}, {"type": "WEB"}, 5],
        )
    )
    assert (advisory.summary, advisory.aliases) == ("", ("A-1",))
    assert advisory.severity == (("CVSS_V3", "S"),)
    assert advisory.references == ("https://e.org",)


def test_every_event_kind_and_a_withdrawn_record() -> None:
    events = [{"introduced": "1.0"}, {"last_affected": "1.5"}, {"limit": "2.0"}, {"fixed": "3"}]
    advisory = parse(
        minimal(
            withdrawn="2024-02-02T00:00:00Z",
            affected=[
                {
                    "package": {"ecosystem": "npm", "name": "left-pad", "purl": "pkg:npm/left-pad"},
                    "ranges": [{"type": "SEMVER", "events": events}],
                    "ecosystem_specific": {"anything": [1, 2]},
                }
            ],
        )
    )
    assert advisory.is_withdrawn
    assert advisory.affected == (
        Affected(
            ecosystem="npm",
            name="left-pad",
            purl="pkg:npm/left-pad",
            ranges=(
                Range(
                    type="SEMVER",
                    events=(
                        Event(kind="introduced", value="1.0"),
                        Event(kind="last_affected", value="1.5"),
                        Event(kind="limit", value="2.0"),
                        Event(kind="fixed", value="3"),
                    ),
                ),
            ),
        ),
    )


def test_long_details_are_cut() -> None:
    advisory = parse(minimal(details="word " * 1000, summary="One line."))
    assert advisory.summary == "One line."
    assert advisory.details == ("word " * 1000)[:DETAILS_LIMIT] + "…"
    assert parse(minimal(details="short")).details == "short"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
osv_keys = st.sampled_from(
    ["id", "modified", "affected", "package", "ranges", "events", "versions", "type", "introduced"]
)
records_ish = st.dictionaries(osv_keys | st.text(max_size=5), json_values, max_size=6)


@given(records_ish)
def test_no_json_value_makes_the_parser_raise(value: dict[str, object]) -> None:
    advisory, findings = parse_advisory(json.dumps(value).encode(), "r.json")
    assert (advisory is None) == bool(findings)
    assert all(f.code == "osv/unreadable" and "\n" not in f.message for f in findings)


@given(st.binary(max_size=64))
def test_no_bytes_make_the_parser_raise(data: bytes) -> None:
    advisory, findings = parse_advisory(data, "r.json")
    assert (advisory is None) == bool(findings)

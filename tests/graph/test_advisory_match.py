"""OSV range matching: the real records of ../shared at, inside and just outside each bound,
and hand-made records for what they do not show (last_affected, limit, bad versions)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version
from tests.conftest import shared_path

from medtrace.graph.advisory_match import AdvisoryIndex, Match, ecosystem_key, semver_key
from medtrace.ingest.osv import parse_advisory
from medtrace.model.advisories import Advisory, Affected, Event, EventKind, Range


def record(name: str) -> Path:
    return shared_path("realworld", "osv", "osv-schema", name)


def advisory(name: str) -> Advisory:
    path = record(name)
    parsed, findings = parse_advisory(path.read_bytes(), path.name)
    assert parsed is not None and not findings
    return parsed


def events_in(name: str) -> list[list[dict[str, str]]]:
    """The events of every range of every affected entry, read with json.load."""
    with record(name).open("rb") as stream:
        data: dict[str, Any] = json.load(stream)
    return [rng["events"] for entry in data["affected"] for rng in entry.get("ranges", [])]


def affected(index: AdvisoryIndex, ecosystem: str, name: str, version: str) -> set[str]:
    return {match.advisory.id for match in index.matches(ecosystem, name, version)}


def made(
    *ranges: Range, ecosystem: str = "PyPI", name: str = "pkg", versions: tuple[str, ...] = ()
) -> Advisory:
    entry = Affected(ecosystem=ecosystem, name=name, ranges=ranges, versions=versions)
    return Advisory(id="TEST-1", modified="2024-01-01T00:00:00Z", affected=(entry,), path="t.json")


def timeline(kind: str, *events: tuple[EventKind, str]) -> Range:
    return Range(type=kind, events=tuple(Event(kind=k, value=v) for k, v in events))


def check(index: AdvisoryIndex, ecosystem: str, name: str, expected: dict[str, bool]) -> None:
    got = {version: bool(index.matches(ecosystem, name, version)) for version in expected}
    assert got == expected


# --- the real records ---------------------------------------------------------------


def test_maven_full_ranges_both_packages() -> None:
    assert events_in("ghsa/full_ranges.osv.json") == [
        [{"introduced": "2.5.0"}, {"fixed": "2.5.16"}],
        [{"introduced": "2.5.0"}, {"fixed": "2.5.16"}],
    ]
    index = AdvisoryIndex([advisory("ghsa/full_ranges.osv.json")])
    for name in ("com.typesafe.akka:akka-actor_2.12", "com.typesafe.akka:akka-actor_2.11"):
        check(
            index,
            "Maven",
            name,
            {"2.4.20": False, "2.5.0": True, "2.5.9": True, "2.5.15": True, "2.5.16": False},
        )
        check(index, "Maven", name, {"2.5.16.1": False, "2.5.0-RC1": False, "2.6.0": False})
    assert not index.matches("Maven", "com.typesafe.akka:akka-actor_2.13", "2.5.1")
    (match,) = index.matches("Maven", "com.typesafe.akka:akka-actor_2.12", "2.5.3")
    assert match.reason == "2.5.3 in [2.5.0, 2.5.16)"
    assert match.affected.name == "com.typesafe.akka:akka-actor_2.12"


def test_maven_three_unsorted_pairs_in_one_range() -> None:
    assert events_in("ghsa/maven_greater_than.osv.json") == [
        [
            {"introduced": "12.10.0"},
            {"fixed": "12.10.2"},
            {"introduced": "12.0"},
            {"fixed": "12.6.7"},
            {"introduced": "11.6.1"},
            {"fixed": "11.10.13"},
        ]
    ]
    index = AdvisoryIndex([advisory("ghsa/maven_greater_than.osv.json")])
    expected = {
        "11.6.0": False,
        "11.6.1": True,
        "11.10.12": True,
        "11.10.13": False,
        "11.99": False,
        "12.0-rc-1": False,
        "12.0": True,
        "12.0.0": True,
        "12.6.6": True,
        "12.6.7": False,
        "12.9": False,
        "12.10.0": True,
        "12.10.1": True,
        "12.10.2": False,
        "13.0": False,
    }
    check(index, "Maven", "org.xwiki.commons:xwiki-commons-core", expected)
    (match,) = index.matches("Maven", "org.xwiki.commons:xwiki-commons-core", "12.1")
    assert match.reason == "12.1 in [12.0, 12.6.7)"


def test_npm_semver_range_from_a_prerelease() -> None:
    assert events_in("ghsa/npm_greater_than.osv.json") == [
        [{"introduced": "2.1.1-0"}, {"fixed": "3.0.0"}]
    ]
    index = AdvisoryIndex([advisory("ghsa/npm_greater_than.osv.json")])
    expected = {
        "2.1.0": False,
        "2.1.1-0": True,
        "2.1.1-beta": True,  # alphanumeric identifiers sort after numeric ones
        "2.1.1": True,
        "2.2.4": True,
        "3.0.0-rc.1": True,  # a prerelease of 3.0.0 comes before it
        "3.0.0": False,
        "3.0.1": False,
        "not-a-version": False,
    }
    check(index, "npm", "jquery", expected)
    assert not index.matches("npm", "JQuery", "2.2.4")  # npm names are not normalised


def test_pypi_name_normalised_and_introduced_zero() -> None:
    assert events_in("ghsa/pypi_normalize.osv.json") == [[{"introduced": "0"}, {"fixed": "2.6.1"}]]
    index = AdvisoryIndex([advisory("ghsa/pypi_normalize.osv.json")])
    expected = {
        "0.0.0.dev0": True,  # "0" is before every version, even a development release of 0
        "1.0": True,
        "2.6.0": True,
        "2.6.1rc1": True,
        "2.6.1": False,
        "2.6.1.post1": False,
        "3.0": False,
    }
    check(index, "PyPI", "Products.PluggableAuthService", expected)
    check(index, "PyPI", "products_pluggableauthservice", {"2.6.0": True})
    (match,) = index.matches("PyPI", "products-pluggableauthservice", "2.6.0")
    assert match.reason == "2.6.0 in [0, 2.6.1)"


def test_a_withdrawn_advisory_never_matches() -> None:
    assert events_in("ghsa/withdrawn.osv.json") == [
        [
            {"introduced": "3.2.0"},
            {"fixed": "3.2.22"},
            {"introduced": "4.2.0"},
            {"fixed": "4.2.2"},
            {"introduced": "4.0.0"},
            {"fixed": "4.1.11"},
        ]
    ]
    withdrawn = advisory("ghsa/withdrawn.osv.json")
    assert withdrawn.withdrawn == "2018-10-11T17:29:49Z" and withdrawn.is_withdrawn
    inside = ("3.2.0", "3.2.21", "4.0.0", "4.1.10", "4.2.0", "4.2.1")
    index = AdvisoryIndex([withdrawn])
    assert all(not index.matches("RubyGems", "activesupport", v) for v in inside)
    # the same record, not withdrawn, matches: its ranges are not why it does not
    live = AdvisoryIndex([dataclasses.replace(withdrawn, withdrawn="")])
    expected = dict.fromkeys(inside, True)
    expected |= {"3.1.9": False, "3.2.22": False, "4.1.11": False, "4.2.2": False}
    check(live, "RubyGems", "activesupport", expected)


def test_go_module_with_or_without_v() -> None:
    assert events_in("GO-2020-0001.json") == [[{"introduced": "0"}, {"fixed": "1.6.0"}]]
    index = AdvisoryIndex([advisory("GO-2020-0001.json")])
    expected = {
        "v0.0.1": True,
        "v0.0.0-20190101000000-abcdefabcdef": True,  # a pseudo-version
        "v1.5.9": True,
        "1.5.9": True,
        "v1.6.0-rc1": True,
        "v1.6.0": False,
        "v1.6.1": False,
        "v1.7.0+incompatible": False,
    }
    check(index, "Go", "github.com/gin-gonic/gin", expected)
    (match,) = index.matches("Go", "github.com/gin-gonic/gin", "v1.5.9")
    assert match.reason == "v1.5.9 in [0, 1.6.0)"


def test_go_stdlib_two_pairs() -> None:
    assert events_in("GO-2024-2963.json") == [
        [{"introduced": "0"}, {"fixed": "1.21.12"}, {"introduced": "1.22.0-0"}, {"fixed": "1.22.5"}]
    ]
    index = AdvisoryIndex([advisory("GO-2024-2963.json")])
    expected = {
        "1.20.0": True,
        "1.21.11": True,
        "1.21.12": False,
        "1.21.13": False,
        "1.22.0-0": True,
        "1.22.0-rc.1": True,
        "1.22.0": True,
        "1.22.4": True,
        "1.22.5": False,
        "1.23.0": False,
    }
    check(index, "Go", "stdlib", expected)


def test_pypi_versions_list_ecosystem_range_and_git_range() -> None:
    assert events_in("PYSEC-2023-74.json") == [
        [{"introduced": "0"}, {"fixed": "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5"}],
        [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}],
    ]
    index = AdvisoryIndex([advisory("PYSEC-2023-74.json")])
    expected = {"2.2.1": False, "2.3.0": True, "2.30.0": True, "2.30.1": True, "2.31.0": False}
    check(index, "PyPI", "requests", expected)
    check(index, "PyPI", "Requests", {"2.3": True, "2.31.0.post1": False, "3.0.0": False})
    reasons = {
        v: index.matches("PyPI", "requests", v)[0].reason for v in ("2.30.0", "2.3", "2.30.1")
    }
    assert reasons == {
        "2.30.0": "listed in versions",
        "2.3": "listed in versions as 2.3.0",
        "2.30.1": "2.30.1 in [2.3.0, 2.31.0)",  # not listed, but in the ECOSYSTEM range
    }
    # the GIT range ([0, 74ea7cf...)) never matches a version number
    assert not index.matches("PyPI", "requests", "1.0.0")
    assert index.problems == ()


def test_versions_lists_only() -> None:
    index = AdvisoryIndex([advisory("GHSA-9v2f-6vcg-3hgv.json"), advisory("MAL-2024-10238.json")])
    check(index, "PyPI", "Gradio", {"4.36.1": True, "4.36.-1": True, "4.36.0": False})
    check(index, "PyPI", "gradio", {"4.36.2": False, "4.37": False})
    check(index, "PyPI", "123bla", {"0.0.1": True, "0.0.1.0": True, "0.0.2": False})
    assert index.matches("PyPI", "123bla", "0.0.1.0")[0].reason == "listed in versions as 0.0.1"


def test_alpine_and_red_hat_match_on_the_full_ecosystem() -> None:
    assert (
        events_in("CVE-2018-5407.json")[:6] == [[{"introduced": "0"}, {"fixed": "1.0.2q-r0"}]] * 6
    )
    index = AdvisoryIndex([advisory("CVE-2018-5407.json"), advisory("redhat/RHSA-2024_4546.json")])
    expected = {"1.0.1e-r0": True, "1.0.2p-r0": True, "1.0.2q-r0": False, "1.1.0-r0": False}
    check(index, "Alpine:v3.8", "openssl", expected)
    check(index, "Alpine:v3.3", "openssl", {"1.0.2p-r0": True})
    assert not index.matches("Alpine", "openssl", "1.0.2p-r0")  # no release: no match
    assert not index.matches("Alpine:v3.9", "openssl", "1.0.2p-r0")  # not in the record
    stream = "Red Hat:rhel_aus:8.6::appstream"
    expected = {
        "2.13.1-1.el8": True,
        "2.13.3-3.el8_6": True,
        "0:2.13.3-3.el8_6": True,
        "2.13.3-3.el8_6.1": False,
        "0:2.13.3-3.el8_6.1": False,
        "2.13.3-4.el8": False,
    }
    check(index, stream, "git-lfs", expected)
    check(index, "Red Hat:rhel_e4s:8.6::appstream", "git-lfs-debuginfo", {"2.13.3-3.el8_6": True})
    assert not index.matches("Red Hat", "git-lfs", "2.13.3-3.el8_6")
    assert index.problems == ()


def test_git_only_records_match_their_versions_list_only() -> None:
    cve = advisory("CVE-2023-41045.json")
    assert events_in("CVE-2023-41045.json") == [
        [
            {"introduced": "0"},
            {"fixed": "466af814523cffae9fbc7e77bab7472988f03c3e"},
            {"fixed": "a101f4f12180fd3dfa7d3345188a099877a3c327"},
        ]
    ]
    (entry,) = cve.affected
    assert (entry.ecosystem, entry.name, entry.versions) == ("", "", ())  # no package: no match
    index = AdvisoryIndex([cve])
    assert not index.matches("", "", "0")
    assert index.problems == ()
    # CVE-2018-5407's GIT entry (nodejs) has no package and no versions either
    assert not AdvisoryIndex([advisory("CVE-2018-5407.json")]).matches("", "", "1.0.0")
    # the same GIT range with a package and a versions list: only the list matches
    with_package = dataclasses.replace(
        entry, ecosystem="Maven", name="org.graylog2:graylog2-server"
    )
    listed = dataclasses.replace(with_package, versions=("5.0.0", "5.1.2"))
    index = AdvisoryIndex([dataclasses.replace(cve, affected=(listed,))])
    name = "org.graylog2:graylog2-server"
    check(index, "Maven", name, {"5.0.0": True, "5.1.2": True, "5.1.1": False, "0": False})


def test_records_without_affected_entries_match_nothing() -> None:
    suse, rhsa = advisory("SUSE-FU-2022_0444-1.json"), advisory("RHSA-2022_0216.json")
    assert suse.affected == () and rhsa.affected == ()
    index = AdvisoryIndex([suse, rhsa])
    assert not index.matches("SUSE", "venv-salt-minion", "1.0") and index.problems == ()


# --- the linter's questionable records --------------------------------------------------


def test_nointroduced_matches_nothing_and_is_a_problem() -> None:
    assert events_in("nointroduced-CVE-2023-41045.json") == [
        [
            {"fixed": "466af814523cffae9fbc7e77bab7472988f03c3e"},
            {"fixed": "a101f4f12180fd3dfa7d3345188a099877a3c327"},
        ]
    ]
    index = AdvisoryIndex([advisory("nointroduced-CVE-2023-41045.json")])
    (problem,) = index.problems
    assert problem.code == "osv/range-invalid"
    assert problem.location.path == "nointroduced-CVE-2023-41045.json"
    assert "CVE-2023-41045" in problem.message and "no introduced" in problem.message
    # the same defect in a range that could match a version: it matches nothing
    ranged = made(timeline("ECOSYSTEM", ("fixed", "2.0")))
    index = AdvisoryIndex([ranged])
    check(index, "PyPI", "pkg", {"0.1": False, "1.9": False, "2.0": False, "3.0": False})
    assert len(index.problems) == 1


def test_nondistinct_git_range_is_a_problem_and_matches_no_version() -> None:
    assert events_in("nondistinct-CVE-2018-5407.json")[7] == [
        {"introduced": "e818b74be2170fbe957a07b0da4401c2b694b3b8"},
        {"fixed": "e818b74be2170fbe957a07b0da4401c2b694b3b8"},
        {"introduced": "7ea5bd2b52d0e81eaef3d109b3b12545306f201c"},
    ]
    index = AdvisoryIndex([advisory("nondistinct-CVE-2018-5407.json")])
    (problem,) = index.problems
    assert "'e818b74be2170fbe957a07b0da4401c2b694b3b8' is both introduced and fixed" in (
        problem.message
    )
    assert not index.matches("", "", "e818b74be2170fbe957a07b0da4401c2b694b3b8")
    check(index, "Alpine:v3.8", "openssl", {"1.0.2p-r0": True, "1.0.2q-r0": False})


def test_a_version_both_introduced_and_fixed_counts_as_affected() -> None:
    index = AdvisoryIndex([made(timeline("ECOSYSTEM", ("introduced", "1.0"), ("fixed", "1.0")))])
    check(index, "PyPI", "pkg", {"0.9": False, "1.0": True, "5.0": True})
    assert "is both introduced and fixed" in index.problems[0].message


def test_nopackage_record_names_a_package_pypi_does_not_have() -> None:
    # The linter's "nopackage" case is a record whose package does not exist on PyPI
    # ("Gradi0"). That cannot be known offline; the record is well-formed and matches
    # that name only.
    index = AdvisoryIndex([advisory("nopackage-GHSA-9v2f-6vcg-3hgv.json")])
    check(index, "PyPI", "Gradi0", {"4.36.1": True, "4.36.0": False})
    assert not index.matches("PyPI", "gradio", "4.36.1")
    assert index.problems == ()


# --- what the real records do not show --------------------------------------------------


def test_last_affected_is_included_and_the_next_version_is_not() -> None:
    rng = timeline("SEMVER", ("introduced", "1.0.0"), ("last_affected", "1.4.2"))
    index = AdvisoryIndex([made(rng, ecosystem="npm")])
    expected = {"0.9.9": False, "1.0.0": True, "1.4.2-rc.1": True, "1.4.2": True, "1.4.3": False}
    check(index, "npm", "pkg", expected)
    assert index.matches("npm", "pkg", "1.4.2")[0].reason == "1.4.2 in [1.0.0, 1.4.2]"


def test_introduced_and_last_affected_on_one_version_is_that_version() -> None:
    rng = timeline("ECOSYSTEM", ("introduced", "2.0"), ("last_affected", "2.0"))
    index = AdvisoryIndex([made(rng)])
    check(index, "PyPI", "pkg", {"1.9": False, "2.0": True, "2.0.0": True, "2.0.1": False})
    assert index.problems == ()


def test_limit_caps_a_range() -> None:
    capped = timeline("ECOSYSTEM", ("introduced", "0"), ("limit", "2.0"))
    index = AdvisoryIndex([made(capped)])
    check(index, "PyPI", "pkg", {"0.1": True, "1.9.9": True, "2.0rc1": True, "2.0": False})
    star = timeline("ECOSYSTEM", ("introduced", "1.0"), ("limit", "*"))
    check(AdvisoryIndex([made(star)]), "PyPI", "pkg", {"0.9": False, "1.0": True, "99": True})
    two = timeline("SEMVER", ("introduced", "1.0.0"), ("limit", "1.5.0"), ("limit", "3.0.0"))
    index = AdvisoryIndex([made(two, ecosystem="crates.io")])
    check(index, "crates.io", "pkg", {"0.1.0": False, "2.9.9": True, "3.0.0": False})


def test_an_open_range_and_adjacent_ranges_in_any_order() -> None:
    rng = timeline("ECOSYSTEM", ("introduced", "3.0"))
    index = AdvisoryIndex([made(rng)])
    check(index, "PyPI", "pkg", {"2.9": False, "3.0": True, "100.0": True})
    assert index.matches("PyPI", "pkg", "3.1")[0].reason == "3.1 in [3.0, *)"
    adjacent = timeline(
        "ECOSYSTEM",
        ("introduced", "2.0"),
        ("fixed", "3.0"),
        ("introduced", "1.0"),
        ("fixed", "2.0"),
    )
    index = AdvisoryIndex([made(adjacent)])
    check(index, "PyPI", "pkg", {"0.9": False, "1.0": True, "2.0": True, "2.5": True, "3.0": False})
    assert index.matches("PyPI", "pkg", "1.5")[0].reason == "1.5 in [1.0, 2.0)"
    assert index.matches("PyPI", "pkg", "2.0")[0].reason == "2.0 in [2.0, 3.0)"


def test_several_ranges_and_several_affected_entries() -> None:
    first = Affected(
        ecosystem="PyPI",
        name="pkg",
        ranges=(
            timeline("ECOSYSTEM", ("introduced", "1.0"), ("fixed", "1.1")),
            timeline("SEMVER", ("introduced", "2.0.0"), ("fixed", "2.1.0")),
        ),
    )
    second = Affected(ecosystem="PyPI", name="Pkg", versions=("1.0", "3.0"))
    both = Advisory(id="TEST-2", modified="m", affected=(first, second), path="two.json")
    other = dataclasses.replace(made(), id="TEST-0", affected=(second,))
    index = AdvisoryIndex([both, other])
    check(index, "PyPI", "pkg", {"1.0.5": True, "2.0.0": True, "2.1.0": False, "3.0": True})
    assert [(m.advisory.id, m.affected is first) for m in index.matches("PyPI", "pkg", "1.0")] == [
        ("TEST-0", False),
        ("TEST-2", True),  # both entries of TEST-2 match 1.0: one Match each
        ("TEST-2", False),
    ]


def test_a_version_the_ecosystem_cannot_read_is_a_problem_not_a_match() -> None:
    rng = timeline("ECOSYSTEM", ("introduced", "1.0"), ("fixed", "2.0"))
    index = AdvisoryIndex([made(rng, versions=("not a version",))])
    assert not index.problems
    assert not index.matches("PyPI", "pkg", "1.5 beta")
    (problem,) = index.problems
    assert problem.code == "osv/range-invalid" and problem.location.path == "t.json"
    assert "'1.5 beta'" in problem.message and "PyPI" in problem.message
    assert index.matches("PyPI", "pkg", "not a version")  # the versions list still matches
    assert index.matches("PyPI", "pkg", "1.5")


def test_a_range_version_the_ecosystem_cannot_read_skips_that_range_only() -> None:
    bad = timeline("ECOSYSTEM", ("introduced", "0"), ("fixed", "one point two"))
    good = timeline("ECOSYSTEM", ("introduced", "3.0"), ("fixed", "3.1"))
    index = AdvisoryIndex([made(bad, good)])
    check(index, "PyPI", "pkg", {"1.0": False, "3.0": True})
    (problem,) = index.problems
    assert "fixed 'one point two' is not a PyPI version" in problem.message


def test_unknown_range_types_and_ecosystems_are_problems() -> None:
    weird = timeline("DATE", ("introduced", "2020-01-01"))
    unordered = Affected(
        ecosystem="Linux",
        name="Kernel",
        ranges=(timeline("ECOSYSTEM", ("introduced", "0"), ("fixed", "6.1")),),
        versions=("5.10",),
    )
    index = AdvisoryIndex([made(weird), Advisory(id="T-3", modified="m", affected=(unordered,))])
    assert [p.message for p in index.problems] == [
        "T-3: range 1 of Linux Kernel: no version ordering is known for 'Linux'; skipped",
        "TEST-1: range 1 of PyPI pkg: unknown range type 'DATE'; skipped",
    ]
    assert not index.matches("PyPI", "pkg", "2021")
    check(index, "Linux", "Kernel", {"5.10": True, "5.11": False})


def test_ecosystem_suffixes() -> None:
    google = Affected(
        ecosystem="Maven:https://maven.google.com",
        name="androidx.core:core",
        ranges=(timeline("ECOSYSTEM", ("introduced", "1.0.0"), ("fixed", "1.2.0")),),
    )
    debian = Affected(
        ecosystem="Debian:11",
        name="openssl",
        ranges=(timeline("ECOSYSTEM", ("introduced", "0"), ("fixed", "1.1.1n-0+deb11u1")),),
    )
    index = AdvisoryIndex([Advisory(id="T", modified="m", affected=(google, debian))])
    check(index, "Maven", "androidx.core:core", {"1.1.0": True, "1.2.0": False})
    check(index, "Debian:11", "openssl", {"1.1.1k-1": True, "1.1.1n-0+deb11u1": False})
    assert not index.matches("Debian", "openssl", "1.1.1k-1")
    assert not index.matches("Debian:12", "openssl", "1.1.1k-1")
    assert ecosystem_key("PyPI") == "PyPI" and ecosystem_key("Go:x") == "Go"
    assert ecosystem_key("Ubuntu:22.04:LTS") == "Ubuntu:22.04:LTS"


def test_matches_are_values() -> None:
    index = AdvisoryIndex([made(versions=("1.0",))])
    (match,) = index.matches("PyPI", "pkg", "1.0")
    assert isinstance(match, Match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.reason = "x"  # type: ignore[misc]
    assert index.matches("PyPI", "pkg", "1.0") == (match,)


def test_semver_precedence() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "v1.0.1",
        "1.10.0",
    ]
    keys = [semver_key(v) for v in ordered]
    assert keys == sorted(keys, key=lambda k: k or ()) and None not in keys
    assert semver_key("1.0.0+build.5") == semver_key("1.0.0")
    assert semver_key("1.2") == semver_key("1.2.0")
    assert semver_key("1.2.3.4") is None and semver_key("4.36.-1") is None
    assert semver_key("") is None and semver_key("1.0.0-") is None


@given(
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.integers(0, 5), st.integers(0, 5)),
)
def test_pypi_ranges_agree_with_packaging(
    low: tuple[int, int], high: tuple[int, int], probe: tuple[int, int]
) -> None:
    start, end, version = (".".join(map(str, parts)) for parts in (low, high, probe))
    index = AdvisoryIndex([made(timeline("ECOSYSTEM", ("introduced", start), ("fixed", end)))])
    # A fixed at or below the introduced version (the same version: a contradiction,
    # reported) comes first on the timeline, so it closes nothing: affected from start on.
    low_v, high_v, probe_v = Version(start), Version(end), Version(version)
    expected = low_v <= probe_v and (probe_v < high_v or high_v <= low_v)
    assert bool(index.matches("PyPI", "pkg", version)) == expected

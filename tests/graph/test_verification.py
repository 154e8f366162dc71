"""Verification status: results found by test-id or property, manual records, latest wins."""

from __future__ import annotations

from medtrace.graph import TraceGraph
from medtrace.graph.verification import Status, normal_test_id, verification_status
from medtrace.model import Item, Link, SourceLocation, builtin_schema
from medtrace.model.results import Outcome, ReportFile, ResultRun, TestResult, Totals


def item(item_id: str, kind: str, links: dict[str, list[str]] | None = None, **fields: str) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=item_id,
        source=SourceLocation(path=f"{item_id}.md", line=2),
        fields=tuple(sorted((k.replace("_", "-"), v) for k, v in fields.items())),
        links=tuple(Link(role=r, target=t) for r, ts in (links or {}).items() for t in ts),
    )


def run(when: str, *results: tuple[str, Outcome, tuple[str, ...]]) -> ResultRun:
    tests = tuple(
        TestResult(
            suite="s", classname="", name=tid, test_id=tid, outcome=outcome, requirements=reqs
        )
        for tid, outcome, reqs in results
    )
    return ResultRun(
        revision="v1",
        commit=None,
        imported=when,
        environment="ci",
        reports=(ReportFile(path="r.xml", sha256="0", format="junit", totals=Totals()),),
        results=tests,
    )


GRAPH = TraceGraph(
    [
        item("SRS-1", "software-requirement"),
        item("SRS-2", "software-requirement"),
        item("SRS-3", "software-requirement"),
        item("SRS-4", "software-requirement"),
        item(
            "TC-1",
            "test-case",
            {"verifies": ["SRS-1"]},
            method="automated",
            test_id="tests/unit/test_a.py::test_one",
        ),
        item("TC-2", "test-case", {"verifies": ["SRS-2"]}, method="manual"),
        item(
            "TR-1",
            "test-record",
            {"executes": ["TC-2"]},
            date="2026-01-01",
            outcome="failed",
            revision="v1",
        ),
        item(
            "TR-2",
            "test-record",
            {"executes": ["TC-2"]},
            date="2026-02-01",
            outcome="passed",
            revision="v1",
        ),
        item("TC-3", "test-case", {"verifies": ["SRS-3"]}, method="automated", test_id="t::never"),
    ],
    builtin_schema(),
)


def test_test_ids_of_pytest_and_junit_read_the_same() -> None:
    assert normal_test_id("tests/unit/test_a.py::test_one") == "tests.unit.test_a::test_one"
    assert normal_test_id("tests.unit.test_a::test_one") == "tests.unit.test_a::test_one"


def test_statuses_follow_the_latest_results() -> None:
    runs = [
        run("2026-03-01T00:00:00+00:00", ("tests.unit.test_a::test_one", Outcome.FAILED, ())),
        run(
            "2026-03-02T00:00:00+00:00",
            ("tests.unit.test_a::test_one", Outcome.PASSED, ()),
            ("extra::test_property", Outcome.ERROR, ("SRS-4",)),
        ),
    ]
    got = {e.requirement.id: e.status for e in verification_status(GRAPH, runs)}
    assert got == {
        "SRS-1": Status.VERIFIED,  # the later run passed
        "SRS-2": Status.VERIFIED,  # the later manual record passed
        "SRS-3": Status.NOT_RUN,  # no result for its test
        "SRS-4": Status.FAILED,  # named by a result's property, which errored
    }


def test_a_revision_keeps_only_its_own_results() -> None:
    runs = [run("2026-03-01T00:00:00+00:00", ("tests.unit.test_a::test_one", Outcome.PASSED, ()))]
    got = {e.requirement.id: e.status for e in verification_status(GRAPH, runs, revision="v2")}
    assert got["SRS-1"] is Status.NOT_RUN
    assert got["SRS-4"] is Status.NOT_COVERED


def test_a_test_name_carrying_a_requirement_id_verifies_it() -> None:
    graph = TraceGraph(
        [
            item("SRS-012", "software-requirement"),
            item("SRS-12A", "software-requirement"),
            item("SRS-3", "software-requirement"),
        ],
        builtin_schema(),
    )
    runs = [
        run(
            "2026-03-01T00:00:00+00:00",
            ("tests.test_bolus::test_srs_012_limit", Outcome.PASSED, ()),
            ("tests.test_bolus::test_SRS12_again", Outcome.FAILED, ()),
            ("tests.test_x::test_srs_30_only", Outcome.PASSED, ()),
            ("tests.test_x::test_xsrs3", Outcome.PASSED, ()),
        )
    ]
    got = {e.requirement.id: e for e in verification_status(graph, runs)}
    # "srs_012" and "SRS12" both read as SRS-012; the second failed.
    assert [e.test for e in got["SRS-012"].evidence] == [
        "tests.test_bolus::test_srs_012_limit",
        "tests.test_bolus::test_SRS12_again",
    ]
    assert got["SRS-012"].status is Status.FAILED
    # 30 is not 3, and "xsrs3" is a different prefix: no evidence for SRS-3.
    assert got["SRS-3"].status is Status.NOT_COVERED
    assert got["SRS-12A"].status is Status.NOT_COVERED  # not an id a name can carry


def test_a_unit_is_verified_through_its_detailed_design() -> None:
    graph = TraceGraph(
        [
            item("SWU-1", "software-unit"),
            item("DD-1", "detailed-design", {"design-of": ["SWU-1"]}),
            item("TC-9", "test-case", {"verifies": ["DD-1"]}, method="automated", test_id="t::d"),
        ],
        builtin_schema(),
    )
    runs = [run("2026-03-01T00:00:00+00:00", ("t::d", Outcome.FAILED, ()))]
    (entry,) = verification_status(graph, runs, kinds=("software-unit",))
    assert [e.test for e in entry.evidence] == ["TC-9"]
    assert entry.status is Status.FAILED


def test_a_result_that_names_its_requirement_and_has_a_test_case_counts_once() -> None:
    runs = [
        run(
            "2026-03-01T00:00:00+00:00",
            ("tests.unit.test_a::test_one", Outcome.PASSED, ("SRS-1",)),
        )
    ]
    got = {e.requirement.id: e for e in verification_status(GRAPH, runs)}
    assert [e.test for e in got["SRS-1"].evidence] == ["TC-1"]


JEST = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1">
  <testsuite name="__tests__/alarm.test.js" tests="2" failures="1">
    <testcase classname="Pump" name="stops on occlusion" time="0.01">
      <failure>Error: expected stop</failure>
    </testcase>
    <testcase classname="Pump" name="beeps" time="0.01"/>
  </testsuite>
  <testsuite name="__tests__/bolus.test.js" tests="1" failures="0">
    <testcase classname="Pump" name="stops on occlusion" time="0.01"/>
  </testsuite>
</testsuites>
"""


def test_jest_results_without_a_file_attribute_tie_by_suite_and_name() -> None:
    from medtrace.ingest.junit import parse_results

    parsed, findings = parse_results(JEST.encode(), "jest.xml")
    assert parsed is not None and not findings
    report = ReportFile(path="jest.xml", sha256="0", format="junit", totals=parsed.totals)
    jest_run = ResultRun(
        revision="v1",
        commit=None,
        imported="2026-01-02T00:00:00+00:00",
        environment="ci",
        reports=(report,),
        results=parsed.results,
    )

    def case(case_id: str, target: str, test_id: str) -> Item:
        return item(
            case_id, "test-case", {"verifies": [target]}, method="automated", test_id=test_id
        )

    graph = TraceGraph(
        [
            item("SRS-1", "software-requirement"),
            item("SRS-2", "software-requirement"),
            item("SRS-3", "software-requirement"),
            item("SRS-4", "software-requirement"),
            case("TC-1", "SRS-1", "__tests__/alarm.test.js::Pump::stops on occlusion"),
            case("TC-2", "SRS-2", "__tests__/bolus.test.js::Pump::stops on occlusion"),
            case("TC-3", "SRS-3", "Pump::beeps"),  # unique in the run: the short id ties
            case("TC-4", "SRS-4", "Pump::stops on occlusion"),  # in two files: ambiguous
        ],
        builtin_schema(),
    )
    statuses = {
        s.requirement.id: s.status
        for s in verification_status(graph, [jest_run], ("software-requirement",))
    }
    assert statuses == {
        "SRS-1": Status.FAILED,
        "SRS-2": Status.VERIFIED,
        "SRS-3": Status.VERIFIED,
        "SRS-4": Status.NOT_RUN,  # never the result of whichever file came last
    }

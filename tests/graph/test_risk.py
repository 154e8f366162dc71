"""The risk management file: levels read on the scales, the matrix, before and after
control, the verification chain of each control, unknown levels and introduced hazards."""

from __future__ import annotations

import pytest

from medtrace.graph import TraceGraph
from medtrace.graph.risk import (
    ChainStatus,
    Level,
    Residual,
    RiskFile,
    RiskLevel,
    read_level,
    risk_file,
    risk_level,
)
from medtrace.graph.verification import ResultIndex
from medtrace.model import Item, Link, SourceLocation, builtin_schema
from medtrace.model.config import PROBABILITY_LEVELS, SEVERITY_LEVELS, RiskConfig
from medtrace.model.results import Outcome, ReportFile, ResultRun, TestResult, Totals

RISK = RiskConfig()


def item(item_id: str, kind: str, links: dict[str, list[str]] | None = None, **fields: str) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=item_id,
        source=SourceLocation(path=f"{item_id}.md", line=2),
        fields=tuple(sorted((k.replace("_", "-"), v) for k, v in fields.items())),
        links=tuple(Link(role=r, target=t) for r, ts in (links or {}).items() for t in ts),
    )


def run(*results: tuple[str, Outcome]) -> ResultRun:
    return ResultRun(
        revision="v1",
        commit=None,
        imported="2026-03-01T10:00:00+00:00",
        environment="ci",
        reports=(ReportFile(path="r.xml", sha256="0", format="junit", totals=Totals()),),
        results=tuple(
            TestResult(suite="s", classname="", name=tid, test_id=tid, outcome=outcome)
            for tid, outcome in results
        ),
    )


def tc(item_id: str, target: str) -> Item:
    return item(item_id, "test-case", {"verifies": [target]}, method="automated", test_id=item_id)


def situation(item_id: str, harms: list[str], **fields: str) -> Item:
    return item(
        item_id, "hazardous-situation", {"arises-from": ["HAZ-1"], "may-cause": harms}, **fields
    )


def control(item_id: str, mitigates: list[str], **fields: str) -> Item:
    return item(item_id, "risk-control", {"mitigates": mitigates}, **fields)


def requirement(item_id: str, control_id: str) -> Item:
    return item(item_id, "software-requirement", {"implements-risk-control": [control_id]})


def build(items: list[Item], *results: tuple[str, Outcome]) -> RiskFile:
    graph = TraceGraph([item("HAZ-1", "hazard"), *items], builtin_schema())
    index = ResultIndex.build([run(*results)] if results else [])
    return risk_file(graph, RISK, index)


@pytest.mark.parametrize(
    ("value", "rank"),
    [
        ("P3 occasional", 2),
        ("p3", 2),
        ("P3: once a year", 2),
        ("P5 frequent", 4),
        ("frequent", 4),
        ("  P1 improbable ", 0),
    ],
)
def test_a_probability_matches_by_its_first_word_text_or_name(value: str, rank: int) -> None:
    level = read_level(value, PROBABILITY_LEVELS)
    assert (level.rank, level.level) == (rank, PROBABILITY_LEVELS[rank])


@pytest.mark.parametrize("value", [None, "", "likely", "P6 always", "P", 3, True, ("P1", "P2")])
def test_a_value_off_the_scale_is_an_unknown_level_not_an_error(value: object) -> None:
    level = read_level(value, PROBABILITY_LEVELS)
    assert not level.known and level.level is None and level.short == "unknown"
    assert level.label.startswith("unknown")


def test_a_severity_with_a_description_reads_as_its_level() -> None:
    level = read_level("S4 critical: requires hospital treatment", SEVERITY_LEVELS)
    assert (level.rank, level.short) == (3, "S4")
    assert read_level("critical", SEVERITY_LEVELS).rank == 3
    assert read_level("s4 CRITICAL", SEVERITY_LEVELS).rank == 3


def test_the_matrix_gives_the_letter_of_a_severity_and_probability() -> None:
    def at(severity: str, probability: str) -> RiskLevel:
        return risk_level(
            RISK, read_level(severity, SEVERITY_LEVELS), read_level(probability, PROBABILITY_LEVELS)
        )

    assert at("S1", "P1") is RiskLevel.ACCEPTABLE
    assert at("S5", "P1") is RiskLevel.REDUCE
    assert at("S4", "P3") is RiskLevel.UNACCEPTABLE
    assert at("S1", "P5") is RiskLevel.REDUCE
    assert at("S9", "P1") is RiskLevel.UNKNOWN
    assert at("S1", "") is RiskLevel.UNKNOWN


def test_a_configured_scale_and_matrix_are_used() -> None:
    risk = RiskConfig(
        severity=("Minor", "Major"), probability=("Rare", "Often"), acceptability=("AR", "RU")
    )
    low = read_level("minor", risk.severity)
    often = read_level("Often", risk.probability)
    assert risk_level(risk, low, often) is RiskLevel.REDUCE
    assert risk_level(risk, read_level("major", risk.severity), often) is RiskLevel.UNACCEPTABLE
    assert not read_level("S1", risk.severity).known


def test_risk_before_and_after_control_from_the_worst_harm_and_the_residual_values() -> None:
    found = build(
        [
            item("HARM-1", "harm", severity="S2 minor"),
            item("HARM-2", "harm", severity="S4 critical"),
            situation("HS-1", ["HARM-1", "HARM-2"], probability="P3", residual_probability="P1"),
            situation("HS-2", ["HARM-1"], probability="P3"),
            situation(
                "HS-3",
                ["HARM-2"],
                probability="P2",
                residual_severity="S2",
                residual_probability="",
            ),
        ]
    )
    first, second, third = found.situations
    assert (first.severity.short, first.before, first.after) == (
        "S4",
        RiskLevel.UNACCEPTABLE,
        RiskLevel.ACCEPTABLE,
    )
    # No residual-probability: the probability before control stands.
    assert second.residual_probability == second.probability
    assert (second.before, second.after) == (RiskLevel.ACCEPTABLE, RiskLevel.ACCEPTABLE)
    # An empty residual-probability is written but off the scale.
    assert third.residual_severity.short == "S2" and third.after is RiskLevel.UNKNOWN
    assert ("residual-probability", third.residual_probability) in third.unknown_levels


def test_a_harm_off_the_scale_makes_the_risk_unknown_and_open() -> None:
    found = build(
        [
            item("HARM-1", "harm", severity="S2 minor"),
            item("HARM-2", "harm", severity="very bad"),
            situation("HS-1", ["HARM-1", "HARM-2"], probability="P1"),
            situation("HS-2", [], probability="sometimes"),
        ]
    )
    first, second = found.situations
    assert first.severity == Level(value="very bad") and first.before is RiskLevel.UNKNOWN
    assert first.open == ("risk level unknown: severity unknown ('very bad' is not on the scale)",)
    assert second.severity.value == "" and second.after is RiskLevel.UNKNOWN
    assert [name for name, _ in second.unknown_levels] == ["severity", "probability"]
    assert found.matrix(after=False).unknown == 2


def chains_graph() -> list[Item]:
    return [
        item("HARM-1", "harm", severity="S5"),
        situation("HS-1", ["HARM-1"], probability="P3", residual_probability="P1"),
        control("RC-1", ["HS-1"]),
        requirement("SRS-1", "RC-1"),
        tc("TC-1", "SRS-1"),
        control("RC-2", ["HS-2"]),
        requirement("SRS-2", "RC-2"),
        tc("TC-2", "SRS-2"),
        control("RC-3", ["HS-3"]),
        requirement("SRS-3", "RC-3"),
        tc("TC-3", "SRS-3"),
        control("RC-4", ["HS-3"]),
        control("RC-5", ["HS-1"], implemented_in="hardware"),
        control("RC-6", ["HS-1"], implemented_in="software"),
        tc("TC-6", "RC-6"),
        control("RC-7", ["HS-4"]),
        requirement("SRS-7", "RC-7"),
        tc("TC-7", "RC-7"),
        situation("HS-2", ["HARM-1"], probability="P3", residual_probability="P1"),
        situation("HS-3", ["HARM-1"], probability="P3", residual_probability="P1"),
        situation("HS-4", ["HARM-1"], probability="P1"),
        situation("HS-5", ["HARM-1"], probability="P2"),
        situation("HS-6", ["HARM-1"], probability="P1"),
    ]


def test_each_control_chain_has_a_status_from_its_requirements_and_direct_tests() -> None:
    found = build(
        chains_graph(),
        ("TC-1", Outcome.PASSED),
        ("TC-2", Outcome.FAILED),
        ("TC-6", Outcome.PASSED),
        ("TC-7", Outcome.PASSED),
    )
    status = {chain.control.id: chain.status for chain in found.controls}
    assert status == {
        "RC-1": ChainStatus.VERIFIED,
        "RC-2": ChainStatus.FAILED,
        "RC-3": ChainStatus.NOT_RUN,
        "RC-4": ChainStatus.NOT_VERIFIED,  # no test at all
        "RC-5": ChainStatus.OUTSIDE,
        "RC-6": ChainStatus.VERIFIED,  # tested directly
        "RC-7": ChainStatus.NOT_VERIFIED,  # SRS-7 implements it and has no test
    }
    rc1 = found.controls[0]
    assert [(link.requirement.id, [e.test for e in link.evidence]) for link in rc1.links] == [
        ("SRS-1", ["TC-1"])
    ]
    assert found.controls[4].verified and not found.controls[4].in_software


def test_residual_risk_is_verified_only_when_every_software_control_is() -> None:
    found = build(chains_graph(), ("TC-1", Outcome.PASSED), ("TC-2", Outcome.FAILED))
    by_id = {entry.situation.id: entry for entry in found.situations}
    # RC-1 verified, RC-5 outside software, RC-6 not run.
    assert [c.control.id for c in by_id["HS-1"].controls] == ["RC-1", "RC-5", "RC-6"]
    assert by_id["HS-1"].residual is Residual.UNVERIFIED
    assert by_id["HS-1"].open == ("RC-6 not run",)
    assert by_id["HS-2"].open == ("RC-2 failed",)
    assert by_id["HS-3"].open == ("RC-3 not run", "RC-4 not verified")
    # No control: open when the initial risk is not acceptable (S5 P2 is U; S5 P1 is R).
    assert by_id["HS-5"].open == (
        "residual risk is unacceptable (U)",
        "initial risk U but no risk control",
    )
    assert by_id["HS-6"].open == ("initial risk R but no risk control",)
    assert [entry.situation.id for entry in found.open] == [
        "HS-1",
        "HS-2",
        "HS-3",
        "HS-4",
        "HS-5",
        "HS-6",
    ]
    passing = build(
        [*chains_graph()[:5], control("RC-5", ["HS-1"], implemented_in="labelling")],
        ("TC-1", Outcome.PASSED),
    )
    assert passing.situations[0].residual is Residual.VERIFIED and not passing.open


def test_an_acceptable_risk_without_control_is_closed_and_unacceptable_residual_is_open() -> None:
    found = build(
        [
            item("HARM-1", "harm", severity="S1"),
            item("HARM-2", "harm", severity="S5"),
            situation("HS-1", ["HARM-1"], probability="P2"),
            situation("HS-2", ["HARM-2"], probability="P4", residual_probability="P3"),
            control("RC-1", ["HS-2"], implemented_in="procedure"),
        ]
    )
    first, second = found.situations
    assert first.residual is Residual.VERIFIED and first.open == ()
    assert second.after is RiskLevel.UNACCEPTABLE
    assert second.open == ("residual risk is unacceptable (U)",)


def test_hazards_and_situations_introduced_by_controls_are_listed() -> None:
    found = build(
        [
            item("HARM-1", "harm", severity="S2"),
            item("HAZ-2", "hazard"),
            situation("HS-1", ["HARM-1"], probability="P1"),
            item(
                "HS-2",
                "hazardous-situation",
                {"arises-from": ["HAZ-2"], "may-cause": ["HARM-1"]},
                probability="P2",
            ),
            item("HS-3", "hazardous-situation", {"may-cause": ["HARM-1"]}, probability="P1"),
            item("RC-1", "risk-control", {"mitigates": ["HS-1"], "introduces": ["HAZ-2", "HS-3"]}),
        ]
    )
    assert [(i.control.id, i.item.id, i.situations) for i in found.introduced] == [
        ("RC-1", "HAZ-2", ("HS-2",)),
        ("RC-1", "HS-3", ("HS-3",)),
    ]
    assert [entry.introduced_by for entry in found.situations] == [(), ("RC-1",), ("RC-1",)]
    assert [h.id for h in found.controls[0].introduces] == ["HAZ-2", "HS-3"]


def test_the_matrix_counts_situations_per_cell_before_and_after() -> None:
    found = build(
        [
            item("HARM-1", "harm", severity="S4"),
            situation("HS-1", ["HARM-1"], probability="P3", residual_probability="P1"),
            situation("HS-2", ["HARM-1"], probability="P3", residual_probability="P2"),
            situation("HS-3", ["HARM-1"], probability="P9"),
        ]
    )
    before, after = found.matrix(after=False), found.matrix(after=True)
    assert before.counts[3] == (0, 0, 2, 0, 0) and before.unknown == 1
    assert after.counts[3] == (1, 1, 0, 0, 0) and after.unknown == 1
    assert sum(map(sum, before.counts)) == 2
    assert before.letters == RISK.acceptability

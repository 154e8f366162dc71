"""FDA documentation level (Content of Premarket Submissions for Device Software
Functions, 2023): the decision and the software documents each level implies.

Paraphrased; check the current guidance before a submission.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from medtrace.graph import TraceGraph
from medtrace.model import Item


class Level(enum.Enum):
    BASIC = "basic"
    ENHANCED = "enhanced"


def decide_level(probable_serious_harm: bool, enhanced_device_type: bool) -> Level:
    """Enhanced when a software failure could, before risk controls, present a probable
    risk of death or serious injury, or the device is of a type FDA says warrants it."""
    return Level.ENHANCED if probable_serious_harm or enhanced_device_type else Level.BASIC


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmissionDocument:
    name: str
    basic: str
    enhanced: str

    def content(self, level: Level) -> str:
        return self.enhanced if level is Level.ENHANCED else self.basic


_SAME = "as for Basic"

DOCUMENTS = (
    SubmissionDocument(
        name="Documentation level evaluation",
        basic="The level and the reasons for it.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="Software description",
        basic="Features, functions, inputs and outputs, and the operating environment.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="System and software architecture diagram",
        basic="Modules, layers, interfaces, data flows and their relation to the hardware.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="Risk management file",
        basic="Risk management plan, risk assessment showing risks controlled, and report.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="Software requirements specification",
        basic="The software requirements, traceable.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="Software design specification",
        basic="Not submitted; kept available on request.",
        enhanced="Submitted.",
    ),
    SubmissionDocument(
        name="Development, configuration management and maintenance practices",
        basic="IEC 62304 declaration of conformity, or a summary of the life-cycle, "
        "configuration management and maintenance activities.",
        enhanced="IEC 62304 declaration of conformity, or the Basic summary plus the complete "
        "configuration management and maintenance plans.",
    ),
    SubmissionDocument(
        name="Software testing as part of verification and validation",
        basic="Summary of unit, integration and system testing; system test protocol with "
        "expected and actual results, pass/fail, and report.",
        enhanced="Basic plus unit and integration test protocols (expected and actual "
        "results, pass/fail) and reports.",
    ),
    SubmissionDocument(
        name="Software version history",
        basic="Versions tested with dates, changes since the previous version, and how the "
        "tested and released versions differ.",
        enhanced=_SAME,
    ),
    SubmissionDocument(
        name="Unresolved software anomalies",
        basic="Each remaining anomaly: description, root cause, impact on safety and "
        "effectiveness, mitigation or workaround, and correction plan.",
        enhanced=_SAME,
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelDecision:
    record: Item | None
    recorded: Level | None
    decided: Level | None  # from the record's answers, when it gives them
    problems: tuple[str, ...]

    @property
    def level(self) -> Level:
        """The level to plan for: the recorded one, else Enhanced (the cautious default)."""
        return self.recorded or self.decided or Level.ENHANCED


def documentation_level(graph: TraceGraph) -> LevelDecision:
    """The project's documentation level decision and what is wrong with it."""
    records = graph.of_kind("documentation-level")
    if not records:
        return LevelDecision(
            record=None,
            recorded=None,
            decided=None,
            problems=("no documentation-level record: Enhanced is assumed",),
        )
    record = records[0]
    problems: list[str] = []
    if len(records) > 1:
        problems.append(f"{len(records)} documentation-level records; {record.id} is used")
    recorded = Level(record.field("level")) if record.field("level") else None
    harm, device = record.field("probable-serious-harm"), record.field("enhanced-device-type")
    decided = None
    if harm is not None and device is not None:
        decided = decide_level(bool(harm), bool(device))
    if recorded is None:
        problems.append(f"{record.id} records no level")
    elif decided is not None and decided is not recorded:
        problems.append(
            f"{record.id} records {recorded.value} but its answers give {decided.value}"
        )
    if not str(record.field("rationale") or "").strip():
        problems.append(f"{record.id} gives no rationale")
    return LevelDecision(
        record=record, recorded=recorded, decided=decided, problems=tuple(problems)
    )

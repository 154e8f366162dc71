"""The risk management file: each hazardous situation's risk before and after control,
and the verification chain of every risk control (ISO 14971 with IEC 62304 clause 7).

A value such as ``P3 occasional`` or ``S4 critical: requires hospital treatment``
is read on the ``[risk]`` scales: it matches the level whose first word (``P3``,
``S4``) equals the value's first word, the whole level text, or the level's name
alone (``critical``), without case. Anything else is an *unknown* level, shown
as such and never guessed. A situation's severity is its worst harm's (unknown
if any harm's is), or ``residual-severity`` after control; its probability after
control is ``residual-probability``, else the probability before. The
acceptability matrix gives the risk: A acceptable, R reduce as far as
practicable, U unacceptable.

A risk control carried out in software is verified through the software
requirements that implement it and the tests that verify it directly, each with
its latest result (:mod:`medtrace.graph.verification`); one implemented in
hardware, labelling or a procedure is verified outside the software.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from medtrace.graph.trace import TraceGraph
from medtrace.graph.verification import RequirementStatus, ResultIndex, Status, status_of
from medtrace.model import Item
from medtrace.model.config import RiskConfig

SITUATION = "hazardous-situation"
CONTROL = "risk-control"
# Where a control may be carried out other than in software (its implemented-in).
OUTSIDE_SOFTWARE = frozenset({"hardware", "labelling", "procedure"})
UNKNOWN = "unknown"


class RiskLevel(enum.Enum):
    """A cell of the acceptability matrix, or unknown when a level is off the scale."""

    ACCEPTABLE = "A"
    REDUCE = "R"  # as far as practicable
    UNACCEPTABLE = "U"
    UNKNOWN = "?"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RiskLevel.ACCEPTABLE: "acceptable",
    RiskLevel.REDUCE: "reduce as far as practicable",
    RiskLevel.UNACCEPTABLE: "unacceptable",
    RiskLevel.UNKNOWN: UNKNOWN,
}


class ChainStatus(enum.Enum):
    """How far a risk control is verified."""

    VERIFIED = "verified"  # every link verified, by at least one test
    FAILED = "failed"  # a test's latest result failed or errored
    NOT_RUN = "not run"  # a test has no result, or was skipped
    NOT_VERIFIED = "not verified"  # no test at all, or a requirement without one
    OUTSIDE = "verified outside software"  # hardware, labelling or procedure


class Residual(enum.Enum):
    """Is the risk left after control backed by verified software controls?"""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """A value read on a scale: ``rank`` 0 is the mildest (least likely) level;
    ``level`` and ``rank`` are None when the value is absent or off the scale."""

    value: str  # as written ('' when absent)
    level: str | None = None
    rank: int | None = None

    @property
    def known(self) -> bool:
        return self.rank is not None

    @property
    def short(self) -> str:
        """The level's id (``S4``), or ``unknown``."""
        return self.level.split()[0] if self.level else UNKNOWN

    @property
    def label(self) -> str:
        """The level's text (``S4 critical``), or what was written and why it is unknown."""
        if self.level is not None:
            return self.level
        return f"{UNKNOWN} ({self.value!r} is not on the scale)" if self.value else UNKNOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class Harm:
    item: Item
    severity: Level


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlChain:
    """A risk control and what verifies it: each implementing requirement (and the
    control itself, when tests verify it directly) with its tests and results."""

    control: Item
    in_software: bool
    links: tuple[RequirementStatus, ...]
    status: ChainStatus
    introduces: tuple[Item, ...] = ()  # new hazards or situations it brings (ISO 14971 7.5)

    @property
    def verified(self) -> bool:
        return self.status in (ChainStatus.VERIFIED, ChainStatus.OUTSIDE)


@dataclass(frozen=True, slots=True, kw_only=True)
class SituationRisk:
    """One hazardous situation's risk before and after its controls."""

    situation: Item
    hazards: tuple[Item, ...]
    harms: tuple[Harm, ...]
    severity: Level  # the worst harm's
    probability: Level
    residual_severity: Level
    residual_probability: Level
    before: RiskLevel
    after: RiskLevel
    controls: tuple[ControlChain, ...]
    residual: Residual
    introduced_by: tuple[str, ...] = ()  # controls that introduce it or its hazard
    open: tuple[str, ...] = ()  # why the risk is still open; empty when it is closed

    @property
    def unknown_levels(self) -> tuple[tuple[str, Level], ...]:
        """(field, level) of each value that is absent or off the scale; a residual
        value only when it is not the value before control."""
        read = [("severity", self.severity), ("probability", self.probability)]
        if self.residual_severity != self.severity:
            read.append(("residual-severity", self.residual_severity))
        if self.residual_probability != self.probability:
            read.append(("residual-probability", self.residual_probability))
        return tuple((name, level) for name, level in read if not level.known)


@dataclass(frozen=True, slots=True, kw_only=True)
class Introduced:
    """A hazard or situation a risk control introduces, and the situations it leads to."""

    control: Item
    item: Item
    situations: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Matrix:
    """How many situations fall in each cell: ``counts[severity][probability]``,
    mildest and least likely first; ``unknown`` counts those off the scale."""

    severity: tuple[str, ...]
    probability: tuple[str, ...]
    letters: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    unknown: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskFile:
    risk: RiskConfig
    hazards: tuple[Item, ...]
    situations: tuple[SituationRisk, ...]
    controls: tuple[ControlChain, ...]
    introduced: tuple[Introduced, ...]

    @property
    def open(self) -> tuple[SituationRisk, ...]:
        return tuple(entry for entry in self.situations if entry.open)

    def matrix(self, *, after: bool) -> Matrix:
        """The situations per cell before (or ``after``) risk control."""
        risk = self.risk
        counts = [[0] * len(risk.probability) for _ in risk.severity]
        unknown = 0
        for entry in self.situations:
            severity = entry.residual_severity if after else entry.severity
            probability = entry.residual_probability if after else entry.probability
            if severity.rank is None or probability.rank is None:
                unknown += 1
            else:
                counts[severity.rank][probability.rank] += 1
        return Matrix(
            severity=risk.severity,
            probability=risk.probability,
            letters=risk.acceptability,
            counts=tuple(tuple(row) for row in counts),
            unknown=unknown,
        )


def read_level(value: object, levels: Sequence[str]) -> Level:
    """``value`` read on ``levels`` (an absent or off-scale value gives an unknown level)."""
    if value is None or isinstance(value, (bool, tuple)):
        text = ", ".join(value) if isinstance(value, tuple) else ""
        return Level(value=text)
    text = str(value).strip()
    words = text.split()
    if not words:
        return Level(value=text)
    first = words[0].rstrip(":,;.").casefold()
    whole = text.casefold()
    for matches in (_by_id, _by_text, _by_name):
        for rank, level in enumerate(levels):
            if matches(level, first, whole):
                return Level(value=text, level=level, rank=rank)
    return Level(value=text)


def _by_id(level: str, first: str, whole: str) -> bool:
    return level.split()[0].casefold() == first


def _by_text(level: str, first: str, whole: str) -> bool:
    return level.casefold() == whole


def _by_name(level: str, first: str, whole: str) -> bool:
    name = " ".join(level.split()[1:]).casefold()
    return bool(name) and name in (first, whole)


def risk_level(risk: RiskConfig, severity: Level, probability: Level) -> RiskLevel:
    """The acceptability matrix's letter for ``severity`` and ``probability``."""
    if severity.rank is None or probability.rank is None:
        return RiskLevel.UNKNOWN
    try:
        return RiskLevel(risk.acceptability[severity.rank][probability.rank])
    except (IndexError, ValueError):
        return RiskLevel.UNKNOWN


def worst_severity(harms: Sequence[Harm]) -> Level:
    """The most severe harm's level; unknown when there is none or any is unknown."""
    if not harms:
        return Level(value="")
    unknown = [harm.severity for harm in harms if not harm.severity.known]
    if unknown:
        return unknown[0]
    return max((harm.severity for harm in harms), key=lambda level: level.rank or 0)


def control_chain(
    graph: TraceGraph,
    control: Item,
    results: ResultIndex,
    status: Callable[[Item], RequirementStatus] | None = None,
) -> ControlChain:
    """How ``control`` is verified: through its requirements and its own tests (``status``
    gives an item's verification status, computed once elsewhere; default: afresh)."""
    status = status or (lambda item: status_of(graph, item, results))
    introduces = graph.targets(control.id, "introduces")
    if control.field("implemented-in") in OUTSIDE_SOFTWARE:
        return ControlChain(
            control=control,
            in_software=False,
            links=(),
            status=ChainStatus.OUTSIDE,
            introduces=introduces,
        )
    links = [
        status(requirement)
        for requirement in graph.sources(control.id, "implements-risk-control")
        if requirement.kind == "software-requirement"
    ]
    direct = status(control)
    if direct.evidence:
        links.append(direct)
    return ControlChain(
        control=control,
        in_software=True,
        links=tuple(links),
        status=chain_status(links),
        introduces=introduces,
    )


def chain_status(links: Sequence[RequirementStatus]) -> ChainStatus:
    statuses = {link.status for link in links}
    if not links or statuses == {Status.NOT_COVERED}:
        return ChainStatus.NOT_VERIFIED
    if Status.FAILED in statuses:
        return ChainStatus.FAILED
    if Status.NOT_RUN in statuses:
        return ChainStatus.NOT_RUN
    if Status.NOT_COVERED in statuses:
        return ChainStatus.NOT_VERIFIED
    return ChainStatus.VERIFIED


def risk_file(graph: TraceGraph, risk: RiskConfig, results: ResultIndex) -> RiskFile:
    """The risk management file of the project in ``graph``, with ``results`` as evidence."""
    chains = {c.id: control_chain(graph, c, results) for c in graph.of_kind(CONTROL)}
    introduced = tuple(_introduced(graph, chains.values()))
    introducers: dict[str, list[str]] = {}
    for entry in introduced:
        for situation_id in entry.situations:
            introducers.setdefault(situation_id, []).append(entry.control.id)
    situations = tuple(
        situation_risk(
            graph,
            risk,
            situation,
            chains,
            tuple(sorted(set(introducers.get(situation.id, ())))),
        )
        for situation in graph.of_kind(SITUATION)
    )
    return RiskFile(
        risk=risk,
        hazards=graph.of_kind("hazard"),
        situations=situations,
        controls=tuple(chains[key] for key in sorted(chains)),
        introduced=introduced,
    )


def situation_risk(
    graph: TraceGraph,
    risk: RiskConfig,
    situation: Item,
    chains: dict[str, ControlChain],
    introduced_by: tuple[str, ...] = (),
) -> SituationRisk:
    """One situation's risk before and after control (``chains`` by control id)."""
    harms = tuple(
        Harm(item=harm, severity=read_level(harm.field("severity"), risk.severity))
        for harm in graph.targets(situation.id, "may-cause")
        if harm.kind == "harm"
    )
    severity = worst_severity(harms)
    probability = read_level(situation.field("probability"), risk.probability)
    residual_severity = severity
    if situation.field("residual-severity") is not None:
        residual_severity = read_level(situation.field("residual-severity"), risk.severity)
    residual_probability = probability
    if situation.field("residual-probability") is not None:
        residual_probability = read_level(situation.field("residual-probability"), risk.probability)
    controls = tuple(
        chains[control.id]
        for control in graph.sources(situation.id, "mitigates")
        if control.id in chains
    )
    before = risk_level(risk, severity, probability)
    after = risk_level(risk, residual_severity, residual_probability)
    uncontrolled = not controls and before is not RiskLevel.ACCEPTABLE
    verified = all(chain.verified for chain in controls) and not uncontrolled
    entry = SituationRisk(
        situation=situation,
        hazards=tuple(h for h in graph.targets(situation.id, "arises-from") if h.kind == "hazard"),
        harms=harms,
        severity=severity,
        probability=probability,
        residual_severity=residual_severity,
        residual_probability=residual_probability,
        before=before,
        after=after,
        controls=controls,
        residual=Residual.VERIFIED if verified else Residual.UNVERIFIED,
        introduced_by=introduced_by,
    )
    return replace(entry, open=open_reasons(entry))


def open_reasons(entry: SituationRisk) -> tuple[str, ...]:
    """Why a situation's risk is still open: unacceptable or unknown after control, not
    controlled while it needs to be, or controlled by a control not verified."""
    reasons = []
    if entry.after is RiskLevel.UNACCEPTABLE:
        reasons.append("residual risk is unacceptable (U)")
    unknown = entry.unknown_levels
    if unknown:
        what = ", ".join(f"{name} {level.label}" for name, level in unknown)
        reasons.append(f"risk level unknown: {what}")
    if not entry.controls and entry.before not in (RiskLevel.ACCEPTABLE, RiskLevel.UNKNOWN):
        reasons.append(f"initial risk {entry.before.value} but no risk control")
    for chain in entry.controls:
        if not chain.verified:
            reasons.append(f"{chain.control.id} {chain.status.value}")
    return tuple(reasons)


def _introduced(graph: TraceGraph, chains: Iterable[ControlChain]) -> Iterable[Introduced]:
    for chain in chains:
        for item in chain.introduces:
            if item.kind == SITUATION:
                situations: tuple[str, ...] = (item.id,)
            else:
                found = graph.sources(item.id, "arises-from")
                situations = tuple(s.id for s in found if s.kind == SITUATION)
            yield Introduced(control=chain.control, item=item, situations=situations)

"""Metrics, subgroup results and acceptance criteria of performance evaluations, read from
their one-line form in item fields (docs/format.md, `performance-evaluation`)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_METRIC = re.compile(
    rf"^(?:(?P<subgroup>[^/=]+?)\s*/\s*)?(?P<name>[\w .%-]+?)\s*=\s*(?P<value>{_NUMBER})"
    rf"(?:\s*\[\s*(?P<low>{_NUMBER})\s*,\s*(?P<high>{_NUMBER})\s*\])?\s*$"
)
_CRITERION = re.compile(rf"^(?P<name>[\w .%-]+?)\s*(?P<op>>=|<=|>|<)\s*(?P<bound>{_NUMBER})\s*$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One measured value, overall (``subgroup`` None) or in one subgroup."""

    name: str
    value: float
    low: float | None = None
    high: float | None = None
    subgroup: str | None = None

    def __str__(self) -> str:
        where = f"{self.subgroup} / " if self.subgroup else ""
        interval = f" [{self.low:g}, {self.high:g}]" if self.low is not None else ""
        return f"{where}{self.name} = {self.value:g}{interval}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    name: str
    op: str
    bound: float

    def met_by(self, metric: Metric) -> bool:
        return _OPERATORS[self.op](metric.value, self.bound)

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.bound:g}"


def metric_key(name: str) -> str:
    """Metric names compare without case and surrounding space."""
    return " ".join(name.lower().split())


def parse_metric(text: str, *, subgroup: bool = False) -> Metric | None:
    """``sensitivity = 0.93 [0.90, 0.95]`` (with ``SUBGROUP /`` in front when
    ``subgroup``), or None when the entry does not read so."""
    match = _METRIC.match(text.strip())
    if match is None or (match.group("subgroup") is not None) != subgroup:
        return None
    low, high = match.group("low"), match.group("high")
    return Metric(
        name=metric_key(match.group("name")),
        value=float(match.group("value")),
        low=float(low) if low is not None else None,
        high=float(high) if high is not None else None,
        subgroup=match.group("subgroup").strip() if subgroup else None,
    )


def parse_criterion(text: str) -> Criterion | None:
    """``sensitivity >= 0.90``, or None when the entry does not read so."""
    match = _CRITERION.match(text.strip())
    if match is None:
        return None
    return Criterion(
        name=metric_key(match.group("name")),
        op=match.group("op"),
        bound=float(match.group("bound")),
    )

"""The shape of a clause of IEC 62304 as medtrace encodes it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from medtrace.model import SafetyClass


class Method(enum.Enum):
    """How medtrace decides a clause is met."""

    RULES = "rules"  # registered rules check the project's data
    ATTESTATION = "attestation"  # a signed attestation naming the evidence is needed
    REMOVED = "removed"  # no longer a requirement (Amendment 1); applies at no class


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """One requirement (sub-clause) of IEC 62304:2006+A1:2015, in medtrace's own words.

    ``classes`` are the safety classes it applies to (the Amendment 1 table);
    ``note`` records the reading chosen where published guides disagree.
    """

    number: str
    title: str
    process: str
    summary: str
    classes: frozenset[SafetyClass]
    evidence: tuple[str, ...]
    method: Method
    note: str = ""

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))

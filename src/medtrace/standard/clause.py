"""The shape of a clause of IEC 62304 as medtrace encodes it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from medtrace.model import SafetyClass


class Method(enum.Enum):
    """How medtrace decides a clause is met."""

    RULES = "rules"  # registered rules check the project's data
    # Rules decide part from the data; a signed attestation covers the rest.
    RULES_AND_ATTESTATION = "rules and attestation"
    ATTESTATION = "attestation"  # no data can decide it: a signed attestation is needed
    REMOVED = "removed"  # no longer a requirement (Amendment 1); applies at no class


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """One requirement (sub-clause) of IEC 62304:2006+A1:2015, in medtrace's own words.

    ``classes`` are the safety classes it applies to (the Amendment 1 table);
    ``note`` records the reading chosen where published guides disagree. A clause a
    person attests (wholly or in part) says what the person attests (``attest``) and
    why no data in a project can show it (``attest_reason``).
    """

    number: str
    title: str
    process: str
    summary: str
    classes: frozenset[SafetyClass]
    evidence: tuple[str, ...]
    method: Method
    note: str = ""
    attest: str = ""
    attest_reason: str = ""

    @property
    def attestation(self) -> bool:
        """Whether a signed attestation is asked for (alone or beside the rules)."""
        return self.method in (Method.ATTESTATION, Method.RULES_AND_ATTESTATION)

    @property
    def rules(self) -> bool:
        """Whether registered rules decide it (wholly or in part)."""
        return self.method in (Method.RULES, Method.RULES_AND_ATTESTATION)

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))

"""The rule registry: each rule names its clause, the classes it applies to and a stable code.

Rules are small functions from a :class:`RuleContext` to :class:`Violation` s;
the engine turns violations into findings carrying the rule's code, clause
and severity. Registration happens once, when the rule modules are imported;
the registry is never changed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medtrace.model import Item, SafetyClass, Severity, SourceLocation

if TYPE_CHECKING:
    from medtrace.standard.context import RuleContext


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule found: about an item (at its line) or about the project as a whole."""

    item: Item | None
    message: str
    location: SourceLocation | None = None


RuleCheck = Callable[["RuleContext"], Iterable[Violation]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    code: str
    clause: str
    summary: str
    check: RuleCheck
    severity: Severity = Severity.ERROR
    # Instead of the clause's classes: narrower when the rule checks only part of it, all of
    # them for a verdict that holds whatever the class (a signature that does not verify).
    classes: frozenset[SafetyClass] | None = None


_RULES: list[Rule] = []


def rule(
    *,
    code: str,
    clause: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    classes: frozenset[SafetyClass] | None = None,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register the decorated function as the rule ``code`` for ``clause``."""
    if not code.startswith(f"62304.{clause}/"):
        raise ValueError(f"rule code {code!r} must start with '62304.{clause}/'")

    def register(check: RuleCheck) -> RuleCheck:
        if any(existing.code == code for existing in _RULES):
            raise ValueError(f"rule code {code!r} is registered twice")
        _RULES.append(
            Rule(
                code=code,
                clause=clause,
                summary=summary,
                check=check,
                severity=severity,
                classes=classes,
            )
        )
        return check

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, by clause and code (``medtrace.standard`` imports them all)."""
    return tuple(sorted(_RULES, key=lambda r: (_clause_key(r.clause), r.code)))


def _clause_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))

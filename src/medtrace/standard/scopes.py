"""What each clause is about in a project: the items its rules read, or that make its
attestation due.

A clause decided by rules (wholly or in part) reads items of some kinds; the
compliance matrix calls it *met* only when there were such items at a class it
applies to and its rules found nothing. With none, the clause is a *gap* when
the data must exist (a project needs software requirements) and *not
applicable* when it need not (a project may use no SOUP, have no problem report
yet, or nothing released). An attestation, alone or beside rules, is asked for
only while its clause is about something in the project; a clause without a
scope here (4.1, 5.1.2) always is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from medtrace.model import Item
from medtrace.model.kinds import serves
from medtrace.standard.context import RuleContext

NOTHING_RELEASED = "nothing is released yet (no release record)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What a clause is about: items of ``kinds`` (at a class the clause applies to, and
    passing ``only``), and for ``after_release`` only once a release record exists. With
    none, the clause is a gap when ``needed`` (``missing`` says what is missing), else not
    applicable (``missing`` says why)."""

    kinds: tuple[str, ...]
    needed: bool
    missing: str
    only: Callable[[Item], bool] | None = None
    after_release: bool = False


def _in_software(item: Item) -> bool:
    return item.field("implemented-in") in (None, "software")


def _manual(item: Item) -> bool:
    return item.field("method") == "manual"


def _segregated(item: Item) -> bool:
    return bool(item.field("segregation"))


def _development(item: Item) -> bool:
    return serves(item, "development")


def _maintenance(item: Item) -> bool:
    return serves(item, "maintenance")


def _risk_plan_or_hazard(item: Item) -> bool:
    return item.kind != "plan" or serves(item, "risk-management")


def _fixed(item: Item) -> bool:
    return item.field("state") in ("verified", "closed")


def _investigated(item: Item) -> bool:
    return item.field("state") in ("resolved", "verified", "closed")


def _legacy(item: Item) -> bool:
    return item.field("legacy") is True


def _integration(item: Item) -> bool:
    return item.field("level") == "integration"


def _system_level(item: Item) -> bool:
    return item.field("level") in (None, "system")


def _past_approval(item: Item) -> bool:
    return item.field("state") in ("approved", "implemented", "verified", "closed")


def _implemented(item: Item) -> bool:
    return item.field("state") in ("implemented", "verified", "closed")


_ARCHITECTURE = ("software-item", "software-unit")
_LEGACY_SOFTWARE = ("software-system", "software-item")
_NOT_LEGACY = "no software is declared legacy (legacy: true)"
_REQUIREMENTS = Scope(
    kinds=("software-requirement",), needed=True, missing="no software requirement"
)
_UNITS = Scope(kinds=("software-unit",), needed=True, missing="no software unit")
_SITUATIONS = Scope(kinds=("hazardous-situation",), needed=True, missing="no hazardous situation")
_SOUP = Scope(kinds=("soup",), needed=False, missing="the software uses no SOUP")
_CONTROLS = Scope(
    kinds=("risk-control",),
    needed=False,
    missing="no risk control is carried out in software",
    only=_in_software,
)
_PLANS = Scope(kinds=("plan",), needed=True, missing="no plan")
_RELEASES = Scope(kinds=("release",), needed=False, missing=NOTHING_RELEASED)
_CHANGES = Scope(
    kinds=("change-request",),
    needed=False,
    missing="no change request is approved yet",
    only=_past_approval,
)
_DONE_CHANGES = Scope(
    kinds=("change-request",),
    needed=False,
    missing="no change request is implemented yet",
    only=_implemented,
)
_PROBLEMS = Scope(kinds=("problem-report",), needed=False, missing="no problem report yet")
_RESOLVED = Scope(
    kinds=("problem-report",),
    needed=False,
    missing="no problem report is resolved yet",
    only=_investigated,
)
_LEGACY = Scope(kinds=_LEGACY_SOFTWARE, needed=False, missing=_NOT_LEGACY, only=_legacy)

SCOPES: dict[str, Scope] = {
    "4.2": Scope(
        kinds=("plan", "hazard"),
        needed=True,
        missing="no risk management plan or hazard",
        only=_risk_plan_or_hazard,
    ),
    "4.3": Scope(
        kinds=("safety-classification",), needed=True, missing="no safety classification record"
    ),
    **dict.fromkeys(("4.4.1", "4.4.2", "4.4.3", "4.4.4", "4.4.5"), _LEGACY),
    "5.1.1": Scope(
        kinds=("plan",), needed=True, missing="no software development plan", only=_development
    ),
    **dict.fromkeys(
        (
            "5.1.3",
            "5.1.4",
            "5.1.5",
            "5.1.6",
            "5.1.7",
            "5.1.8",
            "5.1.9",
            "5.1.10",
            "5.1.11",
            "5.1.12",
            "5.5.2",
            "5.5.3",
            "5.5.4",
        ),
        _PLANS,
    ),
    "5.2.1": _REQUIREMENTS,
    "5.2.2": _REQUIREMENTS,
    "5.2.3": _CONTROLS,
    "5.2.4": Scope(
        kinds=("software-requirement",), needed=False, missing="no software requirement yet"
    ),
    "5.2.5": Scope(
        kinds=("software-requirement",), needed=False, missing="no software requirement yet"
    ),
    "5.2.6": _REQUIREMENTS,
    "5.3.1": Scope(kinds=_ARCHITECTURE, needed=True, missing="no software item or unit"),
    "5.3.2": Scope(kinds=("software-item",), needed=True, missing="no software item"),
    "5.3.3": _SOUP,
    "5.3.4": _SOUP,
    "5.3.5": Scope(
        kinds=_ARCHITECTURE,
        needed=False,
        missing="no item claims a lower class by segregation",
        only=_segregated,
    ),
    "5.3.6": Scope(kinds=("software-item",), needed=True, missing="no software item"),
    "5.4.1": _UNITS,
    "5.4.2": _UNITS,
    "5.4.3": Scope(kinds=("detailed-design",), needed=True, missing="no detailed design"),
    "5.4.4": Scope(kinds=("detailed-design",), needed=True, missing="no detailed design"),
    "5.5.1": _UNITS,
    "5.5.5": _UNITS,
    "5.6.1": Scope(kinds=("software-item",), needed=False, missing="no software item yet"),
    "5.6.2": Scope(kinds=("software-item",), needed=False, missing="no software item yet"),
    "5.6.3": Scope(kinds=("software-item",), needed=True, missing="no software item"),
    "5.6.4": _CONTROLS,
    "5.6.5": Scope(
        kinds=("test-case",), needed=False, missing="no integration test yet", only=_integration
    ),
    "5.6.6": _DONE_CHANGES,
    "5.6.7": Scope(
        kinds=("test-case",), needed=False, missing="no integration test yet", only=_integration
    ),
    "5.6.8": Scope(
        kinds=("test-case",), needed=False, missing="no integration test yet", only=_integration
    ),
    "5.7.1": _REQUIREMENTS,
    "5.7.2": Scope(
        kinds=("test-case",), needed=False, missing="no system test yet", only=_system_level
    ),
    "5.7.3": _DONE_CHANGES,
    "5.7.4": Scope(kinds=("test-case",), needed=False, missing="no test case yet"),
    "5.7.5": Scope(
        kinds=("test-case",),
        needed=False,
        missing="no manual test (automated results are records)",
        only=_manual,
    ),
    **dict.fromkeys(
        ("5.8.1", "5.8.2", "5.8.3", "5.8.4", "5.8.5", "5.8.6", "5.8.7", "5.8.8"), _RELEASES
    ),
    "6.1": Scope(
        kinds=("plan",), needed=True, missing="no software maintenance plan", only=_maintenance
    ),
    **dict.fromkeys(("6.2.1.1", "6.2.1.2", "6.2.2", "6.3.1", "6.3.2"), _RELEASES),
    "6.2.1.3": Scope(
        kinds=("problem-report",), needed=False, missing="no problem report yet", after_release=True
    ),
    "6.2.3": Scope(
        kinds=("change-request",),
        needed=False,
        missing="no change request is approved yet",
        only=_past_approval,
        after_release=True,
    ),
    "6.2.4": Scope(
        kinds=("change-request",),
        needed=False,
        missing="no change request is approved yet",
        only=_past_approval,
        after_release=True,
    ),
    "6.2.5": Scope(
        kinds=("problem-report",), needed=False, missing="no problem report yet", after_release=True
    ),
    "7.1.1": _SITUATIONS,
    "7.1.2": Scope(
        kinds=("hazardous-situation",), needed=False, missing="no hazardous situation yet"
    ),
    "7.1.3": _SOUP,
    "7.1.4": _SITUATIONS,
    "7.2.1": _SITUATIONS,
    "7.2.2": _CONTROLS,
    "7.3.1": _CONTROLS,
    "7.3.3": _SITUATIONS,
    "7.4.1": Scope(
        kinds=("change-request", "soup"),
        needed=False,
        missing="no change request and no SOUP yet",
    ),
    "7.4.2": _CHANGES,
    "7.4.3": _CHANGES,
    "8.1.1": Scope(kinds=("software-system",), needed=True, missing="no software system"),
    "8.1.2": _SOUP,
    "8.1.3": _RELEASES,
    "8.2.1": Scope(kinds=("change-request",), needed=False, missing="no change request yet"),
    "8.2.2": _DONE_CHANGES,
    "8.2.3": _DONE_CHANGES,
    "8.2.4": _DONE_CHANGES,
    "8.3": Scope(kinds=("change-request",), needed=False, missing="no change request yet"),
    "9.1": _PROBLEMS,
    "9.2": _PROBLEMS,
    "9.3": _RESOLVED,
    "9.4": _RESOLVED,
    "9.5": _PROBLEMS,
    "9.6": _PROBLEMS,
    "9.7": Scope(
        kinds=("problem-report",),
        needed=False,
        missing="no problem report is fixed yet",
        only=_fixed,
    ),
    "9.8": Scope(
        kinds=("problem-report",),
        needed=False,
        missing="no problem report is fixed yet",
        only=_fixed,
    ),
}


def in_scope(ctx: RuleContext, number: str) -> tuple[tuple[str, ...], str] | None:
    """The ids of the items clause ``number`` is about at the classes of ``ctx`` and, when
    there are none, why (``""``: there are); None when the clause has no scope (it is
    always about the project)."""
    scope = SCOPES.get(number)
    if scope is None:
        return None
    if scope.after_release and not ctx.releases:
        return (), NOTHING_RELEASED
    found = tuple(
        item.id
        for kind in scope.kinds
        for item in ctx.items(kind)
        if scope.only is None or scope.only(item)
    )
    return found, "" if found else scope.missing


def due(ctx: RuleContext, number: str) -> bool:
    """Whether clause ``number`` is about something here (so its attestation is due)."""
    found = in_scope(ctx, number)
    if found is None:
        return True
    scope = SCOPES[number]
    return bool(found[0]) or (scope.needed and not scope.after_release)

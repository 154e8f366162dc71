"""Evidence bound to content: whether what a record vouches for is still what it saw.

A record (a review record, an attestation, a test record, an item approving
itself with ``status: approved``) keeps, in its ``fingerprints`` field, the
evidence fingerprint of each item it covers as it was when the record was
made (:mod:`medtrace.graph.fingerprint`). The record is *current* for an item
while that fingerprint is the item's fingerprint now, *void* once the item
changed, and *unbound* when it recorded nothing for it: then nobody can tell
what it covered, and it counts for nothing.

Approvals (5.1.1, 5.2.6 and wherever a rule asks for one) are the item's own
``status: approved`` bound to its own content, each review record with
``meaning: approved`` that ``reviews`` the item, bound to it, and each valid
electronic signature approving it (:mod:`medtrace.graph.signatures`). Where the
project requires signatures for the item's kind (``[signatures] required``), only
the signatures count.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medtrace.graph.fingerprint import Fingerprints, pins
from medtrace.model import Item
from medtrace.model.signature import SignatureState

if TYPE_CHECKING:
    from medtrace.graph.signatures import SignatureIndex

APPROVING_RECORD = "review-record"
# The links through which a record covers other items, by the kind holding them.
COVERING_LINKS: dict[str, tuple[str, ...]] = {
    "review-record": ("reviews",),
    "attestation": ("documented-in",),
    "test-record": ("executes",),
}
# Kinds of record that vouch for their own content too (a signed statement, a result).
SELF_BOUND = frozenset({"attestation", "test-record"})


class Binding(enum.Enum):
    CURRENT = "current"
    VOID = "void"  # the item changed since the record was made
    UNBOUND = "unbound"  # the record holds no fingerprint of the item


@dataclass(frozen=True, slots=True, kw_only=True)
class Pin:
    """What ``record`` recorded of ``target`` (``recorded``), and the fingerprint now
    (computed only where something was recorded to compare it with)."""

    record: str
    target: str
    recorded: str | None
    current: str = ""

    @property
    def binding(self) -> Binding:
        if self.recorded is None:
            return Binding.UNBOUND
        return Binding.CURRENT if self.recorded == self.current else Binding.VOID

    def describe(self) -> str:
        """One phrase for a message: why the record does not count for the target."""
        if self.recorded is None:
            return (
                f"{self.record} holds no fingerprint of {self.target} (nothing says what it "
                f"covered; record it with: medtrace bind {self.record})"
            )
        return (
            f"{self.target} changed since {self.record} was made (fingerprint "
            f"{self.recorded}, now {self.current})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """An approval of ``item``: by its own status (``via`` is the item), a review record or
    an electronic signature (``signed``; ``problem`` says why a signature does not count)."""

    item: str
    via: str
    by: str
    date: str
    pin: Pin
    signed: bool = False
    problem: str = ""

    @property
    def current(self) -> bool:
        return not self.problem and self.pin.binding is Binding.CURRENT

    def describe(self) -> str:
        return self.problem or self.pin.describe()


def pin(record: Item, target: str, fingerprints: Fingerprints) -> Pin | None:
    """What ``record`` holds of ``target`` against its fingerprint now (None: no such item)."""
    if target not in fingerprints.graph:
        return None
    recorded = pins(record).get(target)
    current = fingerprints.of(target) if recorded is not None else None
    return Pin(record=record.id, target=target, recorded=recorded, current=current or "")


def covered(record: Item) -> tuple[str, ...]:
    """The ids a record vouches for: itself where it is a signed statement or a result, and
    every item it covers through its links; an item (not a record) with ``status:
    approved``, itself."""
    ids: list[str] = []
    approved = record.field("status") == "approved" and record.kind not in COVERING_LINKS
    if record.kind in SELF_BOUND or approved:
        ids.append(record.id)
    for role in COVERING_LINKS.get(record.kind, ()):
        ids.extend(record.targets(role))
    return tuple(dict.fromkeys(ids))


def record_pins(record: Item, fingerprints: Fingerprints) -> Iterator[Pin]:
    """A pin for every item the record vouches for that exists."""
    for target in covered(record):
        found = pin(record, target, fingerprints)
        if found is not None:
            yield found


def approvals(
    item: Item, fingerprints: Fingerprints, signatures: SignatureIndex | None = None
) -> tuple[Approval, ...]:
    """Every approval of ``item``: its own ``status: approved``, then review records with
    ``meaning: approved`` by date, then approving signatures, each with how it is bound;
    only the signatures where the project requires them for the item's kind."""
    signed = _signed(item, signatures)
    if signatures is not None and signatures.policy.requires(item.kind):
        return signed
    return (*_by_fields(item, fingerprints), *signed)


def _signed(item: Item, signatures: SignatureIndex | None) -> tuple[Approval, ...]:
    if signatures is None:
        return ()
    found = []
    for checked in signatures.approving(item.id):
        verdict = checked.verdict
        if checked.pin is None:
            continue
        problem = "" if verdict.valid or verdict.state is SignatureState.VOID else verdict.problem
        found.append(
            Approval(
                item=item.id,
                via=verdict.record,
                by=verdict.name,
                date=verdict.signed_at,
                pin=checked.pin,
                signed=True,
                problem=problem,
            )
        )
    return tuple(found)


def _by_fields(item: Item, fingerprints: Fingerprints) -> tuple[Approval, ...]:
    found: list[Approval] = []
    if item.field("status") == "approved":
        own = pin(item, item.id, fingerprints)
        if own is not None:
            by = str(item.field("owner") or "")
            found.append(Approval(item=item.id, via=item.id, by=by, date="", pin=own))
    records = [
        record
        for record in fingerprints.graph.sources(item.id, "reviews")
        if record.kind == APPROVING_RECORD and record.field("meaning") == "approved"
    ]
    for record in sorted(records, key=lambda r: (str(r.field("date") or ""), r.id)):
        bound = pin(record, item.id, fingerprints)
        if bound is not None:
            found.append(
                Approval(
                    item=item.id,
                    via=record.id,
                    by=str(record.field("reviewer") or ""),
                    date=str(record.field("date") or ""),
                    pin=bound,
                )
            )
    return tuple(found)


def approval_problem(
    item: Item, fingerprints: Fingerprints, signatures: SignatureIndex | None = None
) -> str | None:
    """Why ``item`` is not approved now (None: a current approval holds), in one phrase."""
    found = approvals(item, fingerprints, signatures)
    if any(approval.current for approval in found):
        return None
    required = signatures is not None and signatures.policy.requires(item.kind)
    if not found:
        return "has no electronic signature approving it" if required else "is not approved"
    return "has no current approval: " + "; ".join(a.describe() for a in found)

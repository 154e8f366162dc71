"""Signatures as people see them (21 CFR 11.50): for each, the printed name, the UTC date
and time, the meaning and whether it is valid or void, on the item page and in every
generated document; and which meanings a person may sign on an item now.

Approvals that are not electronic signatures (review records, ``status: approved``,
``signed-by``) are shown too, said to be "approval not electronically signed".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.item_view import fingerprints_of
from medtrace.api.workspace import Snapshot
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.signatures import SignatureIndex, authority_problem
from medtrace.model.signature import SignatureState, SignatureVerdict
from medtrace.store.signatures import read_policy, read_register

NOT_SIGNED = "approval not electronically signed"
STATES = {
    SignatureState.VALID: "valid",
    SignatureState.VOID: "void: content changed since",
    SignatureState.FORGED: "forged: does not verify",
    SignatureState.UNAUTHORISED: "unauthorised",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureRow:
    """One signature as shown: who (printed name and id), when (UTC), what it means, and
    its status with the reason where it is not valid."""

    record: str
    item: str
    name: str
    signer: str
    role: str
    when: str  # "2026-05-04 10:30:00 UTC"
    meaning: str
    status: str
    valid: bool
    problem: str = ""


def signature_index(root: Path, fingerprints: Fingerprints) -> SignatureIndex:
    """Every signature record of the project verified against its register and policy."""
    policy = read_policy(root)
    return SignatureIndex(read_register(root, policy), policy, fingerprints)


def row_of(verdict: SignatureVerdict) -> SignatureRow:
    return SignatureRow(
        record=verdict.record,
        item=verdict.item,
        name=verdict.name or verdict.signer,
        signer=verdict.signer,
        role=verdict.role,
        when=shown_time(verdict.signed_at),
        meaning=verdict.meaning,
        status=STATES[verdict.state],
        valid=verdict.valid,
        problem=verdict.problem,
    )


def shown_time(stamp: str) -> str:
    """``2026-05-04T10:30:00Z`` as ``2026-05-04 10:30:00 UTC``."""
    return f"{stamp.replace('T', ' ').removesuffix('Z')} UTC" if stamp else ""


def signatures_of(snapshot: Snapshot, item_id: str) -> tuple[SignatureRow, ...]:
    """The signatures on ``item_id``, oldest first."""
    return tuple(row_of(c.verdict) for c in _index(snapshot).of(item_id))


def meanings_open(snapshot: Snapshot, item_id: str, signer: str, role: str) -> tuple[str, ...]:
    """The meanings ``signer`` (signed in with ``role``) may sign on ``item_id`` now: those
    the policy gives the role on the item's kind, with the signer active in the register."""
    item = snapshot.item(item_id)
    if item is None:
        return ()
    index = _index(snapshot)
    return tuple(
        meaning
        for meaning in index.policy.meanings
        if authority_problem(
            index.register, index.policy, signer_id=signer, role=role, meaning=meaning,
            kind=item.kind, when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ) is None
    )  # fmt: skip


def _index(snapshot: Snapshot) -> SignatureIndex:
    return snapshot.derived(
        "signatures", lambda snap: signature_index(snap.root, fingerprints_of(snap))
    )

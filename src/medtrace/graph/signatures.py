"""Signature records verified: the canonical form, Ed25519, the register and the binding.

The canonical form of a record is a fixed prefix and the JSON (sorted keys, no
spaces) of every field it holds that a person reads: its id, the item it signs,
that item's fingerprint as signed, signer, printed name, role, meaning, UTC time,
commit, reason, how the signer was authenticated, the key's fingerprint, title and
body (whitespace normalised). Changing any of them, or copying the record to
another item or id, breaks the signature: the record is *forged*. A record whose
signer is unknown, was deactivated by then, or whose role may not sign that
meaning on that kind is *unauthorised*; one on content that changed since is
*void*, exactly as a review is (the same :class:`~medtrace.graph.evidence.Pin`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from medtrace.graph.evidence import Binding, Pin, pin
from medtrace.graph.fingerprint import BINDING_FIELD, Fingerprints
from medtrace.model import Item
from medtrace.model.signature import (
    APPROVING_MEANINGS,
    DOCUMENT_FIELD,
    DOCUMENT_KIND,
    SIGNATURE_KIND,
    SIGNS_LINK,
    AuthMethod,
    Register,
    SignatureState,
    SignatureVerdict,
    SigningPolicy,
)

PREFIX = "medtrace-signature-v1\n"
SIGNED_FIELDS = (
    "signer",
    "name",
    "role",
    "meaning",
    "signed-at",
    "commit",
    "reason",
    "authenticated",
    "key",
)


def canonical(values: Mapping[str, str]) -> bytes:
    """The bytes a signature covers, from the record's values (see the module docstring)."""
    text = json.dumps(dict(values), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (PREFIX + text).encode("utf-8")


def record_values(item: Item) -> dict[str, str]:
    """The signed values of a parsed signature record."""
    fingerprints = item.field(BINDING_FIELD)
    values = {
        "id": item.id,
        "signs": ",".join(item.targets(SIGNS_LINK)),
        "fingerprint": ",".join(fingerprints) if isinstance(fingerprints, tuple) else "",
        "title": _normal(item.title),
        "body": _normal(item.body),
    }
    for name in SIGNED_FIELDS:
        values[name] = _normal(str(item.field(name) or ""))
    document = _normal(str(item.field(DOCUMENT_FIELD) or ""))
    if document:
        values[DOCUMENT_FIELD] = document
    return values


def signed_values(
    *,
    record_id: str,
    pins: Sequence[tuple[str, str]],
    title: str,
    body: str,
    document: str = "",
    **fields: str,
) -> dict[str, str]:
    """The same values for a record about to be written: ``pins`` (item id, fingerprint)
    of what it signs, ``fields`` by their record names with ``_`` for ``-``."""
    values = {
        "id": record_id,
        "signs": ",".join(item for item, _ in pins),
        "fingerprint": ",".join(f"{item}@{fingerprint}" for item, fingerprint in pins),
        "title": _normal(title),
        "body": _normal(body),
    }
    for name in SIGNED_FIELDS:
        values[name] = _normal(fields.get(name.replace("-", "_"), ""))
    if document:
        values[DOCUMENT_FIELD] = _normal(document)
    return values


def key_id(public_line: str) -> str:
    """The OpenSSH fingerprint (``SHA256:...``) of an ``ssh-ed25519 AAAA...`` line."""
    parts = public_line.split()
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (IndexError, binascii.Error):
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def public_key(public_line: str) -> Ed25519PublicKey | None:
    """The Ed25519 key of an OpenSSH public key line (None: not one)."""
    try:
        key = serialization.load_ssh_public_key(public_line.strip().encode())
    except (ValueError, UnsupportedAlgorithm, IndexError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def public_line(key: Ed25519PrivateKey, comment: str = "") -> str:
    """The OpenSSH public key line of a private key."""
    raw = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return f"{raw.decode()} {comment}".strip()


def sign(key: Ed25519PrivateKey, values: Mapping[str, str]) -> str:
    """The base64 Ed25519 signature of ``values``' canonical form."""
    return base64.b64encode(key.sign(canonical(values))).decode()


def verifies(public: str, values: Mapping[str, str], signature: str) -> bool:
    key = public_key(public)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), canonical(values))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Checked:
    """A verdict and the pin it rests on (None: the signed item is not in the project)."""

    verdict: SignatureVerdict
    pin: Pin | None


def verify(
    record: Item, register: Register, policy: SigningPolicy, fingerprints: Fingerprints
) -> Checked:
    """What ``record`` is: valid, forged, unauthorised or void (in that order of weight)."""
    values = record_values(record)
    targets = record.targets(SIGNS_LINK)
    document = values.get(DOCUMENT_FIELD, "")
    found = [pin(record, target, fingerprints) for target in targets]
    state, problem = _integrity(record, values, register, targets)
    if state is SignatureState.VALID:
        state, problem = _authority(record, values, register, policy, fingerprints)
    if state is SignatureState.VALID:
        state, problem = _binding(record, targets, found)
    first = next((p for p in found if p is not None and p.binding is not Binding.CURRENT), None)
    verdict = SignatureVerdict(
        record=record.id,
        item=",".join(targets),
        document=document,
        signer=values["signer"],
        name=values["name"],
        meaning=values["meaning"],
        signed_at=values["signed-at"],
        role=values["role"],
        authenticated=values["authenticated"],
        state=state,
        problem=problem,
    )
    known = [p for p in found if p is not None]
    return Checked(verdict=verdict, pin=first or (known[0] if known else None))


def _integrity(
    record: Item, values: Mapping[str, str], register: Register, targets: tuple[str, ...]
) -> tuple[SignatureState, str]:
    forged = SignatureState.FORGED
    if len(targets) != 1 and not (values.get(DOCUMENT_FIELD) and targets):
        return forged, f"{record.id} must sign exactly one item (signs: {list(targets)})"
    signer = register.signer(values["signer"])
    by_key = values["authenticated"] == AuthMethod.KEY.value
    keys = (signer.keys if signer is not None else ()) if by_key else register.server_keys
    matching = [k for k in keys if key_id(k) == values["key"]]
    if not matching:
        whose = f"{values['signer']}'s keys" if by_key else "the server keys"
        return forged, (
            f"{record.id} was signed with key {values['key'] or '(none)'}, which is not among "
            f"{whose} in {register.path}"
        )
    if not verifies(matching[0], values, str(record.field("signature") or "")):
        return forged, (
            f"{record.id}'s signature does not verify: the record was edited or copied after "
            "it was signed"
        )
    return SignatureState.VALID, ""


def _authority(
    record: Item,
    values: Mapping[str, str],
    register: Register,
    policy: SigningPolicy,
    fingerprints: Fingerprints,
) -> tuple[SignatureState, str]:
    target = fingerprints.graph.get(record.targets(SIGNS_LINK)[0])
    kind = target.kind if target is not None else ""
    problem = authority_problem(
        register,
        policy,
        signer_id=values["signer"],
        role=values["role"],
        meaning=values["meaning"],
        kind=DOCUMENT_KIND if DOCUMENT_FIELD in values else kind,
        when=values["signed-at"],
    )
    if problem is None:
        return SignatureState.VALID, ""
    return SignatureState.UNAUTHORISED, f"{record.id}: {problem}"


def authority_problem(
    register: Register,
    policy: SigningPolicy,
    *,
    signer_id: str,
    role: str,
    meaning: str,
    kind: str,
    when: str,
) -> str | None:
    """Why ``signer_id`` may not sign ``meaning`` on an item of ``kind`` at ``when`` in
    ``role`` (None: they may). Signing and verifying both ask this."""
    signer = register.signer(signer_id)
    if signer is None:
        return f"signer {signer_id!r} is not in the register {register.path}"
    if not signer.active_at(when):
        return (
            f"{signer.id} signed at {when}, after their account was deactivated "
            f"({signer.deactivated})"
        )
    if meaning not in policy.meanings:
        return f"{meaning!r} is not one of the project's meanings ({', '.join(policy.meanings)})"
    if role and role not in signer.roles:
        return f"{signer.id} does not hold the role {role!r} in the register"
    held = (role,) if role else signer.roles
    allowed = policy.roles_for(kind, meaning)
    if not set(held).intersection(allowed):
        return (
            f"the role {'/'.join(held) or '(none)'} may not sign {meaning!r} on a "
            f"{kind or 'missing item'} (allowed: {', '.join(allowed) or 'nobody'})"
        )
    return None


def _binding(
    record: Item, targets: Sequence[str], found: Sequence[Pin | None]
) -> tuple[SignatureState, str]:
    """Valid while every item signed is there and unchanged (a document's: each it showed)."""
    for target, bound in zip(targets, found, strict=True):
        if bound is None:
            return SignatureState.VOID, f"{record.id} signs {target}, which is no longer there"
        if bound.binding is not Binding.CURRENT:
            return SignatureState.VOID, bound.describe()
    return SignatureState.VALID, ""


class SignatureIndex:
    """Every signature record of a graph, verified once, by the item each signs."""

    __slots__ = ("_by_document", "_by_item", "checked", "policy", "register")

    def __init__(
        self, register: Register, policy: SigningPolicy, fingerprints: Fingerprints
    ) -> None:
        self.register, self.policy = register, policy
        records = fingerprints.graph.of_kind(SIGNATURE_KIND)
        self.checked = tuple(verify(r, register, policy, fingerprints) for r in records)
        self._by_item: dict[str, list[Checked]] = {}
        self._by_document: dict[str, list[Checked]] = {}
        for found in self.checked:
            if found.verdict.document:
                self._by_document.setdefault(found.verdict.document, []).append(found)
            else:
                self._by_item.setdefault(found.verdict.item, []).append(found)

    def of(self, item_id: str) -> tuple[Checked, ...]:
        """The signatures on ``item_id``, oldest first."""
        return _by_time(self._by_item.get(item_id, []))

    def of_document(self, slug: str) -> tuple[Checked, ...]:
        """The signatures on the document ``slug`` (srs, sad...), oldest first."""
        return _by_time(self._by_document.get(slug, []))

    def approving(self, item_id: str) -> tuple[Checked, ...]:
        return tuple(c for c in self.of(item_id) if c.verdict.meaning in APPROVING_MEANINGS)


def _by_time(found: Sequence[Checked]) -> tuple[Checked, ...]:
    return tuple(sorted(found, key=lambda c: (c.verdict.signed_at, c.verdict.record)))


def _normal(text: str) -> str:
    return " ".join(text.split())

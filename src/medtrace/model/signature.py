"""Electronic signatures: who may sign what (the policy and the register of signers), and
what ``check`` found of each signature record.

A signature record is an item of kind ``signature`` (one Markdown file, see
docs/format.md "Signatures"): it ``signs`` one item, keeps that item's evidence
fingerprint in its ``fingerprints`` field, and carries an Ed25519 signature over a
canonical form of everything it says (:mod:`medtrace.graph.signatures`). The policy
is ``[signatures]`` in ``medtrace.toml``; the register is the committed file of
signers and their public keys, managed by an admin (``medtrace signers``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SIGNATURE_KIND = "signature"
SIGNS_LINK = "signs"
DOCUMENT_FIELD = "document"  # a signature on a generated document: its slug (srs, sad...)
DOCUMENT_KIND = "document"  # what [signatures.allow] calls a document
MEANINGS = ("authored", "reviewed", "approved", "released")
APPROVING_MEANINGS = ("approved", "released")  # what rules that ask for an approval accept
DEFAULT_FOLDER = "signatures"
REGISTER_FILE = "signers.toml"
DEFAULT_KIND = "default"  # the [signatures.meanings] entry that applies to every other kind
# Who may sign each meaning when the project says nothing (the web roles, lowest first).
DEFAULT_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("authored", ("author", "reviewer", "approver", "admin")),
    ("reviewed", ("reviewer", "approver", "admin")),
    ("approved", ("approver", "admin")),
    ("released", ("approver", "admin")),
)


class AuthMethod(enum.Enum):
    """How the signer proved who they are at the moment of signing (11.200)."""

    PASSWORD = "password"  # web: the account's password, re-entered
    PASSWORD_TOTP = "password+totp"  # web: the password and a one-time code
    KEY = "key"  # command line: the signer's own registered private key


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRules:
    """``[signatures.accounts]``: the web application's session and password controls
    (21 CFR 11.300): sign-out after ``idle_minutes`` without a request, an account locked
    for ``lockout_minutes`` after ``lockout_after`` failed sign-ins or signatures, and
    passwords of at least ``password_min_length`` characters."""

    idle_minutes: int = 15
    lockout_after: int = 5
    lockout_minutes: int = 15
    password_min_length: int = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningPolicy:
    """``[signatures]`` of ``medtrace.toml``.

    ``allowed`` maps (kind or ``default``, meaning) to the roles that may sign it;
    ``required`` are the kinds whose approval must be a current electronic
    signature (field-based approval does not count for them); ``second_factor``
    the meanings that need a one-time code besides the password in the browser.
    """

    configured: bool = False  # the project has a [signatures] table
    folder: str = DEFAULT_FOLDER
    register: str = f"{DEFAULT_FOLDER}/{REGISTER_FILE}"
    meanings: tuple[str, ...] = MEANINGS
    allowed: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
        (DEFAULT_KIND, meaning, roles) for meaning, roles in DEFAULT_ROLES
    )
    required: tuple[str, ...] = ()
    second_factor: tuple[str, ...] = ()
    accounts: AccountRules = AccountRules()

    def roles_for(self, kind: str, meaning: str) -> tuple[str, ...]:
        """The roles that may sign ``meaning`` on an item of ``kind``."""
        for where in (kind, DEFAULT_KIND):
            rows = [roles for k, m, roles in self.allowed if k == where]
            if rows:
                found = [roles for k, m, roles in self.allowed if k == where and m == meaning]
                return found[0] if found else ()
        return ()

    def meanings_for(self, kind: str, roles: tuple[str, ...]) -> tuple[str, ...]:
        """The meanings someone holding ``roles`` may sign on an item of ``kind``."""
        held = set(roles)
        return tuple(m for m in self.meanings if held.intersection(self.roles_for(kind, m)))

    def requires(self, kind: str) -> bool:
        return kind in self.required


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    """A person who may sign: their unique id (the web account's name), printed name,
    roles, public keys (``ssh-ed25519 ...`` lines, for the command line) and, once their
    account is deactivated, from when (UTC, ISO 8601); ids are never reused."""

    id: str
    name: str
    roles: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    deactivated: str = ""
    line: int = 0

    def active_at(self, when: str) -> bool:
        return not self.deactivated or when < self.deactivated


@dataclass(frozen=True, slots=True, kw_only=True)
class Register:
    """The committed register: the signers, and the web application's public keys."""

    path: str
    signers: tuple[Signer, ...] = ()
    server_keys: tuple[str, ...] = ()

    def signer(self, signer_id: str) -> Signer | None:
        return next((s for s in self.signers if s.id == signer_id), None)


class SignatureState(enum.Enum):
    VALID = "valid"
    VOID = "void"  # the signed content changed since
    FORGED = "forged"  # the cryptographic signature does not verify: edited, copied, unknown key
    UNAUTHORISED = "unauthorised"  # unknown signer, deactivated then, or not allowed the meaning


@dataclass(frozen=True, slots=True, kw_only=True)
class SignatureVerdict:
    """What verification found of one signature record."""

    record: str  # the signature record's id
    item: str  # the id of the item it signs (a document's: the items it showed, by commas)
    signer: str
    name: str  # printed name
    meaning: str
    signed_at: str  # UTC, ISO 8601
    role: str
    authenticated: str
    state: SignatureState
    problem: str = ""  # why it is not valid, in one phrase
    document: str = ""  # the slug of the document it signs (empty: it signs an item)

    @property
    def valid(self) -> bool:
        return self.state is SignatureState.VALID

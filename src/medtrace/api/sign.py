"""Sign an item: ``medtrace sign`` with the signer's own key, and the web application with
its server key after re-authenticating the signer.

A signature is a new record (:mod:`medtrace.model.signature`) beside the project's
other signatures, numbered after the last one, naming the item, the item's evidence
fingerprint now, the signer, printed name, role, meaning, UTC time, the commit, the
reason and how the signer was authenticated, and an Ed25519 signature over all of
that (:mod:`medtrace.graph.signatures`). Before anything is written the signer must
be in the register, active, and hold a role the policy lets sign that meaning on
that kind: the same question ``check`` asks afterwards. Written under the project
lock; the web application also commits it, with the signer as author.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from medtrace.api.code import project_fingerprints
from medtrace.api.commit import Author, commit_files, commit_message
from medtrace.api.discover import find_root
from medtrace.api.load import load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.front_matter import yaml_list
from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import BINDING_FIELD
from medtrace.graph.signatures import authority_problem, key_id, public_line, sign, signed_values
from medtrace.model import Project
from medtrace.model.signature import (
    DOCUMENT_FIELD,
    DOCUMENT_KIND,
    SIGNATURE_KIND,
    SIGNS_LINK,
    AuthMethod,
    Register,
    Signer,
    SigningPolicy,
)
from medtrace.store.containment import inside
from medtrace.store.files import write_new
from medtrace.store.git import GitError, GitRepository
from medtrace.store.signatures import read_policy, read_register

_PREFIX = "SIG-"
_NUMBER = re.compile(r"^SIG-(\d+)$")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True, slots=True, kw_only=True)
class SignRequest:
    """What is to be signed, by whom and how they proved it was them."""

    item_id: str
    meaning: str
    reason: str
    signer: str  # the signer's id in the register
    role: str = ""  # the role they sign in (default: their roles in the register)
    authenticated: AuthMethod = AuthMethod.KEY


@dataclass(frozen=True, slots=True, kw_only=True)
class Signed:
    """A signature written: its record's id and file, the item, and the commit that holds
    it (web only; empty for ``medtrace sign``, whose record the signer commits)."""

    id: str
    path: Path
    item: str
    fingerprint: str
    commit: str = ""


def signing_setup(start: Path) -> tuple[Register, SigningPolicy]:
    """The register and policy of the project at or above ``start``."""
    root = find_root(start)
    policy = read_policy(root)
    return read_register(root, policy), policy


def utc_text(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime(TIME_FORMAT)


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """What a record signs: its items (one, or each a document shows), the kind the policy
    names (``document`` for a document), the document's slug, and how messages name it."""

    items: tuple[str, ...]
    kind: str
    named: str
    document: str = ""


def sign_item(
    start: Path,
    request: SignRequest,
    key: Ed25519PrivateKey,
    *,
    now: dt.datetime,
    author: Author | None = None,
    checked: bool = True,
    on_wait: OnWait | None = None,
) -> Signed:
    """Write (and with ``author``, commit) a signature record of ``request`` signed with
    ``key``. ``checked=False`` skips the authority check (tests of what ``check`` finds);
    ``on_wait`` is told when another writer holds the project lock."""

    def target(project: Project, graph: TraceGraph) -> Target:
        item = graph.get(request.item_id)
        if item is None:
            raise ProjectError(f"no item {request.item_id!r} in the project")
        return Target(items=(item.id,), kind=item.kind, named=item.id)

    return _sign(
        start, request, key, target, now=now, author=author, checked=checked, on_wait=on_wait
    )


def sign_document(
    start: Path,
    request: SignRequest,
    key: Ed25519PrivateKey,
    *,
    now: dt.datetime,
    author: Author | None = None,
    checked: bool = True,
    on_wait: OnWait | None = None,
) -> Signed:
    """Sign the generated document ``request.item_id`` (its slug: srs, sad...) as it is now:
    the record signs each item the document shows, by its fingerprint, so a change to any
    of them voids it."""

    def target(project: Project, graph: TraceGraph) -> Target:
        from medtrace.api.documents import SLUGS, assemble, shown_items

        found = [d for d in assemble(Path(project.root)).documents if d.slug == request.item_id]
        if not found:
            raise ProjectError(
                f"no document {request.item_id!r} at the project's class (documents: "
                f"{', '.join(SLUGS)})"
            )
        items = shown_items(found[0])
        if not items:
            raise ProjectError(f"the document {request.item_id} shows no item to sign")
        named = f"the document {request.item_id} ({found[0].control.title})"
        return Target(items=items, kind=DOCUMENT_KIND, named=named, document=request.item_id)

    return _sign(
        start, request, key, target, now=now, author=author, checked=checked, on_wait=on_wait
    )


def _sign(
    start: Path,
    request: SignRequest,
    key: Ed25519PrivateKey,
    target_of: Callable[[Project, TraceGraph], Target],
    *,
    now: dt.datetime,
    author: Author | None,
    checked: bool,
    on_wait: OnWait | None,
) -> Signed:
    if not request.reason.strip():
        raise ProjectError("a signature needs a reason or comment (say what you sign and why)")
    holder = f"medtrace sign: {request.signer}"
    with project_writer(start, on_wait=on_wait, holder=holder) as root:
        project = load_project(root)
        graph = TraceGraph(project.items, project.config.schema)
        target = target_of(project, graph)
        policy = read_policy(root)
        register = read_register(root, policy)
        when = utc_text(now)
        request = _authorised(register, policy, request, key, target.kind, when, checked)
        signer = register.signer(request.signer)
        fingerprints = project_fingerprints(project, graph)
        pins = [(item_id, fingerprints.of(item_id) or "") for item_id in target.items]
        record_id = _next_id(graph)
        path = inside(root, Path(policy.folder) / f"{record_id}.md", "[signatures] folder")
        text = record_text(
            record_id=record_id,
            request=request,
            target=target,
            name=signer.name if signer is not None else request.signer,
            when=when,
            commit=_head(root),
            pins=pins,
            key=key,
        )
        write_new(path, text.encode("utf-8"))
        commit = _commit(root, path, request, target, author) if author is not None else ""
    fingerprint = pins[0][1] if not target.document else ""
    return Signed(id=record_id, path=path, item=request.item_id, fingerprint=fingerprint,
                  commit=commit)  # fmt: skip


def _authorised(
    register: Register,
    policy: SigningPolicy,
    request: SignRequest,
    key: Ed25519PrivateKey,
    kind: str,
    when: str,
    checked: bool,
) -> SignRequest:
    """``request`` with its role filled in (the first of the signer's roles that may sign
    the meaning); :class:`MedtraceError` when it may not be signed (unless not ``checked``)."""
    problem = authority_problem(
        register, policy, signer_id=request.signer, role=request.role,
        meaning=request.meaning, kind=kind, when=when,
    ) or _key_problem(register, request, key)  # fmt: skip
    if checked and problem is not None:
        raise MedtraceError(f"cannot sign {request.item_id}: {problem}")
    signer = register.signer(request.signer)
    if request.role or signer is None:
        return request
    allowed = policy.roles_for(kind, request.meaning)
    return dataclasses.replace(request, role=next((r for r in signer.roles if r in allowed), ""))


def record_text(
    *,
    record_id: str,
    request: SignRequest,
    target: Target,
    name: str,
    when: str,
    commit: str,
    pins: Sequence[tuple[str, str]],
    key: Ed25519PrivateKey,
) -> str:
    """The record's file: front matter a person reads in a pull request, and a sentence."""
    subject = target.document.upper() if target.document else target.named
    title = f"{request.meaning.capitalize()}: {subject}"
    body = (
        f"Signed electronically by {name} ({request.signer}) as {request.meaning} on "
        f"{when.replace('T', ' ').removesuffix('Z')} UTC"
        + (f": {target.named}, the items it showed." if target.document else ".")
    )
    fields = {
        "signer": request.signer,
        "name": name,
        "role": request.role,
        "meaning": request.meaning,
        "signed_at": when,
        "commit": commit,
        "reason": " ".join(request.reason.split()),
        "authenticated": request.authenticated.value,
        "key": key_id(public_line(key)),
    }
    values = signed_values(record_id=record_id, pins=pins, title=title, body=body,
                           document=target.document, **fields)  # fmt: skip
    lines = ["---", f"id: {record_id}", f"kind: {SIGNATURE_KIND}", f"title: {_quoted(title)}"]
    if target.document:
        lines.append(f"{DOCUMENT_FIELD}: {_quoted(target.document)}")
    lines.append(f"{SIGNS_LINK}:{yaml_list([item for item, _ in pins])}")
    lines.append(f"{BINDING_FIELD}:{yaml_list([f'{item}@{fp}' for item, fp in pins])}")
    for field, value in fields.items():
        if value:
            lines.append(f"{field.replace('_', '-')}: {_quoted(value)}")
    lines += [f"signature: {sign(key, values)}", "---", body, ""]
    return "\n".join(lines)


def load_private_key(path: Path, passphrase: Callable[[], str] | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key from an OpenSSH (``id_ed25519``) or PEM file; ``passphrase``
    is asked when the key is encrypted."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MedtraceError(f"{path}: cannot read the key ({error.strerror})") from None
    loader = (
        serialization.load_ssh_private_key
        if b"OPENSSH PRIVATE KEY" in data
        else serialization.load_pem_private_key
    )
    try:
        key = loader(data, None)
    except TypeError:  # encrypted: a passphrase is needed
        if passphrase is None:
            raise MedtraceError(f"{path}: the key is encrypted; no passphrase given") from None
        try:
            key = loader(data, passphrase().encode("utf-8"))
        except ValueError:
            raise MedtraceError(f"{path}: the passphrase does not open the key") from None
    except ValueError as error:
        raise MedtraceError(f"{path}: not an OpenSSH or PEM private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise MedtraceError(f"{path}: not an Ed25519 key (medtrace signs with Ed25519 only)")
    return key


def create_key(path: Path, comment: str) -> None:
    """A new Ed25519 key at ``path`` (OpenSSH format, readable by the owner only) and its
    public half at ``path.pub``."""
    key = Ed25519PrivateKey.generate()
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    path.with_name(path.name + ".pub").write_text(public_line(key, comment) + "\n", "utf-8")


def signer_of_key(register: Register, key: Ed25519PrivateKey) -> Signer:
    """The signer whose registered keys include ``key``'s public half."""
    wanted = key_id(public_line(key))
    for signer in register.signers:
        if any(key_id(line) == wanted for line in signer.keys):
            return signer
    raise MedtraceError(
        f"the key {wanted} is not registered in {register.path}",
        hint="an admin registers it: medtrace signers add-key ID KEY.pub",
    )


def server_key_problem(start: Path, key: Ed25519PrivateKey) -> str | None:
    """Why the web application cannot sign with ``key`` (None: it is registered)."""
    register, _ = signing_setup(start)
    request = SignRequest(item_id="", meaning="", reason="", signer="",
                          authenticated=AuthMethod.PASSWORD)  # fmt: skip
    return _key_problem(register, request, key)


def _key_problem(register: Register, request: SignRequest, key: Ed25519PrivateKey) -> str | None:
    """Why ``key`` may not sign for ``request`` (None: ``check`` will find it registered)."""
    wanted = key_id(public_line(key))
    if request.authenticated is AuthMethod.KEY:
        signer = register.signer(request.signer)
        keys = signer.keys if signer is not None else ()
        whose = f"{request.signer}'s keys"
        hint = f"medtrace signers add {request.signer} --key KEY.pub"
    else:
        keys, whose = register.server_keys, "the server keys"
        hint = "medtrace signers server-key .medtrace-web/signing-key.pub"
    if any(key_id(line) == wanted for line in keys):
        return None
    return f"the key {wanted} is not among {whose} in {register.path} (an admin adds it: {hint})"


def _commit(root: Path, path: Path, request: SignRequest, target: Target, author: Author) -> str:
    message = commit_message(f"Sign {target.named} ({request.meaning})", request.reason)
    relative = path.relative_to(root).as_posix()
    try:
        return commit_files(root, [relative], author=author, message=message)
    except MedtraceError:
        path.unlink(missing_ok=True)
        raise


def _next_id(graph: TraceGraph) -> str:
    numbers = [int(m.group(1)) for item in graph if (m := _NUMBER.match(item.id))]
    return f"{_PREFIX}{max(numbers, default=0) + 1:04d}"


def _head(root: Path) -> str:
    try:
        return GitRepository.containing(root).rev_parse("HEAD")
    except GitError:
        return ""


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)

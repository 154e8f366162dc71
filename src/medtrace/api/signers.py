"""The register of signers managed: people added with their roles and keys, deactivated
(never removed: an id is never reused, and past signatures keep naming it), and the web
application's public key registered. Each change is written under the project lock
(:mod:`medtrace.api.writing`); the admin commits it, so the change of who may sign is
reviewed like any other."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from medtrace.api.discover import find_root
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError
from medtrace.graph.signatures import key_id, public_key
from medtrace.model.signature import Register, Signer
from medtrace.store.signatures import read_policy, read_register, write_register

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def register_of(start: Path) -> Register:
    root = find_root(start)
    return read_register(root, read_policy(root))


def add_signer(
    start: Path,
    signer_id: str,
    *,
    name: str,
    roles: Sequence[str],
    keys: Sequence[str] = (),
    on_wait: OnWait | None = None,
) -> Signer:
    """Add ``signer_id`` (a new id: ids are never reused) or, for one already there and
    active, set their printed name and roles and add ``keys``."""
    for line in keys:
        _check_key(line)
    with project_writer(start, on_wait=on_wait) as root:
        register = read_register(root, read_policy(root))
        existing = register.signer(signer_id)
        if existing is not None and existing.deactivated:
            raise MedtraceError(
                f"{signer_id} was deactivated at {existing.deactivated}; ids are never reused"
            )
        known = existing.keys if existing is not None else ()
        signer = Signer(
            id=signer_id,
            name=name or (existing.name if existing is not None else signer_id),
            roles=tuple(dict.fromkeys(roles)) or (existing.roles if existing else ()),
            keys=tuple(dict.fromkeys((*known, *(k.strip() for k in keys)))),
        )
        _write(root, register, signer)
    return signer


def deactivate_signer(
    start: Path, signer_id: str, *, now: dt.datetime, on_wait: OnWait | None = None
) -> Signer:
    """Mark ``signer_id`` deactivated from ``now`` on (their earlier signatures stay valid)."""
    with project_writer(start, on_wait=on_wait) as root:
        register = read_register(root, read_policy(root))
        existing = register.signer(signer_id)
        if existing is None:
            raise MedtraceError(f"no signer {signer_id!r} in {register.path}")
        if existing.deactivated:
            return existing
        signer = dataclasses.replace(
            existing, deactivated=now.astimezone(dt.UTC).strftime(TIME_FORMAT)
        )
        _write(root, register, signer)
    return signer


def add_server_key(start: Path, line: str, *, on_wait: OnWait | None = None) -> str:
    """Register the web application's public key; returns its fingerprint."""
    _check_key(line)
    with project_writer(start, on_wait=on_wait) as root:
        register = read_register(root, read_policy(root))
        if all(key_id(k) != key_id(line) for k in register.server_keys):
            updated = dataclasses.replace(
                register, server_keys=(*register.server_keys, line.strip())
            )
            write_register(root, updated)
    return key_id(line)


def _write(root: Path, register: Register, signer: Signer) -> None:
    others = tuple(s for s in register.signers if s.id != signer.id)
    write_register(root, dataclasses.replace(register, signers=(*others, signer)))


def _check_key(line: str) -> None:
    if public_key(line) is None:
        raise MedtraceError(
            f"{line[:40]!r}... is not an OpenSSH Ed25519 public key (ssh-ed25519 AAAA...)"
        )

"""``medtrace server backup`` and ``restore``: the database's content (accounts, roles,
second factors, failed sign-ins and the hash-chained audit log, as Django fixtures in XML,
which keeps every digit of a time), the project's repository as a git bundle of every ref,
and the state folder's keys, with a manifest of SHA-256 hashes.

The backup is taken with the write lock held (:func:`medtrace.web.services.sharing.
write_lock`), so no change lands between the dump and the bundle: the audit log and git
agree in it even when taken under load. Restore refuses a backup whose files do not match
the manifest, a target folder that is not empty, and a database that already holds
accounts or audit entries; afterwards the audit log verifies against the restored
repository.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from medtrace import __version__
from medtrace.api.shared_repo import bundle_repository, clone_bundle
from medtrace.errors import MedtraceError

MANIFEST = "manifest.json"
# XML, not JSON: Django's JSON encoder cuts times to milliseconds, and an audit entry's
# digest covers its time to the microsecond (the XML deserialiser is defusedxml's)
DATABASE = "database.xml"
BUNDLE = "repository.bundle"
KEYS = ("secret-key", "signing-key", "signing-key.pub")  # of the state folder
# Django's own rows that migrate makes again, and sessions (nobody stays signed in)
EXCLUDED = ("contenttypes", "auth.permission", "sessions")


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupSummary:
    folder: Path
    events: int
    head: str
    files: int


def backup(root: Path, state: Path, folder: Path) -> BackupSummary:
    """Write the backup of the project at ``root`` (state folder ``state``) into the new
    folder ``folder``."""
    try:
        folder.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        raise MedtraceError(f"{folder}: already exists; back up into a new folder") from None
    from django.core.management import call_command

    from medtrace.web.models import AuditEvent
    from medtrace.web.services import sharing

    files: dict[str, str] = {}
    with sharing.write_lock(root):
        dump = io.StringIO()
        call_command("dumpdata", "--natural-foreign", "--natural-primary", "--format", "xml",
                     "--indent", "1",
                     *(f"--exclude={name}" for name in EXCLUDED), stdout=dump)  # fmt: skip
        _write(folder / DATABASE, dump.getvalue().encode("utf-8"), files)
        head, prefix = bundle_repository(root, folder / BUNDLE)
        files[BUNDLE] = _sha256(folder / BUNDLE)
        events = AuditEvent.objects.count()
        last = AuditEvent.objects.order_by("-seq").first()
    for name in KEYS:
        if (state / name).exists():
            _write(folder / "state" / name, (state / name).read_bytes(), files, key=True)
    manifest = {
        "medtrace": __version__,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "head": head,
        "project-folder": prefix,
        "audit-events": events,
        "audit-last-digest": last.digest if last else "",
        "files": dict(sorted(files.items())),
    }
    _write(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"), {})
    return BackupSummary(folder=folder, events=events, head=head, files=len(files))


def read_manifest(folder: Path) -> dict[str, object]:
    """The manifest, every file it lists checked against its hash (else a clear error)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MedtraceError(f"{folder / MANIFEST}: not a medtrace backup ({error})") from None
    for name, digest in files.items():
        path = folder / name
        if not path.is_file():
            raise MedtraceError(f"{path}: listed in the manifest but missing")
        if _sha256(path) != digest:
            raise MedtraceError(f"{path}: does not match its hash in the manifest")
    return dict(manifest)


def unpack(folder: Path, target: Path, state_name: str) -> Path:
    """The first half of a restore, before Django starts: the backup checked against its
    manifest, the repository cloned into ``target`` (new or empty) and the keys put into
    its state folder ``state_name``; the project's root."""
    manifest = read_manifest(folder)
    root = clone_bundle(folder / BUNDLE, target, str(manifest.get("project-folder", ".")))
    state = root / state_name
    for name in KEYS:
        if (folder / "state" / name).exists():
            _write(state / name, (folder / "state" / name).read_bytes(), {}, key=True)
    return root


def load(folder: Path) -> int:
    """The second half: the rows loaded into the (migrated, empty) database; the number of
    audit events restored."""
    from django.core.management import call_command
    from django.db import transaction

    from medtrace.web.models import AuditEvent

    manifest = read_manifest(folder)
    if AuditEvent.objects.exists() or _has_accounts():
        raise MedtraceError(
            "the database already holds accounts or audit entries; restore into an empty one"
        )
    with transaction.atomic():
        call_command("loaddata", str(folder / DATABASE), verbosity=0)
    restored = int(AuditEvent.objects.count())
    if restored != manifest.get("audit-events"):
        raise MedtraceError(f"restored {restored} audit events, the manifest says "
                            f"{manifest.get('audit-events')}")  # fmt: skip
    return restored


def _has_accounts() -> bool:
    from django.contrib.auth import get_user_model

    return bool(get_user_model().objects.exists())


def _write(path: Path, data: bytes, files: dict[str, str], *, key: bool = False) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    if files is not None and path.name != MANIFEST:
        relative = path.relative_to(path.parents[1] if key else path.parent).as_posix()
        files[relative] = hashlib.sha256(data).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

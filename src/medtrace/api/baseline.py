"""Baselines: a named state of the project, kept as an annotated git tag.

Baseline ``NAME`` is the tag ``medtrace/baseline/NAME`` on the commit that was
``HEAD`` when it was made: what is committed, never uncommitted edits (they are
listed so the user can tell). The tag's message is the user's message, then a
manifest: the commit, the configuration's hash, and per item its id, kind, path
and the SHA-256 of its file's bytes at that commit, sorted, as JSON. The
manifest lets an auditor check a release's records without trusting medtrace.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.discover import NAME_NOT_UTF8
from medtrace.api.revision import BASELINE_TAG_PREFIX, locate, read_revisions
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.graph.fingerprint import own_fingerprint
from medtrace.model import CACHE_DIR, CONFIG_FILE, Finding
from medtrace.store.git import GitError

MANIFEST_FORMAT = 1
MANIFEST_MARKER = "--- medtrace baseline manifest ---"
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_-])?$")


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class ManifestEntry:
    """One item of a baseline: id, kind, path (project-relative), the SHA-256 of its
    file, and the fingerprint of its normative content (what suspect links compare)."""

    id: str
    path: str
    kind: str
    sha256: str
    fingerprint: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """What a baseline holds. ``project`` is the project's folder in the repository."""

    name: str
    commit: str
    commit_date: str
    project: str
    config_sha256: str
    items: tuple[ManifestEntry, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """A baseline as listed: name, commit, when the tag was made, its message's first line."""

    name: str
    commit: str
    date: str
    subject: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatedBaseline:
    """A new baseline, and the project's files whose uncommitted changes it does not hold."""

    manifest: Manifest
    tag: str
    uncommitted: tuple[str, ...]


def baseline_tag(name: str) -> str:
    """The tag of baseline ``name``; refuses a malformed name."""
    if not _NAME.match(name) or ".." in name or name.endswith(".lock"):
        raise ProjectError(
            f"baseline name {name[:60]!r} is malformed: use letters, digits, '.', '-' or '_'"
            " (e.g. release-1.2)"
        )
    return BASELINE_TAG_PREFIX + name


def create_baseline(
    start: Path, name: str, message: str = "", *, on_wait: OnWait | None = None
) -> CreatedBaseline:
    """Tag the project's committed ``HEAD`` as baseline ``name`` with a manifest."""
    tag = baseline_tag(name)
    with project_writer(start, on_wait=on_wait):
        located = locate(start)
        repository = located.repository
        if repository.ref_exists(f"refs/tags/{tag}"):
            raise GitError(f"baseline {name!r} already exists (tag {tag})")
        if not repository.has_commits():
            raise GitError("the repository has no commits yet: commit the project first")
        head = repository.rev_parse("HEAD")
        snapshot = read_revisions(located, [head])[0]
        _refuse_unnamed(snapshot.project.diagnostics)
        items = snapshot.project.items
        config, *contents = repository.read_blobs(
            [
                f"{head}:{located.prefix}{CONFIG_FILE}",
                *(snapshot.blobs[i.source.path] for i in items),
            ]
        )
        ignore = snapshot.project.config.non_normative
        entries = (
            ManifestEntry(
                id=item.id,
                path=item.source.path,
                kind=item.kind,
                sha256=_sha256(data),
                fingerprint=own_fingerprint(item, ignore),
            )
            for item, data in zip(items, contents, strict=True)
        )
        manifest = Manifest(
            name=name,
            commit=head,
            commit_date=repository.commit_date(head),
            project=located.prefix.rstrip("/") or ".",
            config_sha256=_sha256(config),
            items=tuple(sorted(entries)),
        )
        text = message.strip() or f"medtrace baseline {name}"
        repository.create_tag(tag, head, f"{text}\n\n{MANIFEST_MARKER}\n{manifest_json(manifest)}")
        uncommitted = (
            path.removeprefix(located.prefix) for path in repository.uncommitted(located.prefix)
        )
        shown = tuple(path for path in uncommitted if not path.startswith(f"{CACHE_DIR}/"))
        return CreatedBaseline(manifest=manifest, tag=tag, uncommitted=shown)


def _refuse_unnamed(diagnostics: Sequence[Finding]) -> None:
    """Refuse a baseline that would leave out item files whose names are not UTF-8."""
    unnamed = sorted(f.location.path for f in diagnostics if f.message == NAME_NOT_UTF8)
    if unnamed:
        more = f" (and {len(unnamed) - 1} more)" if len(unnamed) > 1 else ""
        raise ProjectError(
            f"{unnamed[0]}{more}: the file name is not UTF-8, so the baseline would leave "
            "it out; nothing was tagged",
            hint="rename the file (git mv) and commit",
        )


def list_baselines(start: Path) -> tuple[Baseline, ...]:
    """The repository's baselines, oldest first."""
    repository = locate(start).repository
    return tuple(
        Baseline(
            name=tag.name.removeprefix(BASELINE_TAG_PREFIX),
            commit=tag.commit,
            date=tag.date,
            subject=tag.subject,
        )
        for tag in repository.tags(BASELINE_TAG_PREFIX)
    )


def read_baseline(start: Path, name: str) -> Manifest:
    """The manifest stored in baseline ``name``."""
    tag = baseline_tag(name)
    repository = locate(start).repository
    if not repository.ref_exists(f"refs/tags/{tag}"):
        raise GitError(f"no baseline {name!r} (no tag {tag})")
    # The last marker: a message may quote one, the JSON after it cannot hold a line break.
    _, marker, document = repository.tag_message(tag).rpartition(f"\n{MANIFEST_MARKER}\n")
    try:
        if not marker:
            raise ValueError("no manifest")
        return parse_manifest(document)
    except (ValueError, KeyError, TypeError):
        raise GitError(f"tag {tag} holds no readable medtrace manifest") from None


def manifest_json(manifest: Manifest) -> str:
    """The manifest as JSON: keys in a fixed order, items sorted, one item per line."""
    head = {
        "format": MANIFEST_FORMAT,
        "baseline": manifest.name,
        "commit": manifest.commit,
        "commit_date": manifest.commit_date,
        "project": manifest.project,
        "config_sha256": manifest.config_sha256,
    }
    lines = [
        json.dumps(
            {
                "id": e.id,
                "kind": e.kind,
                "path": e.path,
                "sha256": e.sha256,
                "fingerprint": e.fingerprint,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        for e in manifest.items
    ]
    opening = json.dumps(head, sort_keys=True, ensure_ascii=False)[:-1]
    return f'{opening}, "items": [\n' + ",\n".join(lines) + "\n]}\n"


def parse_manifest(document: str) -> Manifest:
    """Read :func:`manifest_json`'s output back. Raises ``ValueError`` if it is not one."""
    raw = json.loads(document)
    if raw["format"] != MANIFEST_FORMAT:
        raise ValueError(f"manifest format {raw['format']!r}")
    return Manifest(
        name=str(raw["baseline"]),
        commit=str(raw["commit"]),
        commit_date=str(raw["commit_date"]),
        project=str(raw["project"]),
        config_sha256=str(raw["config_sha256"]),
        items=tuple(
            ManifestEntry(
                id=str(entry["id"]),
                path=str(entry["path"]),
                kind=str(entry["kind"]),
                sha256=str(entry["sha256"]),
                fingerprint=str(entry.get("fingerprint", "")),
            )
            for entry in raw["items"]
        ),
    )


def _sha256(data: bytes | None) -> str:
    return hashlib.sha256(data or b"").hexdigest()

"""Release a commit (``medtrace release make``, 5.8.4-5.8.8, 6.3).

Under the project lock, in an order where a failure leaves nothing behind:

1. the release gate (:func:`medtrace.api.release.release_check`) passes, or a
   justification is given (recorded with every reason it overrides);
2. the release record ``releases/REL-VERSION.md`` is written: the version, the
   commit, the tools, and the build record (the artifacts given with
   ``--artifact``, by file name and SHA-256, and the build command or CI run);
3. the document set is built (so its release notes show this release) and
   archived with the SBOM, the test runs and test records bound to the commit,
   and a manifest of SHA-256 hashes of every configuration item and member;
4. the commit is tagged ``medtrace/release/VERSION``, the archive's hash in the
   tag's message.

A failure before the tag removes the record and the archive again: no tag
without its record, no record without its tag. The outputs go to a folder that
git ignores (it gets a ``.gitignore`` of its own), so the next release check is
not blocked by them; the record is to be committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import platform
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medtrace import __version__
from medtrace.api.load import LoadOptions
from medtrace.api.release import ReleaseCheck, record_path, release_check
from medtrace.api.revision import Located, locate, read_revisions
from medtrace.api.writing import OnWait
from medtrace.errors import MedtraceError, ProjectError
from medtrace.model import CONFIG_FILE, Item
from medtrace.model.results import RUNS_FOLDER
from medtrace.store.files import write_atomic
from medtrace.store.git import GitError
from medtrace.store.lock import project_lock

MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT = 2  # 2: the SBOM, bound evidence and the build record are archived
DOCUMENT_FORMATS = ("html", "md", "pdf", "docx")
# Libraries whose versions go into the manifest: they shape the documents and the SBOM.
LIBRARIES = (
    "cyclonedx-python-lib",
    "typst",
    "python-docx",
    "Jinja2",
    "markdown-it-py",
    "nh3",
    "lxml",
    "PyYAML",
    "openpyxl",
    "click",
)
SBOM_NAME = "sbom.cdx.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Build:
    """How the released software was built (5.8.5): what the user says, and the artifacts."""

    artifacts: tuple[Path, ...] = ()
    command: str = ""
    ci_run: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseMade:
    """What ``release_make`` wrote: the archive, the record, the tag and the manifest."""

    check: ReleaseCheck
    tag: str
    record: Path
    archive: Path
    archive_sha256: str
    documents: tuple[Path, ...]
    manifest: dict[str, object] = field(repr=False)
    justification: str | None = None


class ReleaseBlockedError(MedtraceError):
    """The release check failed and no justification was given: nothing was written."""

    def __init__(self, check: ReleaseCheck) -> None:
        count = len(check.reasons)
        super().__init__(
            f"release {check.version} is blocked by {count} reason{'s' if count != 1 else ''};"
            " nothing was written",
            hint="fix them (medtrace release check lists them) or give --justification",
        )
        self.check = check


def release_make(
    start: Path,
    version: str,
    justification: str | None = None,
    output: Path | None = None,
    formats: Sequence[str] = ("html", "md"),
    options: LoadOptions | None = None,
    build: Build | None = None,
    on_wait: OnWait | None = None,
) -> ReleaseMade:
    """Release ``HEAD`` as ``version`` (see the module's description for the order)."""
    unknown = [f for f in formats if f not in DOCUMENT_FORMATS]
    if unknown or not formats:
        raise ProjectError(
            f"unknown document format {', '.join(unknown) or '(none)'}: choose from "
            f"{', '.join(DOCUMENT_FORMATS)}"
        )
    build = build or Build()
    artifacts = [_artifact(path) for path in build.artifacts]  # unreadable: refused first
    justification = (justification or "").strip() or None
    located = locate(start)
    with project_lock(located.root, on_wait=on_wait):
        check = release_check(start, version, "HEAD", options)
        taken = [r for r in check.reasons if r.code == "release/already-released"]
        if taken:
            raise GitError(f"{taken[0].message}: choose a new version")
        if not check.passed and justification is None:
            raise ReleaseBlockedError(check)
        output = output or located.root / "dist" / f"release-{version}"
        record = located.root / record_path(version)
        try:
            return _make(located, check, output, record, formats, artifacts, build, justification)
        except BaseException:
            record.unlink(missing_ok=True)
            shutil.rmtree(output / "documents", ignore_errors=True)
            (output / _archive_name(version)).unlink(missing_ok=True)
            raise


def _make(
    located: Located,
    check: ReleaseCheck,
    output: Path,
    record: Path,
    formats: Sequence[str],
    artifacts: Sequence[dict[str, str]],
    build: Build,
    justification: str | None,
) -> ReleaseMade:
    from medtrace.api.documents import build_documents  # imported when a release is made
    from medtrace.api.soup import export_sbom

    root, repository, prefix = located.root, located.repository, located.prefix
    output.mkdir(parents=True, exist_ok=True)
    write_atomic(output / ".gitignore", b"# medtrace release outputs: never committed\n*\n")
    write_atomic(record, _record(check, artifacts, build, justification).encode())

    commit = check.revision
    snapshot = read_revisions(located, [commit])[0]
    items = snapshot.project.items
    config_blob, *contents = repository.read_blobs(
        [f"{commit}:{prefix}{CONFIG_FILE}", *(snapshot.blobs[i.source.path] for i in items)]
    )
    built = build_documents(root, output / "documents", tuple(formats), release=check.version)
    members = _members(output / "documents", built.files)
    members.append((SBOM_NAME, export_sbom(root).encode("utf-8")))
    members += _evidence(root, check)
    manifest = _manifest(check, located, items, contents, config_blob, record, members)
    manifest["build"] = {"command": build.command, "ci_run": build.ci_run, "artifacts": artifacts}
    manifest["justification"] = justification
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    data = _zip([*members, (MANIFEST_NAME, manifest_bytes)], check.date)
    archive = output / _archive_name(check.version)
    write_atomic(archive, data)
    archive_sha = _sha256(data)
    message = _tag_message(check, manifest, archive.name, archive_sha, justification)
    repository.create_tag(check.tag, commit, message)
    return ReleaseMade(
        check=check,
        tag=check.tag,
        record=record,
        archive=archive,
        archive_sha256=archive_sha,
        documents=tuple(built.files),
        manifest=manifest,
        justification=justification,
    )


def _manifest(
    check: ReleaseCheck,
    located: Located,
    items: Sequence[Item],
    contents: Sequence[bytes | None],
    config_blob: bytes | None,
    record: Path,
    members: Sequence[tuple[str, bytes]],
) -> dict[str, object]:
    """What the archive holds and what it was made of, with their SHA-256 hashes."""
    return {
        "format": MANIFEST_FORMAT,
        "project": check.project,
        "version": check.version,
        "commit": check.revision,
        "date": check.date,
        "tag": check.tag,
        "project_folder": located.prefix.rstrip("/") or ".",
        "tools": _tools(),
        "soup": [
            {
                "id": s.id,
                "title": s.title,
                "version": str(s.field("version") or ""),
                "purl": str(s.field("purl") or ""),
            }
            for s in sorted(items, key=lambda i: i.id)
            if s.kind == "soup"
        ],
        "config_sha256": _sha256(config_blob or b""),
        "configuration_items": sorted(
            (
                {
                    "path": item.source.path,
                    "id": item.id,
                    "kind": item.kind,
                    "sha256": _sha256(data or b""),
                }
                for item, data in zip(items, contents, strict=True)
            ),
            key=lambda entry: entry["path"],
        ),
        "release_record": {
            "path": record_path(check.version),
            "sha256": _sha256(record.read_bytes()),
        },
        "files": [{"path": name, "sha256": _sha256(data)} for name, data in sorted(members)],
        "known_anomalies": list(check.anomalies),
        "change_control_since": check.since,
        "overridden": [str(r) for r in check.reasons],
    }


def _archive_name(version: str) -> str:
    return f"medtrace-release-{version}.zip"


def _artifact(path: Path) -> dict[str, str]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ProjectError(f"--artifact {path}: cannot be read ({error.strerror})") from None
    return {"name": path.name, "sha256": _sha256(data), "bytes": str(len(data))}


def _evidence(root: Path, check: ReleaseCheck) -> list[tuple[str, bytes]]:
    """The test runs (``evidence/runs/``) and records (``evidence/records/``) that count
    for the release."""
    found = []
    for path in check.evidence:
        runs = f"{RUNS_FOLDER}/"
        name = f"runs/{path[len(runs) :]}" if path.startswith(runs) else f"records/{path}"
        found.append((f"evidence/{name}", (root / path).read_bytes()))
    return found


def _members(folder: Path, files: Iterable[Path]) -> list[tuple[str, bytes]]:
    """The archive's document members: ``documents/PATH`` by path, sorted."""
    found = {}
    for path in files:
        try:
            name = path.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            name = path.name
        found[f"documents/{name}"] = path.read_bytes()
    return sorted(found.items())


def _zip(members: Sequence[tuple[str, bytes]], date: str) -> bytes:
    """A deterministic zip: members sorted, every timestamp the commit's, no extra fields."""
    moment = dt.datetime.fromisoformat(date)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute,
             moment.second // 2 * 2)  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _tools() -> dict[str, str]:
    tools = {"medtrace": __version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            tools[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return tools


def _tag_message(
    check: ReleaseCheck,
    manifest: dict[str, object],
    archive: str,
    archive_sha: str,
    justification: str | None,
) -> str:
    items = manifest["configuration_items"]
    documents = manifest["files"]
    lines = [
        f"medtrace release {check.version}",
        "",
        f"project: {check.project}",
        f"commit: {check.revision}",
        f"date: {check.date}",
        f"archive: {archive} sha256 {archive_sha}",
        f"configuration items: {len(items) if isinstance(items, list) else 0}",
        f"archived files: {len(documents) if isinstance(documents, list) else 0}",
        f"known anomalies: {len(check.anomalies)}",
    ]
    if justification is not None:
        lines += ["", f"released over {len(check.reasons)} reasons: {justification}"]
        lines += [f"- {reason}" for reason in check.reasons]
    return "\n".join(lines) + "\n"


def _record(
    check: ReleaseCheck,
    artifacts: Sequence[dict[str, str]],
    build: Build,
    justification: str | None,
) -> str:
    tools = _tools()
    lines_of_build = [
        f"Commit {check.revision} ({check.date}), released with medtrace release make.",
        f"medtrace {tools['medtrace']} on Python {tools['python']}; "
        + ", ".join(f"{k} {v}" for k, v in tools.items() if k not in ("medtrace", "python")),
    ]
    if build.command:
        lines_of_build.append(f"Built with: {build.command}")
    if build.ci_run:
        lines_of_build.append(f"CI run: {build.ci_run}")
    lines_of_build += [f"Artifact {a['name']}, SHA-256 {a['sha256']}" for a in artifacts]
    if not (build.command or build.ci_run or artifacts):
        lines_of_build.append("No build command, CI run or artifact was given to the release.")
    lines = [
        "---",
        f"id: REL-{check.version}",
        "kind: release",
        f"title: {json.dumps(f'Release {check.version}')}",
        "status: approved",
        f"version: {json.dumps(check.version)}",
        f"date: {check.date[:10]}",
        f"revision: {json.dumps(check.revision)}",
        "build: |-",
        *(f"  {line}" for line in lines_of_build),
        f"archive: {json.dumps(_archive_name(check.version) + ' (SHA-256 in the tag message)')}",
        *_list("artifacts", [f"{a['name']} sha256:{a['sha256']}" for a in artifacts]),
        *_list("known-anomalies", list(check.anomaly_ids)),
        *_list("overridden", [str(r) for r in check.reasons] if justification else []),
        *([f"justification: {json.dumps(justification)}"] if justification else []),
        "---",
        f"Release {check.version} of {check.project}, tag `{check.tag}`. The archive "
        f"{_archive_name(check.version)} holds the documents, the SBOM, the test runs and "
        "records of this commit and a manifest of their SHA-256 hashes; its own hash is in "
        "the tag's message.",
        "",
    ]
    if check.anomalies:
        lines += ["Known residual anomalies (5.8.2):", ""]
        lines += [f"- {anomaly}" for anomaly in check.anomalies]
        lines.append("")
    if justification is not None:
        lines += [
            f"Released although the release check gave {len(check.reasons)} reasons.",
            "",
            f"Justification: {justification}",
            "",
        ]
        lines += [f"- {reason}" for reason in check.reasons]
        lines.append("")
    return "\n".join(lines)


def _list(name: str, values: Sequence[str]) -> list[str]:
    """A front matter list, one JSON-quoted entry a line (nothing when empty)."""
    return [f"{name}:", *(f"  - {json.dumps(value)}" for value in values)] if values else []


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

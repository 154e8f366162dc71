"""A project as it was at a git revision, read from git's objects (not the parse cache).

The project's folder is found in the working tree (``find_root``); at the
revision, ``medtrace.toml`` is read from the same place in the repository, and
item files are selected by the rules :func:`medtrace.api.discover.discover`
applies to the working tree: ``*.md`` under the configured ``paths``, hidden
names and ``node_modules``/``__pycache__`` folders skipped, ``exclude``
patterns honoured. One difference: a symbolic link is never an item file at a
revision (git stores the link, not the file it points to).

Reading several revisions together (:func:`read_revisions`) parses each file
version once: a file that did not change between them is parsed once. Given
the working tree's project, files git finds unchanged since a revision are not
parsed at all: the same bytes at the same path under the same configuration
parse the same. (With ``core.autocrlf`` or other filters, "unchanged" is git's
judgement: the working tree's bytes are the ones parsed.)
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from medtrace.api.discover import ITEM_SUFFIX, NAME_NOT_UTF8, find_root, is_utf8
from medtrace.api.load import PARALLEL_MIN_FILES, load_project
from medtrace.errors import ProjectError
from medtrace.ingest import parse_config, parse_item
from medtrace.ingest.reviews import parse_reviews
from medtrace.model import (
    CACHE_DIR,
    CONFIG_FILE,
    Finding,
    ParsedFile,
    Project,
    ProjectConfig,
    Schema,
    Severity,
    SourceLocation,
)
from medtrace.model.review import REVIEWS_FILE
from medtrace.store.codec import decode, encode
from medtrace.store.git import GitRepository, TreeFile

WORKTREE = "WORKTREE"  # the revision name of the working tree, as it is on disk
BASELINE_TAG_PREFIX = "medtrace/baseline/"
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", CACHE_DIR})
_CHUNK = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    """A project in its repository: the working-tree root, the repository, and the
    root's path inside the repository (``""`` or ending in ``/``)."""

    root: Path
    repository: GitRepository
    prefix: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """A project at a commit, with the blob id of each item file (by project path)."""

    commit: str
    project: Project
    blobs: dict[str, str]


def locate(start: Path) -> Located:
    """The project at or above ``start`` and the git repository holding it."""
    root = find_root(start)
    repository = GitRepository.containing(root)
    relative = root.relative_to(repository.top).as_posix()
    return Located(
        root=root, repository=repository, prefix="" if relative == "." else relative + "/"
    )


def resolve(repository: GitRepository, name: str) -> str:
    """The commit a baseline name or a git revision names; a baseline wins a tie
    (spell the other ``heads/NAME`` or ``refs/heads/NAME``)."""
    if name and "/" not in name and repository.ref_exists(f"refs/tags/{BASELINE_TAG_PREFIX}{name}"):
        return repository.rev_parse(f"refs/tags/{BASELINE_TAG_PREFIX}{name}")
    return repository.rev_parse(name)


EVIDENCE_DEPTH = 200  # commits walked back looking for the commit whose content it is


def tested_commits(repository: GitRepository, commit: str, evidence: str) -> tuple[str, ...]:
    """``commit`` and its ancestors (first parents) from which only files under
    ``evidence`` (a repository path ending in ``/``: the imported runs) changed: the
    commits whose test results are results of ``commit``."""
    out = repository.run("rev-list", "--first-parent", f"--max-count={EVIDENCE_DEPTH}", commit)
    found = []
    for candidate in out.decode("ascii").split():
        if candidate != commit:
            changed = repository.run(
                "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", candidate, commit
            )
            paths = (p.decode("utf-8", "surrogateescape") for p in changed.split(b"\0") if p)
            if any(not path.startswith(evidence) for path in paths):
                break
        found.append(candidate)
    return tuple(found) or (commit,)


def project_at(start: Path, rev: str | None = WORKTREE) -> Project:
    """The project at or above ``start`` as it was at ``rev``: a git revision or a
    baseline name, or :data:`WORKTREE` (or ``None``) for the files on disk."""
    if rev is None or rev == WORKTREE:
        return load_project(start)
    located = locate(start)
    commit = resolve(located.repository, rev)
    return read_revisions(located, [commit])[0].project


def read_revisions(
    located: Located, commits: Sequence[str], *, worktree: Project | None = None
) -> list[Snapshot]:
    """The project at each commit; each distinct file version is parsed once.

    With the ``worktree`` project (as :func:`load_project` read it), a file that
    git finds unchanged between a commit and the working tree takes the working
    tree's parse result instead of being parsed again.
    """
    repository, prefix = located.repository, located.prefix
    names = [f"{commit}:{prefix}{CONFIG_FILE}" for commit in commits]
    stamps = [f"{commit}:{prefix}{REVIEWS_FILE}" for commit in commits]
    blobs = repository.read_blobs([*names, *stamps])
    reviews = {
        commit: parse_reviews(data)[0] if data else ()
        for commit, data in zip(commits, blobs[len(names) :], strict=True)
    }
    configs: dict[str, bytes] = {}
    plans: list[_Plan] = []
    for commit, data in zip(commits, blobs[: len(names)], strict=True):
        if data is None:
            where = prefix or "the top folder"
            raise ProjectError(f"{CONFIG_FILE} is not in {where} at {commit[:12]}")
        config, findings = parse_config(data)
        configs[config.digest] = data
        files, path_findings = select_files(repository.tree_files(commit, prefix), prefix, config)
        plans.append((commit, config, (*findings, *path_findings), files))
    known = _from_worktree(located, plans, worktree) if worktree is not None else {}
    versions = {(c.digest, path, blob) for _, c, _, files in plans for path, blob in files.items()}
    parsed = {**known, **parse_versions(repository, configs, sorted(versions - known.keys()))}
    snapshots = []
    for commit, config, findings, files in plans:
        results = [(path, parsed[(config.digest, path, files[path])]) for path in sorted(files)]
        project = replace(
            _project(located.root, config, findings, results), reviews=reviews[commit]
        )
        snapshots.append(Snapshot(commit=commit, project=project, blobs=files))
    return snapshots


# A file version to parse: the configuration's digest (it decides the schema), path, blob id.
FileVersion = tuple[str, str, str]
# What read_revisions plans for a commit: its configuration and findings, and its item files.
_Plan = tuple[str, ProjectConfig, tuple[Finding, ...], dict[str, str]]


def _from_worktree(
    located: Located, plans: Sequence[_Plan], worktree: Project
) -> dict[FileVersion, ParsedFile]:
    """Parse results of the working tree for the files git finds unchanged at a commit
    with the same configuration: the same bytes at the same path parse the same."""
    items = {item.source.path: item for item in worktree.items}
    findings: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in worktree.diagnostics:
        findings[finding.location.path].append(finding)
    known: dict[FileVersion, ParsedFile] = {}
    for commit, config, _, files in plans:
        if config.digest != worktree.config.digest:
            continue
        changed = located.repository.changed_files(commit, located.prefix)
        for path, blob in files.items():
            if path in items and located.prefix + path not in changed:
                parsed = ParsedFile(item=items[path], findings=tuple(findings.get(path, ())))
                known[(config.digest, path, blob)] = parsed
    return known


def select_files(
    tree: Sequence[TreeFile], prefix: str, config: ProjectConfig
) -> tuple[dict[str, str], list[Finding]]:
    """The item files of a tree (project path -> blob id), as ``discover`` selects them."""
    inside = {f.path[len(prefix) :]: f for f in tree if f.path.startswith(prefix)}
    folders = {posixpath.dirname(path) for path in inside}
    folders |= {parent for folder in folders for parent in _parents(folder)}
    findings: list[Finding] = []
    bases = []
    for entry, base in _bases(config):
        if base is None or (base and base not in folders):
            findings.append(
                _finding(
                    "config/path-invalid",
                    f"item path {entry!r} is not a folder inside the project",
                    CONFIG_FILE,
                )
            )
        else:
            bases.append(base)
    found = {
        path: file.blob
        for path, file in inside.items()
        if not file.symlink and _under(path, bases) and not _excluded(path, config)
    }
    for path in [path for path in found if not is_utf8(path)]:
        del found[path]
        shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        findings.append(_finding("file/unreadable", NAME_NOT_UTF8, shown))
    return found, findings


def is_item_file(path: str, config: ProjectConfig) -> bool:
    """Whether the project path ``path`` (a regular file) is an item file, as ``discover``
    and :func:`select_files` decide it (configured folders that exist are not checked)."""
    bases = [base for _, base in _bases(config) if base is not None]
    return _under(path, bases) and not _excluded(path, config) and is_utf8(path)


def _bases(config: ProjectConfig) -> Iterator[tuple[str, str | None]]:
    """Each configured item folder, normalised (``""``: the project root; None: outside)."""
    for entry in config.paths:
        base = posixpath.normpath(entry)
        if base == ".":
            base = ""
        yield entry, None if base.startswith(("/", "../")) or base == ".." else base


def _under(path: str, bases: Sequence[str]) -> bool:
    for base in bases:
        start = base + "/" if base else ""
        if path.startswith(start) and _is_item_path(path[len(start) :]):
            return True
    return False


def _excluded(path: str, config: ProjectConfig) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in config.exclude)


def _is_item_path(relative: str) -> bool:
    """Whether a path below an item folder is walked into by ``discover``."""
    *folders, name = relative.split("/")
    if not name.endswith(ITEM_SUFFIX) or name.startswith("."):
        return False
    return not any(part.startswith(".") or part in _SKIPPED_DIRS for part in folders)


def _parents(folder: str) -> Iterator[str]:
    while folder:
        folder = posixpath.dirname(folder)
        if folder:
            yield folder


def _finding(code: str, message: str, path: str) -> Finding:
    return Finding(
        code=code, severity=Severity.ERROR, message=message, location=SourceLocation(path=path)
    )


def _project(
    root: Path,
    config: ProjectConfig,
    findings: Sequence[Finding],
    results: Sequence[tuple[str, ParsedFile]],
) -> Project:
    diagnostics = list(findings)
    for _, result in results:
        diagnostics.extend(result.findings)
    return Project(
        root=str(root),
        config=config,
        items=tuple(result.item for _, result in results if result.item is not None),
        diagnostics=tuple(diagnostics),
        files=sum(1 for _, result in results if result.is_item),
    )


def parse_versions(
    repository: GitRepository, configs: dict[str, bytes], versions: Sequence[FileVersion]
) -> dict[FileVersion, ParsedFile]:
    """Parse file versions (configuration digest, path, blob id), each with the schema of
    its configuration (``configs``: digest -> the bytes of ``medtrace.toml``); the blobs
    are read in one ``cat-file`` process, and many are parsed in worker processes."""
    blobs = sorted({blob for _, _, blob in versions})
    contents = dict(zip(blobs, repository.read_blobs(blobs), strict=True))
    work = [(digest, path, contents[blob] or b"") for digest, path, blob in versions]
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(work) < PARALLEL_MIN_FILES:
        schemas = _schemas(configs)
        return {
            version: parse_item(data, path, schemas[digest])
            for version, (digest, path, data) in zip(versions, work, strict=True)
        }
    # Imported here, not at the top: most runs never start workers.
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    chunks = [(start, min(start + _CHUNK, len(work))) for start in range(0, len(work), _CHUNK)]
    parsed: dict[FileVersion, ParsedFile] = {}
    with context.Pool(workers, _worker_start, (configs, work)) as pool:
        for (start, _), encoded in zip(chunks, pool.imap(_worker_parse, chunks), strict=True):
            for offset, blob in enumerate(encoded):
                version = versions[start + offset]
                parsed[version] = decode(blob, version[1])
    return parsed


def _schemas(configs: dict[str, bytes]) -> dict[str, Schema]:
    return {digest: parse_config(data)[0].schema for digest, data in configs.items()}


# State of a worker process: set once by the pool initializer, read by its tasks.
_worker: dict[str, object] = {}


def _worker_start(configs: dict[str, bytes], work: list[tuple[str, str, bytes]]) -> None:
    _worker["work"] = work
    _worker["schemas"] = _schemas(configs)


def _worker_parse(chunk: tuple[int, int]) -> list[bytes]:
    work = _worker["work"]
    schemas = _worker["schemas"]
    assert isinstance(work, list)
    assert isinstance(schemas, dict)
    start, end = chunk
    return [
        encode(parse_item(data, path, schemas[digest])) for digest, path, data in work[start:end]
    ]

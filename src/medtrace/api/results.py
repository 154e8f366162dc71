"""Import test reports as a run bound to the commit they tested (``medtrace results import``).

The run records what it covers at the moment it is imported, never later:

- the full commit the revision names (``HEAD``, a branch or a tag is resolved
  now and stored as the commit); outside git there is no commit, the revision
  is stored as the version label it is, and the import says so;
- the project files that differ from that commit in the working tree (the
  tests may have run on them), so that a release can refuse such a run;
- the fingerprint of every item the run's tests exercised: each test case with
  a result, each item it verifies (a unit with its source files), and each item
  a result names itself (:mod:`medtrace.graph.fingerprint`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.code import project_fingerprints
from medtrace.api.discover import find_root
from medtrace.api.load import load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.graph import TraceGraph
from medtrace.graph.verification import ResultIndex, normal_test_id
from medtrace.ingest.junit import parse_results
from medtrace.model import CACHE_DIR, Finding, Severity, SourceLocation
from medtrace.model.results import RUNS_FOLDER, ReportFile, ResultFile, ResultRun
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import save_run

NOT_IN_GIT = "results/not-in-git"
UNCOMMITTED = "results/uncommitted-changes"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Tested:
    """What the run tested: the commit (None outside git) and files that differed from it."""

    commit: str | None
    uncommitted: tuple[str, ...]


def import_results(
    start: Path,
    reports: Sequence[Path],
    *,
    revision: str,
    now: dt.datetime,
    environment: str | None = None,
    on_wait: OnWait | None = None,
) -> tuple[ResultRun, Path, tuple[Finding, ...]]:
    """Read every report, then record them as one run; returns it, its file and warnings.

    All or nothing: a report that cannot be read or is not a test report raises
    :class:`ProjectError` naming its file and line, and nothing is written.
    """
    root = find_root(start)
    label = revision.strip()
    if not label:
        raise ProjectError("--revision needs the software version or git revision tested")
    parsed: list[tuple[ResultFile, str]] = []
    warnings: list[Finding] = []
    for report in reports:
        try:
            data = report.read_bytes()
        except OSError as error:
            raise ProjectError(f"{report}: cannot be read ({error.strerror})") from None
        result, findings = parse_results(data, _shown(root, report))
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if result is None or errors:
            first = errors[0] if errors else None
            where = str(first.location) if first else str(report)
            reason = first.message if first else "not a test report"
            raise ProjectError(f"{where}: {reason}; nothing was imported")
        warnings.extend(findings)
        parsed.append((result, hashlib.sha256(data).hexdigest()))
    with project_writer(root, on_wait=on_wait):
        tested = _tested(root, label)
        warnings.extend(_binding_warnings(label, tested))
        run = ResultRun(
            revision=label,
            commit=tested.commit,
            imported=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            environment=environment or _environment(parsed),
            reports=tuple(
                ReportFile(
                    path=result.path,
                    sha256=digest,
                    format=result.format,
                    totals=result.totals,
                    declared=result.declared,
                )
                for result, digest in parsed
            ),
            results=tuple(test for result, _ in parsed for test in result.results),
            uncommitted=tested.uncommitted,
        )
        run = _with_covers(root, run)
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", (run.commit or run.revision)[:12])
        stem = f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{name}"
        return run, save_run(root / RUNS_FOLDER, stem, run), tuple(warnings)


def _tested(root: Path, revision: str) -> _Tested:
    """The commit ``revision`` names now, and the project files that differ from it."""
    try:
        repository = GitRepository.containing(root)
    except GitError:
        return _Tested(commit=None, uncommitted=())  # not under git: a version label
    try:
        commit = repository.rev_parse(revision)
    except GitError:
        raise ProjectError(
            f"--revision {revision!r} is not a revision of the repository at {repository.top}"
        ) from None
    prefix = root.resolve().relative_to(repository.top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    differ = repository.changed_files(commit, prefix) | set(repository.uncommitted(prefix))
    ignored = (f"{RUNS_FOLDER}/", f"{CACHE_DIR}/")
    paths = (path.removeprefix(prefix) for path in differ if path.startswith(prefix))
    return _Tested(
        commit=commit, uncommitted=tuple(sorted(p for p in paths if not p.startswith(ignored)))
    )


def _binding_warnings(revision: str, tested: _Tested) -> list[Finding]:
    where = SourceLocation(path=RUNS_FOLDER)
    if tested.commit is None:
        return [
            Finding(
                code=NOT_IN_GIT,
                severity=Severity.WARNING,
                message=f"the project is not in git: the run is bound to the version label "
                f"{revision!r} only, and cannot be checked against later changes of the code",
                location=where,
            )
        ]
    if tested.uncommitted:
        shown = ", ".join(tested.uncommitted[:5])
        more = f" and {len(tested.uncommitted) - 5} more" if len(tested.uncommitted) > 5 else ""
        return [
            Finding(
                code=UNCOMMITTED,
                severity=Severity.WARNING,
                message=f"{len(tested.uncommitted)} project file(s) differ from "
                f"{tested.commit[:12]} ({shown}{more}): the run is bound to that commit, and a "
                "release of it will not count this run",
                location=where,
            )
        ]
    return []


def _with_covers(root: Path, run: ResultRun) -> ResultRun:
    """``run`` with the fingerprint of everything its tests exercised, as it is now."""
    project = load_project(root)
    graph = TraceGraph(project.items, project.config.schema)
    fingerprints = project_fingerprints(project, graph)
    index = ResultIndex.build([run], [item.id for item in graph])
    covered: set[str] = set()
    for test in graph.of_kind("test-case"):
        if test.field("method") == "manual":
            continue
        if normal_test_id(str(test.field("test-id") or test.id)) not in index.by_test:
            continue
        covered.add(test.id)
        for target in graph.targets(test.id, "verifies"):
            covered.add(target.id)
            covered.update(unit.id for unit in graph.targets(target.id, "design-of"))
    covered.update(item_id for item_id in index.named if item_id in graph)
    covers = ((item_id, fingerprints.of(item_id)) for item_id in sorted(covered))
    return ResultRun(
        revision=run.revision,
        commit=run.commit,
        imported=run.imported,
        environment=run.environment,
        reports=run.reports,
        results=run.results,
        covers=tuple((item_id, fp) for item_id, fp in covers if fp is not None),
        uncommitted=run.uncommitted,
    )


def _environment(parsed: Sequence[tuple[ResultFile, str]]) -> str:
    hosts = sorted({result.hostname for result, _ in parsed if result.hostname})
    where = ", ".join(hosts) if hosts else platform.node()
    return f"{where} ({platform.system()} {platform.release()}, Python {platform.python_version()})"


def _shown(root: Path, report: Path) -> str:
    """How a report is named in the run: relative to the project when inside it
    (no machine paths in committed evidence), else its file name."""
    resolved = report.resolve()
    if resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return report.name

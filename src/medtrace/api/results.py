"""Import test reports as a run bound to a software revision (``medtrace results import``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import re
from collections.abc import Sequence
from pathlib import Path

from medtrace.api.discover import find_root
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import ProjectError
from medtrace.ingest.junit import parse_results
from medtrace.model import Finding, Severity
from medtrace.model.results import RUNS_FOLDER, ReportFile, ResultFile, ResultRun
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import save_run


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
    with project_writer(start, on_wait=on_wait):
        root = find_root(start)
        if not revision.strip():
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
        run = ResultRun(
            revision=revision.strip(),
            commit=_commit(root, revision.strip()),
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
        )
        label = re.sub(r"[^A-Za-z0-9._-]+", "_", (run.commit or run.revision)[:12])
        stem = f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{label}"
        return run, save_run(root / RUNS_FOLDER, stem, run), tuple(warnings)


def _commit(root: Path, revision: str) -> str | None:
    """The commit ``revision`` names, when the project is in a git repository."""
    try:
        repository = GitRepository.containing(root)
    except GitError:
        return None  # not under git: the revision is recorded as given
    try:
        return repository.rev_parse(revision)
    except GitError:
        raise ProjectError(
            f"--revision {revision!r} is not a revision of the repository at {repository.top}"
        ) from None


def _environment(parsed: Sequence[tuple[ResultFile, str]]) -> str:
    hosts = sorted({result.hostname for result, _ in parsed if result.hostname})
    where = ", ".join(hosts) if hosts else platform.node()
    return f"{where} ({platform.system()} {platform.release()})"


def _shown(root: Path, report: Path) -> str:
    """How a report is named in the run: relative to the project when inside it
    (no machine paths in committed evidence), else its file name."""
    resolved = report.resolve()
    if resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return report.name

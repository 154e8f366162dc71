"""What the other commands report, as reasons of the release gate (:mod:`medtrace.api.release`).

- ``scan``: code markers naming ids no item has, marked files in no unit, units
  whose files mark requirements they do not implement (5.5.1);
- ``change-control`` since the previous release or baseline (the nearest
  ``medtrace/release/*`` or ``medtrace/baseline/*`` tag on an ancestor of the
  released commit): changes to controlled items without an approved change
  request, and change requests whose commits or approval do not hold (8.2);
- ``soup audit``: advisories matching a shipped SOUP version without an
  evaluation, and SOUP records the audit could not match at all (7.1.3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from medtrace.api.load import LoadOptions
from medtrace.api.revision import BASELINE_TAG_PREFIX, Located
from medtrace.errors import MedtraceError
from medtrace.model import Finding, Severity
from medtrace.model.release import Reason, named
from medtrace.store.git import GitError

SOUP_PREFIXES = ("62304.7.1.3/", "62304.8.1.2/")
_RELEASE_PREFIX = "medtrace/release/"
_SCAN_CLAUSE = "5.5.1"


def scan_reasons(root: Path) -> list[Reason]:
    """The findings of ``medtrace scan`` on the project folder, warnings included."""
    from medtrace.api.scan import scan  # the source walk, only for a release

    return _grouped(
        (f for f in scan(root).findings if f.severity is not Severity.INFO),
        "release/code-markers",
        _SCAN_CLAUSE,
    )


def previous_release(located: Located, commit: str) -> str | None:
    """The nearest release or baseline tag on a proper ancestor of ``commit`` (None: none)."""
    repository = located.repository
    candidates = [
        tag
        for prefix in (_RELEASE_PREFIX, BASELINE_TAG_PREFIX)
        for tag in repository.tags(prefix)
        if tag.commit != commit
    ]
    ancestors = []
    for tag in candidates:
        try:
            repository.run("merge-base", "--is-ancestor", tag.commit, commit)
        except GitError:
            continue
        ancestors.append(tag)
    if not ancestors:
        return None
    dated = [(repository.commit_date(tag.commit), tag.name) for tag in ancestors]
    return max(dated)[1]


def change_reasons(located: Located, commit: str) -> tuple[str | None, list[Reason]]:
    """The tag change control ran from, and what it found from there to ``commit``."""
    since = previous_release(located, commit)
    if since is None:
        return None, []
    from medtrace.api.change_control import audit_changes  # git work, only for a release

    audit = audit_changes(located.root, f"refs/tags/{since}", commit)
    return since, _grouped(audit.findings(), "release/change-uncontrolled", "8.2.1")


def soup_reasons(root: Path, load: LoadOptions, advisories: str) -> list[Reason]:
    """Advisories not evaluated for a shipped SOUP version, and SOUP the audit skipped."""
    if not advisories:
        return []
    from medtrace.api.soup import audit_soup  # the version libraries, only when configured

    try:
        audit = audit_soup(root, options=load)
    except MedtraceError as error:
        return [Reason(clause="7.1.3", code="release/advisories-unreadable", message=str(error))]
    reasons = []
    unevaluated = list(dict.fromkeys(f"{e.soup.id} {e.match.advisory.id}" for e in audit.open))
    if unevaluated:
        reasons.append(
            Reason(
                clause="7.1.3",
                code="release/advisory-not-evaluated",
                message=f"advisories not evaluated: {named(unevaluated)}",
            )
        )
    if audit.not_audited:
        skipped = [f"{soup.id} ({why})" for soup, why in audit.not_audited]
        reasons.append(
            Reason(
                clause="7.1.3",
                code="release/soup-not-audited",
                message=f"SOUP versions the advisories could not be matched against: "
                f"{named(skipped)}",
            )
        )
    return reasons


def _grouped(findings: Iterable[Finding], code: str, default_clause: str) -> list[Reason]:
    """One reason per finding code, naming its items (or places)."""
    by_code: dict[str, list[str]] = defaultdict(list)
    clauses: dict[str, str] = {}
    for finding in findings:
        by_code[finding.code].append(finding.item or str(finding.location))
        clauses.setdefault(finding.code, finding.clause or default_clause)
    return [
        Reason(
            clause=clauses[found],
            code=code,
            message=f"{found}: {len(items)} ({named(list(dict.fromkeys(items)))})",
        )
        for found, items in sorted(by_code.items())
    ]

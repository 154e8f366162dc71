"""Rules on release records (5.8.1-5.8.8, 8.1.3), which apply once something is released.

``medtrace release make`` writes the record ``releases/REL-VERSION.md``: the version,
date and commit released (5.8.4, 8.1.3), how it was built (5.8.5), the known residual
anomalies (``known-anomalies``, 5.8.2), the archive (5.8.7), the delivered artifacts
with their SHA-256 (5.8.8), and the release check's reasons it was made over with the
justification (``overridden``, 5.8.1, 5.8.6).

A problem report is a *known residual anomaly* of a release when it was reported no
later than the release and was not closed then (by its ``state-history``, or its
state when it has none), and names the released version among its
``affected-versions`` (or names none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from medtrace.graph import TraceGraph
from medtrace.model import Item, Severity
from medtrace.model.issues import parse_state_entry
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank, blank_fields

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_ARTIFACT = re.compile(r"^\S.*\bsha256:[0-9a-f]{64}\s*$")
# Reasons of the release check about verification (5.8.1) rather than other activities.
_VERIFICATION = ("5.8.1", "5.7.", "5.5.5", "5.6.3", "7.3.1")


def _text(item: Item, name: str) -> str:
    value = item.field(name)
    return "" if value is None else str(value).strip()


def state_on(report: Item, day: str) -> str | None:
    """The state of ``report`` on ``day`` (YYYY-MM-DD): its last state-history entry by
    then (None: not reported yet), or its state when it keeps no history."""
    value = report.field("state-history")
    entries = [parse_state_entry(e) for e in value] if isinstance(value, tuple) else []
    known = [entry for entry in entries if entry is not None]
    if known:
        before = [entry for entry in known if entry.date <= day]
        return before[-1].state if before else None
    reported = _text(report, "reported-date")[:10]
    if reported and reported > day:
        return None
    return _text(report, "state") or "open"


def residual_anomalies(graph: TraceGraph, version: str, day: str) -> tuple[Item, ...]:
    """The problem reports that were known residual anomalies of ``version`` released on
    ``day``: reported by then, not closed then, of that version (or of no named one)."""
    found = []
    for report in graph.of_kind("problem-report"):
        state = state_on(report, day)
        if state is None or state == "closed":
            continue
        versions = report.field("affected-versions")
        named = tuple(v.strip() for v in versions) if isinstance(versions, tuple) else ()
        if named and version not in named and f"v{version}" not in named:
            continue
        found.append(report)
    return tuple(found)


def _releases(ctx: RuleContext) -> Iterator[Item]:
    yield from ctx.items("release")


def _overridden(release: Item) -> tuple[str, ...]:
    value = release.field("overridden")
    return tuple(v for v in value if v.strip()) if isinstance(value, tuple) else ()


@rule(
    code="62304.5.8.1/released-unverified",
    clause="5.8.1",
    summary="No release was made over a release-check reason about verification (failed, "
    "unrun or stale tests, unverified risk controls).",
    severity=Severity.WARNING,
)
def releases_were_verified(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        found = [r for r in _overridden(release) if r.startswith(_VERIFICATION)]
        if found:
            yield Violation(
                release,
                f"{release.id} was released with verification incomplete ({len(found)} "
                f"reason{'s' if len(found) != 1 else ''}: {found[0][:80]}): justification "
                f"{_text(release, 'justification') or 'none recorded'}",
            )


@rule(
    code="62304.5.8.2/anomaly-not-listed",
    clause="5.8.2",
    summary="A release lists (known-anomalies) every problem report that was open at the "
    "release and affects its version.",
)
def releases_list_their_anomalies(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        version, day = _text(release, "version"), _text(release, "date")[:10]
        if not version or not day:
            continue  # 5.8.4 reports the record itself
        listed = set(release.targets("known-anomalies"))
        missing = [r.id for r in residual_anomalies(ctx.graph, version, day) if r.id not in listed]
        if missing:
            yield Violation(
                release,
                f"{release.id} does not list the known residual anomalies "
                f"{', '.join(missing)} (open at {day}): add them to known-anomalies",
            )


EVALUATION_FIELDS = ("evaluation", "evaluated-by", "evaluated-date")


def unevaluated(reports: Sequence[Item]) -> list[tuple[Item, list[str]]]:
    """Each anomaly whose evaluation (5.8.3) is not recorded, with the fields it lacks."""
    found = [(report, blank_fields(report, EVALUATION_FIELDS)) for report in reports]
    return [(report, missing) for report, missing in found if missing]


@rule(
    code="62304.5.8.3/anomaly-not-evaluated",
    clause="5.8.3",
    summary="Each known residual anomaly a release lists records its evaluation: why it does "
    "not contribute to an unacceptable risk (evaluation, evaluated-by, evaluated-date).",
)
def anomalies_are_evaluated(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        for report, missing in unevaluated(ctx.graph.targets(release.id, "known-anomalies")):
            add = ", ".join(f"{name}:" for name in missing)
            yield Violation(
                report,
                f"{report.id} is a known residual anomaly of {release.id} but its "
                f"evaluation is not recorded: add {add}",
            )


@rule(
    code="62304.5.8.4/release-version-missing",
    clause="5.8.4",
    summary="Each release record names the version released and its date.",
)
def releases_name_their_version(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        missing = blank_fields(release, ("version", "date"))
        if missing:
            add = " and ".join(f"{name}:" for name in missing)
            yield Violation(release, f"{release.id} does not say what was released: add {add}")


@rule(
    code="62304.5.8.5/build-not-recorded",
    clause="5.8.5",
    summary="Each release record says how the released software was built (build).",
)
def releases_record_their_build(ctx: RuleContext) -> Iterator[Violation]:
    yield from _without(
        ctx, "build", "how it was built", "the procedure and environment: build command, CI run"
    )


def _without(ctx: RuleContext, name: str, what: str, hint: str) -> Iterator[Violation]:
    """A violation for each release that leaves field ``name`` blank."""
    for release in _releases(ctx):
        if blank(release.field(name)):
            yield Violation(release, f"{release.id} does not say {what}: add {name}: ({hint})")


@rule(
    code="62304.5.8.6/released-over-reasons",
    clause="5.8.6",
    summary="No release was made over reasons of the release check (activities or tasks not "
    "complete); one that was names them and its justification.",
    severity=Severity.WARNING,
)
def releases_were_complete(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        found = [r for r in _overridden(release) if not r.startswith(_VERIFICATION)]
        if found:
            yield Violation(
                release,
                f"{release.id} was released over {len(found)} reason"
                f"{'s' if len(found) != 1 else ''} of the release check ({found[0][:80]}): "
                f"justification {_text(release, 'justification') or 'none recorded'}",
            )


@rule(
    code="62304.5.8.7/archive-not-recorded",
    clause="5.8.7",
    summary="Each release record says where the release is archived (archive).",
)
def releases_are_archived(ctx: RuleContext) -> Iterator[Violation]:
    yield from _without(ctx, "archive", "where it is archived", "the archive and where it is kept")


@rule(
    code="62304.5.8.8/artifacts-not-recorded",
    clause="5.8.8",
    summary="Each release record lists the delivered files with their SHA-256 (artifacts: "
    "'NAME sha256:HEX'), so that they can be checked where they are used.",
)
def releases_list_their_artifacts(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        value = release.field("artifacts")
        entries = value if isinstance(value, tuple) else ()
        bad = [e for e in entries if _ARTIFACT.match(e.strip()) is None]
        if not entries:
            yield Violation(
                release,
                f"{release.id} lists no delivered artifacts: add artifacts: ['NAME "
                "sha256:HEX'] (release make --artifact records them)",
            )
        elif bad:
            yield Violation(
                release, f"{release.id}: artifact {bad[0][:60]!r} is not 'NAME sha256:HEX'"
            )


@rule(
    code="62304.8.1.3/release-commit-missing",
    clause="8.1.3",
    summary="Each release record names the full git commit released (revision), which fixes "
    "the version of every configuration item.",
)
def releases_name_their_commit(ctx: RuleContext) -> Iterator[Violation]:
    for release in _releases(ctx):
        revision = _text(release, "revision")
        if _COMMIT.match(revision) is None:
            said = f"names {revision[:40]!r}" if revision else "names no revision"
            yield Violation(
                release,
                f"{release.id} {said}: give the full commit released (revision:), which "
                "identifies every configuration item's version",
            )

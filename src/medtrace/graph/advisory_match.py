"""Which OSV advisories affect a component at a given version.

:class:`AdvisoryIndex` is built once from the advisories of a database and
answers :meth:`AdvisoryIndex.matches` for one ``(ecosystem, name, version)``
at a time. The semantics are the OSV schema's (its "Evaluation" pseudocode):
a version is affected by an ``affected`` entry when it is in the entry's
``versions`` list or inside one of its ranges, and a range covers a version
when, walking its events in version order, the last ``introduced`` at or below
the version comes after any ``fixed`` at or below it and any ``last_affected``
below it, and the version is below one of the range's ``limit`` events (if it
has any). ``introduced: "0"`` sorts before every version and ``limit: "*"``
after every version. Events naming the same version are taken in the order
fixed, introduced, last_affected: adjacent ranges ``[1.0, 2.0) [2.0, 3.0)``
cover 2.0 in whatever order the record lists them, ``introduced: X,
last_affected: X`` is the one version X, and ``introduced: X, fixed: X`` (a
contradiction, reported as a problem) counts as affected from X on rather than
hide a vulnerability. A ``versions`` entry matches when it is the same string,
or the same version in the ecosystem's ordering (``1.0`` and ``1.0.0`` for PyPI).

Version orderings: ``SEMVER`` ranges use Semantic Versioning 2.0 precedence
(a leading ``v`` and a missing minor or patch number are tolerated, build
metadata is ignored); ``ECOSYSTEM`` ranges use the ecosystem's own: PEP 440
for PyPI, SemVer for npm, Go, crates.io, Hex, Pub and SwiftURL, Maven's for
Maven, and univers' version classes for RubyGems, NuGet, Packagist,
ConanCenter, Debian and Ubuntu (dpkg), Alpine, Wolfi and Chainguard (apk) and
the RPM-based distributions. ``GIT`` ranges are commit ranges: they never match
a version number (only the ``versions`` list does). Withdrawn advisories, and
entries without a package, never match.

Packages are looked up by ``(ecosystem, name)``: PyPI names PEP 503 normalised.
The ecosystem is compared as written, suffix included (``Debian:11``,
``Alpine:v3.16``), except that PyPI, npm, Maven, Go and crates.io are compared
by the part before ``:`` (``Maven:https://maven.google.com`` is Maven).

Problems with the data are never exceptions and never part of a match: they are
``osv/range-invalid`` findings in :attr:`AdvisoryIndex.problems`. Problems a
record shows by itself (a range without ``introduced``, an unknown range type,
an ecosystem without a known ordering, a version both introduced and fixed)
are found when the index is built, for every advisory not withdrawn. A version
that its ecosystem cannot read (in a range, or the one asked about) is found
when :meth:`~AdvisoryIndex.matches` first evaluates that range, since parsing
every version of a large database up front would take seconds; the range then
does not match. ``problems`` therefore grows as ``matches()`` is called.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from packaging.version import InvalidVersion, Version
from univers.versions import (
    AlpineLinuxVersion,
    ComposerVersion,
    ConanVersion,
    DebianVersion,
    MavenVersion,
    NugetVersion,
    RpmVersion,
    RubygemsVersion,
)

from medtrace.model.advisories import Advisory, Affected, Range
from medtrace.model.components import normal_name
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation

# A parsed version: whatever the ordering's parser returns; only compared with
# keys of the same ordering.
Key = Any

_INDEXED_BY_BASE = frozenset({"PyPI", "npm", "Maven", "Go", "crates.io"})
_FIXED, _INTRODUCED, _LAST_AFFECTED = 0, 1, 2  # the order of events naming one version
_CODES = {"fixed": _FIXED, "last_affected": _LAST_AFFECTED, "introduced": _INTRODUCED}
_SEMVER = re.compile(
    r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """An advisory that affects a component: the ``affected`` entry that matched,
    and why (``"1.2.3 in [1.0.0, 1.2.5)"``, ``"listed in versions"``)."""

    advisory: Advisory
    affected: Affected
    reason: str


def semver_key(text: str) -> tuple[int, int, int, tuple[Any, ...]] | None:
    """A sort key by Semantic Versioning 2.0 precedence, or ``None`` if ``text`` is not one."""
    found = _SEMVER.fullmatch(text)
    if found is None:
        return None
    major, minor, patch, pre = found.groups()
    if pre is None:
        return int(major), int(minor or 0), int(patch or 0), (1,)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return int(major), int(minor or 0), int(patch or 0), (0, parts)


def _pep440_key(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _univers(cls: Callable[[str], Key]) -> Callable[[str], Key]:
    def parse(text: str) -> Key:
        try:
            return cls(text)
        except Exception:  # univers raises ValueError, and some parsers plain Exception
            return None

    return parse


_RPM = _univers(RpmVersion)
_DPKG = _univers(DebianVersion)
_APK = _univers(AlpineLinuxVersion)
PARSERS: dict[str, Callable[[str], Key]] = {
    "SEMVER": semver_key,
    "PyPI": _pep440_key,
    "Maven": _univers(MavenVersion),
    **dict.fromkeys(("npm", "Go", "crates.io", "Hex", "Pub", "SwiftURL"), semver_key),
    "RubyGems": _univers(RubygemsVersion),
    "NuGet": _univers(NugetVersion),
    "Packagist": _univers(ComposerVersion),
    "ConanCenter": _univers(ConanVersion),
    "Debian": _DPKG,
    "Ubuntu": _DPKG,
    **dict.fromkeys(("Alpine", "Wolfi", "Chainguard"), _APK),
    **dict.fromkeys(
        ("Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Mageia", "openEuler"), _RPM
    ),
    **dict.fromkeys(("Photon OS", "Azure Linux"), _RPM),
}
"""Version parsers by ordering name (``SEMVER`` or an ecosystem without suffix)."""


def ecosystem_key(ecosystem: str) -> str:
    """How an ecosystem is compared: the part before ``:`` for PyPI, npm, Maven, Go and
    crates.io, the whole string (release suffix included) for the others."""
    base = ecosystem.partition(":")[0]
    return base if base in _INDEXED_BY_BASE else ecosystem


def _ordering(ecosystem: str) -> str | None:
    base = ecosystem.partition(":")[0]
    return base if base in PARSERS else None


@dataclass(frozen=True, slots=True)
class _Timeline:
    """A range ready to evaluate: its events sorted by version (ties: fixed,
    introduced, last_affected), each ``(code, key, value)`` with key ``None`` for
    ``introduced: "0"``; its limits, ``None`` for ``"*"``."""

    ordering: str
    events: tuple[tuple[int, Key, str], ...]
    limits: tuple[Key, ...]


class _Entry:
    """One indexed ``affected`` entry; its ranges and versions are parsed on first use."""

    __slots__ = ("advisory", "affected", "listed", "ordering", "timelines")

    def __init__(self, advisory: Advisory, affected: Affected) -> None:
        self.advisory = advisory
        self.affected = affected
        self.ordering = _ordering(affected.ecosystem)
        self.timelines: tuple[_Timeline, ...] | None = None
        self.listed: tuple[tuple[Key, str], ...] | None = None


class AdvisoryIndex:
    """The advisories of a database by package, for matching component versions.

    ``problems`` holds the ``osv/range-invalid`` findings about the data, sorted:
    those found when the index was built and those found by ``matches()`` so far
    (see the module documentation).
    """

    def __init__(self, advisories: Iterable[Advisory]) -> None:
        self._entries: dict[tuple[str, str], list[_Entry]] = {}
        self._keys: dict[tuple[str, str], Key] = {}
        self._problems: dict[tuple[str, str], Finding] = {}
        for advisory in advisories:
            if advisory.withdrawn:
                continue
            for affected in advisory.affected:
                self._check(advisory, affected)
                if affected.ecosystem and affected.name:
                    key = _package_key(affected.ecosystem, affected.name)
                    self._entries.setdefault(key, []).append(_Entry(advisory, affected))

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(sorted(self._problems.values(), key=Finding.sort_key))

    def matches(self, ecosystem: str, name: str, version: str) -> tuple[Match, ...]:
        """The advisories that affect ``name`` at ``version`` in ``ecosystem``, by id."""
        found = []
        for entry in self._entries.get(_package_key(ecosystem, name), ()):
            reason = self._reason(entry, version)
            if reason is not None:
                found.append(Match(advisory=entry.advisory, affected=entry.affected, reason=reason))
        found.sort(key=lambda match: (match.advisory.id, match.advisory.path))
        return tuple(found)

    def _reason(self, entry: _Entry, version: str) -> str | None:
        """Why ``version`` is affected by the entry, or ``None`` if it is not."""
        listed = self._listed(entry, version)
        if listed is not None:
            return listed
        if entry.timelines is None:
            entry.timelines = self._timelines(entry)
        for timeline in entry.timelines:
            key = self._key(timeline.ordering, version)
            if key is None:
                self._version_problem(entry, timeline.ordering, version)
                continue
            covered = _covered(timeline, key)
            if covered is not None:
                return f"{version} in {covered}"
        return None

    def _listed(self, entry: _Entry, version: str) -> str | None:
        versions = entry.affected.versions
        if not versions:
            return None
        if version in versions:
            return "listed in versions"
        if entry.ordering is None:
            return None
        if entry.listed is None:
            parsed = ((self._key(entry.ordering, text), text) for text in versions)
            entry.listed = tuple((key, text) for key, text in parsed if key is not None)
        wanted = self._key(entry.ordering, version)
        if wanted is not None:
            for key, text in entry.listed:
                if key == wanted:
                    return f"listed in versions as {text}"
        return None

    def _key(self, ordering: str, text: str) -> Key:
        """``text`` parsed in ``ordering`` (cached), or ``None`` if it cannot be."""
        cache = (ordering, text)
        try:
            return self._keys[cache]
        except KeyError:
            key = PARSERS[ordering](text) if text.strip() == text and text else None
            self._keys[cache] = key
            return key

    def _timelines(self, entry: _Entry) -> tuple[_Timeline, ...]:
        timelines = (self._timeline(entry, n, rng) for n, rng in enumerate(entry.affected.ranges))
        return tuple(timeline for timeline in timelines if timeline is not None)

    def _timeline(self, entry: _Entry, n: int, rng: Range) -> _Timeline | None:
        """The range ready to evaluate, or ``None`` if it cannot match a version number."""
        ordering = {"SEMVER": "SEMVER", "ECOSYSTEM": entry.ordering}.get(rng.type)
        if ordering is None or not any(event.kind == "introduced" for event in rng.events):
            return None  # GIT, or a problem already reported by _check
        events: list[tuple[int, Key, str]] = []
        limits: list[Key] = []
        for event in rng.events:
            if event.kind == "limit" and "*" in event.value:
                limits.append(None)
                continue
            if event.kind == "introduced" and event.value == "0":
                events.append((_INTRODUCED, None, "0"))
                continue
            key = self._key(ordering, event.value)
            if key is None:
                what = f"{event.kind} {event.value!r} is not a {ordering} version"
                self._problem(entry.advisory, entry.affected, n, f"{what}; the range is skipped")
                return None
            if event.kind == "limit":
                limits.append(key)
            else:
                events.append((_CODES[event.kind], key, event.value))
        first = [event for event in events if event[1] is None]
        rest = sorted(
            sorted((e for e in events if e[1] is not None), key=itemgetter(0)), key=itemgetter(1)
        )
        return _Timeline(ordering=ordering, events=(*first, *rest), limits=tuple(limits))

    def _check(self, advisory: Advisory, affected: Affected) -> None:
        """Report what is wrong with the entry's ranges by themselves."""
        ordered = not affected.name or _ordering(affected.ecosystem) is not None
        for n, rng in enumerate(affected.ranges):
            for problem in _range_problems(rng, affected.ecosystem, ordered):
                self._problem(advisory, affected, n, problem)

    def _version_problem(self, entry: _Entry, ordering: str, version: str) -> None:
        affected = entry.affected
        message = (
            f"{entry.advisory.id}: version {version!r} of {affected.ecosystem} {affected.name} "
            f"is not a {ordering} version; its ranges were not checked"
        )
        self._add(entry.advisory, message)

    def _problem(self, advisory: Advisory, affected: Affected, n: int, text: str) -> None:
        package = f"{affected.ecosystem} {affected.name}" if affected.name else "no package"
        self._add(advisory, f"{advisory.id}: range {n + 1} of {package}: {text}")

    def _add(self, advisory: Advisory, message: str) -> None:
        self._problems.setdefault(
            (advisory.path, message),
            Finding(
                code="osv/range-invalid",
                severity=Severity.ERROR,
                message=message,
                location=SourceLocation(path=advisory.path),
            ),
        )


def _package_key(ecosystem: str, name: str) -> tuple[str, str]:
    key = ecosystem_key(ecosystem)
    return key, normal_name(key, name)


def _range_problems(rng: Range, ecosystem: str, ordered: bool) -> list[str]:
    """What is wrong with a range whatever version is asked (nearly always nothing)."""
    if rng.type not in ("SEMVER", "ECOSYSTEM", "GIT"):
        return [f"unknown range type {rng.type!r}; skipped"]
    events = rng.events
    if (  # the usual range, checked quickly: introduced, then fixed or last_affected
        len(events) == 2
        and events[0].kind == "introduced"
        and events[1].value != events[0].value
        and (ordered or rng.type != "ECOSYSTEM")
    ):
        return []
    introduced = [event.value for event in rng.events if event.kind == "introduced"]
    if not introduced:
        return ["no introduced event; it matches nothing"]
    problems = []
    if rng.type == "ECOSYSTEM" and not ordered:
        problems.append(f"no version ordering is known for {ecosystem!r}; skipped")
    if len(introduced) < len(rng.events):
        fixed = {event.value for event in rng.events if event.kind == "fixed"}
        problems += [
            f"{value!r} is both introduced and fixed (counted as introduced)"
            for value in sorted(fixed.intersection(introduced))
        ]
    return problems


def _covered(timeline: _Timeline, version: Key) -> str | None:
    """The interval of the timeline that holds ``version`` (``"[1.0, 2.0)"``), or ``None``."""
    if timeline.limits and not any(limit is None or version < limit for limit in timeline.limits):
        return None
    affected, start = False, ""
    for code, key, value in timeline.events:
        if key is not None and version < key:
            break
        if code == _INTRODUCED:
            start = start if affected else value
            affected = True
        elif code == _FIXED or version > key:
            affected = False
    if not affected:
        return None
    for code, key, value in timeline.events:
        if code == _FIXED and version < key:
            return f"[{start}, {value})"
        if code == _LAST_AFFECTED and not version > key:
            return f"[{start}, {value}]"
    return f"[{start}, *)"

"""Vulnerability records in the OSV format (https://ossf.github.io/osv-schema/).

Values only. :mod:`medtrace.ingest.osv` builds them from a record's JSON,
:mod:`medtrace.store.advisories` reads a whole database (a folder or an OSV
``all.zip``) and :mod:`medtrace.graph.advisory_match` decides which component
versions they affect. Only what matching and reporting need is kept: no
``database_specific`` or ``ecosystem_specific`` data, and ``details`` is cut
to :data:`DETAILS_LIMIT` characters.

A withdrawn record (``withdrawn`` is set) is kept, so that a report can say why
an advisory no longer applies, but it never matches a component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventKind = Literal["introduced", "fixed", "last_affected", "limit"]
EVENT_KINDS: tuple[EventKind, ...] = ("introduced", "fixed", "last_affected", "limit")
RANGE_TYPES = ("SEMVER", "ECOSYSTEM", "GIT")
DETAILS_LIMIT = 500  # characters of ``details`` kept; the rest is at the record's source


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One step of a range's timeline: the version (or commit) ``value`` where the
    vulnerability was ``introduced``, ``fixed``, ``last_affected``, or a ``limit``
    above which the range does not reach. ``introduced: "0"`` means "since the
    first version"; ``limit: "*"`` means no limit."""

    kind: EventKind
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Range:
    """A range of affected versions as a timeline of events.

    ``type`` says how its versions are ordered: ``SEMVER`` (Semantic Versioning
    2.0), ``ECOSYSTEM`` (the package ecosystem's own ordering) or ``GIT`` (commit
    hashes in the repository ``repo``; these never match a version number). A
    type the schema does not define is kept as written and matches nothing.
    """

    type: str
    events: tuple[Event, ...]
    repo: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Affected:
    """One affected package: its ranges and the versions listed one by one.

    ``ecosystem`` is the OSV ecosystem string as written, suffix included
    (``PyPI``, ``Debian:11``, ``Alpine:v3.16``); ``name`` is the package name in
    that ecosystem. Both are ``""`` when the entry names no package (a record
    with only GIT ranges): such an entry matches no component.
    """

    ecosystem: str
    name: str
    purl: str = ""
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Advisory:
    """One OSV record.

    Timestamps (``modified``, ``published``, ``withdrawn``) are the RFC 3339
    strings of the record, ``""`` when absent. ``severity`` holds ``(type,
    score)`` pairs such as ``("CVSS_V3", "CVSS:3.1/AV:N/...")``; ``references``
    holds the reference URLs. ``path`` is where the record was read from: a file
    path, or ``<archive>/<member>`` for a record inside a zip archive.
    """

    id: str
    modified: str
    published: str = ""
    withdrawn: str = ""
    aliases: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[tuple[str, str], ...] = ()
    affected: tuple[Affected, ...] = ()
    references: tuple[str, ...] = ()
    path: str = ""

    @property
    def is_withdrawn(self) -> bool:
        """Whether the record has been withdrawn (it then never matches)."""
        return bool(self.withdrawn)

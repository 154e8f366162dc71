"""The project's configuration as read from ``medtrace.toml``."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.finding import Severity
from medtrace.model.schema import Schema

CONFIG_FILE = "medtrace.toml"
STANDARDS = ("iec62304:2015", "iec62304:ed2-draft")
# Fields whose change does not make links suspect (``[trace] ignore-fields``).
NON_NORMATIVE = ("status", "tags", "owner")
CACHE_DIR = ".medtrace"


@dataclass(frozen=True, slots=True, kw_only=True)
class SoupConfig:
    """The ``[soup]`` table: where the product's third-party components are listed.

    ``sources`` are lockfiles and SBOMs (relative to the project root) that
    ``medtrace soup sync`` and ``check`` compare with the SOUP records;
    ``folder`` is where sync writes new draft records; ``scopes`` are the
    component scopes that count as SOUP (by default what the product ships,
    not what it is only built or tested with); ``advisories`` is an OSV
    directory or zip the SOUP versions are matched against (empty: none).
    """

    sources: tuple[str, ...] = ()
    folder: str = "soup"
    scopes: tuple[str, ...] = ("required",)
    advisories: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectConfig:
    """Settings of one project.

    ``paths`` are the folders (relative to the root) searched for item files;
    ``exclude`` are glob patterns of relative paths to skip. ``standard`` is
    ``iec62304:2015`` (Edition 1.1: classes A, B, C) or ``iec62304:ed2-draft``
    (the Edition 2 draft: rigor levels I and II). ``digest`` is a
    hash of the configuration's content: cached parse results made under
    another configuration are not reused.
    """

    name: str
    schema: Schema
    paths: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    standard: str = STANDARDS[0]  # the edition rules are applied from
    non_normative: tuple[str, ...] = NON_NORMATIVE
    soup: SoupConfig = SoupConfig()
    digest: str = ""

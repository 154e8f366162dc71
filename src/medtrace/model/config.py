"""The project's configuration as read from ``medtrace.toml``."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.finding import Severity
from medtrace.model.schema import Schema

CONFIG_FILE = "medtrace.toml"
STANDARDS = ("iec62304:2015", "iec62304:ed2-draft")
# Fields whose change does not make links suspect (``[trace] ignore-fields``).
# Support status is the supplier's, not the component's: it changes with no change to the SOUP.
NON_NORMATIVE = ("status", "tags", "owner", "support-level", "end-of-support")
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


# ISO 14971 scales: levels mildest (least likely) first, each "<id> <name>".
SEVERITY_LEVELS = ("S1 negligible", "S2 minor", "S3 serious", "S4 critical", "S5 catastrophic")
PROBABILITY_LEVELS = ("P1 improbable", "P2 remote", "P3 occasional", "P4 probable", "P5 frequent")
# One row per severity, one letter per probability: A acceptable, R reduce as far as
# practicable, U unacceptable.
ACCEPTABILITY = ("AAAAR", "AAARU", "AARUU", "ARUUU", "RUUUU")


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskConfig:
    """The ``[risk]`` table: the severity and probability scales and the acceptability
    matrix of the risk management plan (ISO 14971 4.4)."""

    severity: tuple[str, ...] = SEVERITY_LEVELS
    probability: tuple[str, ...] = PROBABILITY_LEVELS
    acceptability: tuple[str, ...] = ACCEPTABILITY


@dataclass(frozen=True, slots=True, kw_only=True)
class ProblemsConfig:
    """The ``[problems]`` table: how issue tracker labels map to problem report states
    and criticality on ``medtrace problems import``."""

    states: tuple[tuple[str, str], ...] = ()  # (label, state)
    criticality: tuple[tuple[str, str], ...] = ()  # (label, criticality)
    folder: str = "problems"


@dataclass(frozen=True, slots=True, kw_only=True)
class DocsConfig:
    """The ``[docs]`` table: the document set ``medtrace docs build`` writes.

    ``templates`` is a folder of Jinja2 templates that replace the built-in ones
    by file name; ``reference_docx`` a .docx whose styles the DOCX documents
    take; ``output`` where documents go; ``organisation`` who issues them.
    """

    output: str = "build/docs"
    templates: str = ""
    reference_docx: str = ""
    organisation: str = ""


REQIF_DEFAULT_KIND = "software-requirement"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifConfig:
    """The ``[reqif]`` table: how a ReqIF file maps to items on ``medtrace migrate reqif``.

    ``kinds`` maps spec object type long names to kinds (a type named like a kind
    is that kind; any other type is ``default_kind``); ``fields`` maps attribute
    long names to ``id``, ``title``, ``body`` or a field; ``links`` maps spec
    relation type long names to link types. ``id_prefix`` starts the ids made
    for objects without a usable id (empty: the kind's prefix); ``folder`` is
    where the new items are written.
    """

    kinds: tuple[tuple[str, str], ...] = ()  # (spec object type long name, kind)
    fields: tuple[tuple[str, str], ...] = ()  # (attribute long name, id/title/body/field)
    links: tuple[tuple[str, str], ...] = ()  # (spec relation type long name, link type)
    default_kind: str = REQIF_DEFAULT_KIND
    id_prefix: str = ""
    folder: str = "reqif"


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
    # [change-control] files: globs of project files that are configuration items besides
    # the item files; a change to one that no unit or test case claims is a finding.
    controlled_files: tuple[str, ...] = ()
    soup: SoupConfig = SoupConfig()
    risk: RiskConfig = RiskConfig()
    problems: ProblemsConfig = ProblemsConfig()
    docs: DocsConfig = DocsConfig()
    reqif: ReqifConfig = ReqifConfig()
    digest: str = ""

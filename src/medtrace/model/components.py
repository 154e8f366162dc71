"""Third-party components read from an SBOM or a lockfile: what the software is built from.

Values only. :mod:`medtrace.ingest.sbom` and :mod:`medtrace.ingest.lockfiles`
build them; ``medtrace soup sync`` compares them with the project's SOUP
records. ``ecosystem`` uses the OSV ecosystem names (``PyPI``, ``npm``,
``Maven``, ``Go``, ``crates.io``, ``Packagist``, ``NuGet``, ``RubyGems``), or
``""`` when the source does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# purl type -> OSV ecosystem name.
PURL_ECOSYSTEMS = {
    "pypi": "PyPI",
    "npm": "npm",
    "maven": "Maven",
    "golang": "Go",
    "cargo": "crates.io",
    "composer": "Packagist",
    "nuget": "NuGet",
    "gem": "RubyGems",
    "hex": "Hex",
    "pub": "Pub",
    "swift": "SwiftURL",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """One third-party component at one version.

    ``version`` is ``""`` when the source does not pin one (an unpinned
    requirement). ``scope`` is ``"required"`` for what the product ships and
    ``"dev"`` or ``"optional"`` for what it only builds or tests with, when the
    source says. ``line`` is where the component is declared in its file, when
    the format has lines worth naming.
    """

    name: str
    version: str
    ecosystem: str = ""
    purl: str = ""
    license: str = ""
    supplier: str = ""  # supplier, manufacturer, publisher or author, as the source names it
    description: str = ""
    scope: str = "required"
    hashes: tuple[str, ...] = ()  # "sha256:<hex>" and the like
    source: str = ""  # a URL or VCS reference when not from the ecosystem's registry
    line: int | None = None

    @property
    def key(self) -> str:
        """What identifies the component across versions: ``ecosystem/name``."""
        return f"{self.ecosystem}/{normal_name(self.ecosystem, self.name)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentList:
    """The components of one SBOM or lockfile. ``format`` names what was read,
    with its version: ``cyclonedx-json 1.6``, ``spdx-tag 2.2``, ``poetry.lock 2.1``."""

    path: str
    format: str
    components: tuple[Component, ...]


def normal_name(ecosystem: str, name: str) -> str:
    """A package name as its ecosystem compares them (PyPI: PEP 503 normalised)."""
    if ecosystem == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name

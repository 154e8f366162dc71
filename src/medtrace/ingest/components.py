"""Read a lockfile or an SBOM: the file's name says which lockfile, else its content
says which SBOM format."""

from __future__ import annotations

from collections.abc import Callable

from medtrace.ingest.lockfiles import lockfile_kind, parse_lockfile
from medtrace.ingest.sbom import parse_sbom
from medtrace.model.components import ComponentList
from medtrace.model.finding import Finding


def parse_components(
    data: bytes, path: str, read_include: Callable[[str], bytes | None] | None = None
) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    """The components of the lockfile or SBOM ``data`` read from ``path``."""
    if lockfile_kind(path) is not None:
        return parse_lockfile(data, path, read_include)
    return parse_sbom(data, path)

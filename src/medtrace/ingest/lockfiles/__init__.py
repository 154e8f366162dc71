"""Read a lockfile or requirements file into a :class:`ComponentList`: the project's SOUP.

Pure: bytes in, components and findings out (pip-requirements-parser reads files
only, so requirements text passes through a temporary file); it never raises on
what a file holds. A file that cannot be read at all yields no ComponentList and one
``components/...`` finding at ``path:line``; a bad entry yields a finding and
the rest of the file is still read.

Which format
    :func:`lockfile_kind` decides by file name. ``requirements`` is any ``*.txt``
    whose name contains ``requirements`` or ``constraints`` (``requirements-dev.txt``,
    ``constraints.txt``), or any ``*.txt`` directly in a folder named ``requirements``.
    Any other file the caller passes explicitly is sniffed, predictably: text that
    starts with ``{`` must be a JSON lockfile (``lockfileVersion`` -> package-lock.json,
    ``_meta`` with ``default``/``develop`` -> Pipfile.lock); TOML with ``[[package]]``
    is poetry.lock (``metadata.lock-version``), pdm.lock (``metadata.lock_version``) or
    uv.lock (a top-level ``version``); otherwise the text is a requirements file only
    when every line of it is valid pip syntax and it names at least one requirement
    or include (so ``requirements.in`` or ``deps/prod.pip`` work). Anything else is
    ``components/unknown-format``; manifests (package.json, pyproject.toml, Pipfile)
    are not lockfiles and land there too.

What is a component
    Every third-party package the lockfile installs, once per (name, version,
    source): a package installed at several places in node_modules, or listed in
    several Pipfile categories, is one component whose scope is the widest of its
    copies (``required`` > ``optional`` > ``dev``) and whose hashes are the union.
    The project itself and its workspace members are not components. ``version`` is
    ``""`` when the file pins none; every such component also gets a WARNING
    ``components/unpinned``. Source URLs lose any ``user:password@`` part.

    ``scope``: ``required`` for what the product ships; ``optional`` for what only
    an extra or an npm optional dependency ships (it may end up in the product);
    ``dev`` for development groups and categories (Pipfile ``develop`` and custom
    categories, poetry groups other than ``main`` and 1.x ``category = "dev"``, pdm
    groups other than ``default``, uv ``dev-dependencies``, npm ``dev``).

Each format has its module: :mod:`.requirements` (requirements files),
:mod:`.python_locks` (Pipfile.lock, poetry.lock, pdm.lock, uv.lock), :mod:`.npm`
(package-lock.json, npm-shrinkwrap.json) and :mod:`.nuget` (NuGet's
packages.lock.json); :mod:`.sniff` tells a format from a file's
content, and :mod:`.common` holds what they share.
"""

from __future__ import annotations

from medtrace.ingest.lockfiles.common import (
    MESSAGE_LIMIT,
    ReadInclude,
    Result,
    _load_json,
    _load_toml,
)
from medtrace.ingest.lockfiles.requirements import INCLUDE_DEPTH_LIMIT, REQUIREMENTS, _requirements
from medtrace.ingest.lockfiles.sniff import _READERS, _sniffed

__all__ = [
    "INCLUDE_DEPTH_LIMIT",
    "MESSAGE_LIMIT",
    "REQUIREMENTS",
    "ReadInclude",
    "Result",
    "lockfile_kind",
    "parse_lockfile",
]

_FILE_KINDS = {
    "pipfile.lock": "Pipfile.lock",
    "poetry.lock": "poetry.lock",
    "pdm.lock": "pdm.lock",
    "uv.lock": "uv.lock",
    "package-lock.json": "package-lock.json",
    "npm-shrinkwrap.json": "npm-shrinkwrap.json",
    "packages.lock.json": "packages.lock.json",
}
_JSON_KINDS = frozenset(
    {"Pipfile.lock", "package-lock.json", "npm-shrinkwrap.json", "packages.lock.json"}
)


def lockfile_kind(path: str) -> str | None:
    """Which lockfile format a file name is, or None (the caller may still sniff it).

    ``"requirements"`` is any ``*.txt`` whose name contains ``requirements`` or
    ``constraints``, or any ``*.txt`` directly in a folder named ``requirements``;
    the lockfiles go by their exact (case-insensitive) names.
    """
    parts = path.replace("\\", "/").rsplit("/", 2)
    name = parts[-1].lower()
    folder = parts[-2].lower() if len(parts) > 1 else ""
    if name in _FILE_KINDS:
        return _FILE_KINDS[name]
    if name.endswith(".txt") and (
        "requirements" in name or "constraints" in name or folder == "requirements"
    ):
        return REQUIREMENTS
    return None


def parse_lockfile(data: bytes, path: str, read_include: ReadInclude | None = None) -> Result:
    """Parse the lockfile at ``path`` (relative to the project root) from its bytes.

    ``read_include`` reads a requirements file's ``-r``/``-c`` includes: it gets the
    included path relative to the directory of ``path`` and returns its bytes, or
    None when there is no such file. Without it every include is reported missing.
    """
    kind = lockfile_kind(path)
    if kind is None:
        return _sniffed(data, path, read_include)
    if kind == REQUIREMENTS:
        return _requirements(data, path, read_include)
    if kind in _JSON_KINDS:
        document, text, finding = _load_json(data, path)
    else:
        document, text, finding = _load_toml(data, path)
    if finding is not None:
        return None, (finding,)
    return _READERS[kind](document, text, path, kind)

"""Pipfile.lock, poetry.lock, pdm.lock and uv.lock.

Every package entry in every category or ``[[package]]``. uv.lock's project,
its workspace members (``[manifest] members``) and virtual packages are not
components; uv scopes come from walking the dependency graph from those roots
(``dependencies`` -> required, ``optional-dependencies`` -> optional,
``dev-dependencies`` -> dev; a package no walk reaches stays required). Hashes
are those of the distribution files. ``line`` is the entry's ``name =`` line
(its header when none is found), or None when the file's ``[[package]]`` headers
cannot be matched to its packages (a header inside a multi-line string).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from medtrace.ingest.lockfiles.common import (
    _PYPI_INDEXES,
    Result,
    _array,
    _Collector,
    _hashes,
    _invalid,
    _json_object_lines,
    _table,
    _text,
    _toml_package_lines,
)
from medtrace.model.components import normal_name
from medtrace.model.finding import Finding

# --- Pipfile.lock ---------------------------------------------------------------------


def _pipfile_lock(document: object, text: str, path: str, kind: str) -> Result:
    if not isinstance(document, dict):
        return None, (_invalid(path, 1, "a Pipfile.lock is a JSON object"),)
    meta = _table(document.get("_meta"))
    sources = {
        _text(source.get("name")): _text(source.get("url")).rstrip("/")
        for source in map(_table, _array(meta.get("sources")))
    }
    lines = _json_object_lines(text)
    collector = _Collector(path)
    for section, packages in document.items():
        if section == "_meta" or not isinstance(packages, dict):
            continue
        scope = {"default": "required"}.get(section, "dev")
        for name, entry in packages.items():
            line = lines.get((section, name))
            if not name or not isinstance(entry, dict):
                collector.findings.append(
                    _invalid(path, line, f"{section}: an entry without a name")
                )
                continue
            collector.add(
                "PyPI",
                name,
                _text(entry.get("version")).removeprefix("==").removeprefix("="),
                scope=scope,
                hashes=_hashes(map(str, _array(entry.get("hashes")))),
                source=_pipfile_source(entry, sources),
                line=line,
            )
    spec = meta.get("pipfile-spec")
    return collector.result(f"Pipfile.lock {spec}" if spec is not None else "Pipfile.lock")


def _pipfile_source(entry: dict[str, Any], sources: dict[str, str]) -> str:
    if "git" in entry:
        ref = _text(entry.get("ref"))
        return f"git+{_text(entry['git'])}" + (f"@{ref}" if ref else "")
    for key in ("file", "path"):
        if key in entry:
            return _text(entry[key])
    index = sources.get(_text(entry.get("index")), "")
    return "" if index in _PYPI_INDEXES else index


# --- poetry.lock, pdm.lock ------------------------------------------------------------


def _python_packages(
    document: object, text: str, path: str
) -> tuple[list[tuple[dict[str, Any], int | None]], _Collector] | Finding:
    """The ``[[package]]`` tables with their lines, or a finding when there are none."""
    packages = document.get("package", []) if isinstance(document, dict) else None
    if not isinstance(packages, list):
        return _invalid(path, 1, "[[package]] is not an array of tables")
    collector = _Collector(path)
    found = []
    for package, line in zip(packages, _toml_package_lines(text, packages), strict=True):
        name, version = _table(package).get("name"), _table(package).get("version", "")
        if not isinstance(name, str) or not name or not isinstance(version, str):
            collector.findings.append(
                _invalid(path, line, "a [[package]] without a name or version")
            )
            continue
        found.append((_table(package), line))
    return found, collector


def _poetry_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    metadata = _table(_table(document).get("metadata"))
    files_1x = _table(metadata.get("files"))  # lock-version 1.x keeps hashes apart
    for package, line in packages:
        name = package["name"]
        groups = _array(package.get("groups")) or [_text(package.get("category")) or "main"]
        if "main" not in groups:
            scope = "dev"
        else:
            scope = "optional" if package.get("optional") is True else "required"
        files = _array(package.get("files")) or _array(files_1x.get(name))
        source = _table(package.get("source"))
        collector.add(
            "PyPI",
            name,
            package.get("version", ""),
            scope=scope,
            hashes=_hashes(_text(_table(f).get("hash")) for f in files),
            source=_poetry_source(source),
            line=line,
        )
    version = metadata.get("lock-version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _poetry_source(source: dict[str, Any]) -> str:
    url = _text(source.get("url"))
    if source.get("type") == "git":
        reference = _text(source.get("resolved_reference")) or _text(source.get("reference"))
        return f"git+{url}" + (f"@{reference}" if reference else "")
    return "" if url.rstrip("/") in _PYPI_INDEXES else url


def _pdm_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    for package, line in packages:
        groups = _array(package.get("groups")) or ["default"]
        git, revision = _text(package.get("git")), _text(package.get("revision"))
        source = f"git+{git}@{revision}" if git else ""
        collector.add(
            "PyPI",
            package["name"],
            package.get("version", ""),
            scope="required" if "default" in groups else "dev",
            hashes=_hashes(_text(_table(f).get("hash")) for f in _array(package.get("files"))),
            source=source or _text(package.get("url")) or _text(package.get("path")),
            line=line,
        )
    version = _table(_table(document).get("metadata")).get("lock_version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


# --- uv.lock --------------------------------------------------------------------------


def _uv_lock(document: object, text: str, path: str, kind: str) -> Result:
    read = _python_packages(document, text, path)
    if isinstance(read, Finding):
        return None, (read,)
    packages, collector = read
    members = {
        normal_name("PyPI", _text(m))
        for m in _array(_table(_table(document).get("manifest")).get("members"))
    }
    tables = [package for package, _ in packages]
    roots = {i for i, package in enumerate(tables) if _uv_is_project(package, members)}
    scopes = _uv_scopes(tables, roots)
    for i, (package, line) in enumerate(packages):
        if i in roots:
            continue
        distributions = [_table(package.get("sdist")), *map(_table, _array(package.get("wheels")))]
        collector.add(
            "PyPI",
            package["name"],
            package.get("version", ""),
            scope=scopes.get(i, "required"),
            hashes=_hashes(_text(d.get("hash")) for d in distributions),
            source=_uv_source(_table(package.get("source"))),
            line=line,
        )
    version = _table(document).get("version")
    return collector.result(f"{kind} {version}" if version is not None else kind)


def _uv_is_project(package: dict[str, Any], members: set[str]) -> bool:
    source = _table(package.get("source"))
    return (
        "virtual" in source
        or source.get("editable") == "."
        or normal_name("PyPI", package["name"]) in members
    )


def _uv_source(source: dict[str, Any]) -> str:
    if "registry" in source:
        registry = _text(source["registry"]).rstrip("/")
        return "" if registry in _PYPI_INDEXES else registry
    if "git" in source:
        return f"git+{_text(source['git'])}"
    for key in ("url", "path", "directory", "editable"):
        if key in source:
            return _text(source[key])
    return ""


def _uv_scopes(packages: list[dict[str, Any]], roots: set[int]) -> dict[int, str]:
    """Each package's scope, by walking the graph from the project's packages."""
    by_name: dict[str, list[int]] = {}
    for i, package in enumerate(packages):
        by_name.setdefault(normal_name("PyPI", package["name"]), []).append(i)

    def targets(dependency: object) -> Iterator[tuple[int, list[Any]]]:
        wanted = _table(dependency)
        for i in by_name.get(normal_name("PyPI", _text(wanted.get("name"))), []):
            if "version" in wanted and packages[i].get("version") != wanted["version"]:
                continue
            if "source" in wanted and packages[i].get("source") != wanted["source"]:
                continue
            yield i, _array(wanted.get("extra"))

    scopes: dict[int, str] = {}
    for scope, field in (
        ("required", "dependencies"),
        ("optional", "optional-dependencies"),
        ("dev", "dev-dependencies"),
    ):
        starts: list[object] = []
        for root in sorted(roots):
            value = packages[root].get(field)
            groups = [value] if field == "dependencies" else list(_table(value).values())
            starts.extend(dependency for group in groups for dependency in _array(group))
        for reached in _uv_walk(packages, starts, targets):
            scopes.setdefault(reached, scope)
    return {i: scope for i, scope in scopes.items() if i not in roots}


def _uv_walk(
    packages: list[dict[str, Any]],
    starts: list[object],
    targets: Callable[[object], Iterator[tuple[int, list[Any]]]],
) -> set[int]:
    """Every package reachable from ``starts``, following dependencies and requested extras."""
    reached: set[int] = set()
    done: set[tuple[int, str]] = set()
    queue = [pair for dependency in starts for pair in targets(dependency)]
    while queue:
        i, extras = queue.pop()
        groups = []
        if i not in reached:
            reached.add(i)
            groups.append(_array(packages[i].get("dependencies")))
        optional = _table(packages[i].get("optional-dependencies"))
        for extra in map(str, extras):
            if (i, extra) not in done:
                done.add((i, extra))
                groups.append(_array(optional.get(extra)))
        queue.extend(
            pair for group in groups for dependency in group for pair in targets(dependency)
        )
    return reached

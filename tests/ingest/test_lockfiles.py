"""The lockfile readers: every real lockfile in ../shared, counted independently, and bad input."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import shared_path

from medtrace.ingest.components import parse_components
from medtrace.ingest.lockfiles import lockfile_kind, parse_lockfile
from medtrace.model.components import Component, ComponentList
from medtrace.model.finding import Finding, Severity

Pairs = set[tuple[str, str]]
MANIFESTS = {"package.json", "pyproject.toml", "pyproject-proto.toml", "Pipfile"}
FORMATS = {  # every lockfile of the corpus and the format it reads as
    "cyclonedx-node-npm/with-lockfile/package-lock.json": "package-lock.json 2",
    "cyclonedx-node-npm/with-prepared/package-lock.json": "package-lock.json 3",
    "cyclonedx-node-npm/with-shrinkwrap/npm-shrinkwrap.json": "npm-shrinkwrap.json 2",
    "cyclonedx-python-infiles/environment/via-pdm/pdm.lock": "pdm.lock 4.5.0",
    "cyclonedx-python-infiles/environment/via-uv/uv.lock": "uv.lock 1",
    "cyclonedx-python-infiles/pipenv/category-deps/Pipfile.lock": "Pipfile.lock 6",
    "cyclonedx-python-infiles/pipenv/default-and-dev/Pipfile.lock": "Pipfile.lock 6",
    "cyclonedx-python-infiles/poetry/group-deps/lock21/poetry.lock": "poetry.lock 2.1",
    "cyclonedx-python-infiles/poetry/main-and-dev/lock10/poetry.lock": "poetry.lock 1.0",
    "cyclonedx-python-infiles/poetry/main-and-dev/lock21/poetry.lock": "poetry.lock 2.1",
    "safety-critical-rust-coding-guidelines/uv.lock": "uv.lock 1",
    **{
        f"cyclonedx-python-infiles/requirements/{name}": "requirements"
        for name in (
            "frozen.txt",
            "nested.txt",
            "private-packages.txt",
            "regression-issue448.cp1252.txt.bin",
            "with-comments.txt",
            "with-extras.txt",
            "with-hashes.txt",
            "with-urls.txt",
            "without-pinned-versions.txt",
        )
    },
}
RANK = {"required": 2, "optional": 1, "dev": 0}


def deps() -> Path:
    return shared_path("realworld", "deps")


def reader(folder: Path) -> Callable[[str], bytes | None]:
    def read(relative: str) -> bytes | None:
        path = folder / relative
        return path.read_bytes() if path.is_file() else None

    return read


def parse_file(name: str) -> tuple[ComponentList, tuple[Finding, ...]]:
    path = deps() / name
    result, findings = parse_lockfile(path.read_bytes(), name, reader(path.parent))
    assert result is not None, findings
    return result, findings


def parse(
    text: str | bytes, path: str, **files: str
) -> tuple[ComponentList | None, tuple[Finding, ...]]:
    data = text.encode() if isinstance(text, str) else text
    return parse_lockfile(data, path, lambda rel: files[rel].encode() if rel in files else None)


def ok(text: str | bytes, path: str = "requirements.txt", **files: str) -> ComponentList:
    result, findings = parse(text, path, **files)
    assert result is not None, findings
    return result


def by_name(result: ComponentList) -> dict[str, Component]:
    return {c.name: c for c in result.components}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pairs(result: ComponentList) -> Pairs:
    ecosystem = {c.ecosystem for c in result.components}
    if ecosystem == {"PyPI"}:
        return {(normal(c.name), c.version) for c in result.components}
    return {(c.name, c.version) for c in result.components}


def codes(findings: tuple[Finding, ...]) -> list[tuple[str, int | None]]:
    return [(f.code, f.location.line) for f in findings]


# Independent counts: json / tomllib walks and regexes, never the reader under test ---

PIN = re.compile(r"([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,*]+)(?:\s|$|;)")
RANGE = re.compile(r"([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>!~]=?.*)?$")
EGG = re.compile(r"#egg=([\w.-]+)")
AT = re.compile(r"([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*@\s*(\S+)")
ARCHIVE = re.compile(
    r"/([A-Za-z0-9][\w.]*(?:-[A-Za-z][\w.]*)*)-(\d[\w.+!]*?)(?:-[^/]*)?\.(?:whl|tar\.gz|zip)$"
)


def requirement_lines(text: str) -> list[tuple[int, str]]:
    """Logical lines (continuations joined) without comments, with their first line."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        if pending is not None:
            number, line = pending[0], pending[1] + " " + line.strip()
        if line.endswith("\\"):
            pending = (number, line[:-1])
            continue
        pending = None
        if line.strip():
            joined.append((number, line.strip()))
    return joined


def counted_requirements(
    text: str, read: Callable[[str], bytes | None]
) -> dict[tuple[str, str], int]:
    """(normalised name, version) -> line, by regex; follows -r through ``read``."""
    found: dict[tuple[str, str], int] = {}
    for number, line in requirement_lines(text):
        line = re.sub(r"\s--hash=\S+", "", line).strip()
        if line.startswith(("-r ", "--requirement")):
            included = read(line.split()[-1])
            assert included is not None
            for pair in counted_requirements(included.decode(), read):
                found.setdefault(pair, number)
            continue
        if line.startswith("-") and not line.startswith("-e "):
            continue  # -i, --index-url, --extra-index-url
        line = line.removeprefix("-e ").strip()
        if (match := EGG.search(line)) is not None:
            pair = (match.group(1), "")
        elif (match := AT.match(line)) is not None:
            archive = ARCHIVE.search(match.group(2))
            same = archive is not None and normal(archive.group(1)) == normal(match.group(1))
            pair = (match.group(1), archive.group(2) if archive is not None and same else "")
        elif (match := ARCHIVE.search(line) or PIN.match(line)) is not None:
            pair = (match.group(1), match.group(2))
        else:
            match = RANGE.match(line)
            assert match is not None, line
            pair = (match.group(1), "")
        found.setdefault((normal(pair[0]), pair[1]), number)
    return found


def widest(found: dict[tuple[str, str], str], pair: tuple[str, str], scope: str) -> None:
    if pair not in found or RANK[scope] > RANK[found[pair]]:
        found[pair] = scope


def counted_pipfile(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for section, packages in document.items():
        if section != "_meta":
            for name, entry in packages.items():
                pair = (normal(name), entry["version"].removeprefix("=="))
                widest(found, pair, "required" if section == "default" else "dev")
    return found


def counted_toml(document: dict[str, Any], kind: str) -> dict[tuple[str, str], str]:
    members = set(document.get("manifest", {}).get("members", []))
    main = {"poetry.lock": "main", "pdm.lock": "default"}.get(kind)
    found: dict[tuple[str, str], str] = {}
    for package in document["package"]:
        source = package.get("source", {})
        if kind == "uv.lock" and (
            "virtual" in source or source.get("editable") == "." or package["name"] in members
        ):
            continue  # the project and its workspace members
        groups = package.get("groups") or [package.get("category", "main")]
        scope = "required" if main is None or main in groups else "dev"
        found[(normal(package["name"]), package["version"])] = scope
    return found


def counted_npm(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for folder, entry in document["packages"].items():
        if "node_modules/" not in folder or entry.get("link"):
            continue
        name = entry.get("name") or folder.rsplit("node_modules/", 1)[1]
        scope = "required"
        if entry.get("dev"):
            scope = "dev"
        elif entry.get("optional") or entry.get("devOptional"):
            scope = "optional"
        widest(found, (name, entry["version"]), scope)
    return found


# The corpus -----------------------------------------------------------------------


def test_the_corpus_holds_the_lockfiles_this_test_counts() -> None:
    files = {p.relative_to(deps()).as_posix() for p in deps().rglob("*") if p.is_file()}
    lockfiles = {name for name in files if name.rsplit("/", 1)[-1] not in MANIFESTS}
    assert lockfiles == set(FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_real_lockfile_gives_its_format_and_independently_counted_components(
    name: str,
) -> None:
    result, findings = parse_file(name)
    path = deps() / name
    assert result.format == FORMATS[name]
    assert result.path == name
    assert not [f for f in findings if f.severity is Severity.ERROR], findings
    kind = FORMATS[name].split()[0]
    data = path.read_bytes()
    if kind == "requirements":
        text = data.decode("utf-8") if not name.endswith(".bin") else data.decode("cp1252")
        expected_lines = counted_requirements(text, reader(path.parent))
        expected = set(expected_lines)
        assert {(normal(c.name), c.version): c.line for c in result.components} == expected_lines
        assert all(c.scope == "required" and c.ecosystem == "PyPI" for c in result.components)
    else:
        if kind == "Pipfile.lock":
            scopes = counted_pipfile(json.loads(data))
        elif kind in ("package-lock.json", "npm-shrinkwrap.json"):
            scopes = counted_npm(json.loads(data))
        else:
            scopes = counted_toml(tomllib.loads(data.decode()), kind)
        expected = set(scopes)
        if kind != "uv.lock":  # uv's scopes come from its graph, checked below
            assert {key: c.scope for c in result.components for key in pairs_of(c)} == scopes
        lines = path.read_text("utf-8").splitlines()
        for component in result.components:
            assert component.line is not None
            assert component.name.rsplit("/", 1)[-1] in lines[component.line - 1]
    assert len(result.components) == len(expected)
    assert pairs(result) == expected
    for component in result.components:
        assert component.purl.startswith(f"pkg:{component.ecosystem.lower()}/")
        assert all(
            re.fullmatch(r"(md5|sha1|sha256|sha384|sha512):[0-9a-f]+", h) for h in component.hashes
        )


def pairs_of(component: Component) -> set[tuple[str, str]]:
    name = normal(component.name) if component.ecosystem == "PyPI" else component.name
    return {(name, component.version)}


def test_the_real_lockfiles_list_dev_dependencies_as_dev() -> None:
    scopes = {
        name: {c.name: c.scope for c in parse_file(name)[0].components}
        for name in FORMATS
        if not name.endswith((".txt", ".bin"))
    }
    pipenv = scopes["cyclonedx-python-infiles/pipenv/default-and-dev/Pipfile.lock"]
    assert pipenv == {"colorama": "required", "toml": "required"} | dict.fromkeys(
        ("arrow", "isoduration", "python-dateutil", "six", "types-python-dateutil"), "dev"
    )
    categories = scopes["cyclonedx-python-infiles/pipenv/category-deps/Pipfile.lock"]
    assert categories["toml"] == "required" and categories["ddt"] == "dev"
    assert categories["colorama"] == "dev"  # listed twice, in custom categories only
    poetry10 = scopes["cyclonedx-python-infiles/poetry/main-and-dev/lock10/poetry.lock"]
    assert poetry10["isoduration"] == "dev" and poetry10["arrow"] == "required"
    groups = scopes["cyclonedx-python-infiles/poetry/group-deps/lock21/poetry.lock"]
    assert [n for n, s in groups.items() if s == "required"] == ["toml"]
    assert scopes["cyclonedx-python-infiles/environment/via-pdm/pdm.lock"] == {
        "ddt": "dev",
        "toml": "required",
    }
    assert scopes["cyclonedx-python-infiles/environment/via-uv/uv.lock"] == {
        "ddt": "optional",  # an extra of the project
        "toml": "required",
    }
    rust = scopes["safety-critical-rust-coding-guidelines/uv.lock"]
    assert {n for n, s in rust.items() if s == "dev"} == {
        "coverage",
        "iniconfig",
        "pluggy",
        "pytest",
        "pytest-cov",
        "pytest-mock",
        "ruff",
    }
    assert rust["sphinx"] == rust["requests"] == "required"
    assert not {"builder", "coding-guidelines-ext", "safety-critical-rust-coding-guidelines"} & set(
        rust
    )
    npm = scopes["cyclonedx-node-npm/with-prepared/package-lock.json"]
    assert npm["@types/node"] == npm["undici-types"] == "dev"
    assert npm["uuid"] == npm["@types/uuid"] == "optional"  # devOptional: may ship
    assert npm["uuidv4"] == "optional"
    assert npm["buffer"] == npm["bundle-dependencies"] == "required"


def test_npm_aliases_bundles_and_licences() -> None:
    result, _ = parse_file("cyclonedx-node-npm/with-prepared/package-lock.json")
    named = {(c.name, c.version): c for c in result.components}
    library = named[("@cyclonedx/cyclonedx-library", "7.0.0")]  # once, though aliased
    assert library.purl == "pkg:npm/%40cyclonedx/cyclonedx-library@7.0.0"
    assert library.license == "Apache-2.0"  # from the aliased copy
    assert ("cyclonedx-library-same_aliased", "7.0.0") not in named
    assert named[("yargs", "4.1.0")].license == "MIT"  # bundled inside bundle-dependencies
    assert {("base64-js", "1.0.1"), ("base64-js", "1.5.1")} <= set(named)
    assert named[("buffer", "5.7.1")].hashes[0].startswith("sha512:")
    assert len(named[("buffer", "5.7.1")].hashes[0]) == len("sha512:") + 128


def test_with_hashes_keeps_every_valid_hash_across_continuations() -> None:
    result, findings = parse_file("cyclonedx-python-infiles/requirements/with-hashes.txt")
    named = by_name(result)
    assert named["certifi"].hashes == (
        "sha256:e036ab49d5b79556f99cfc2d9320b34cfbe5be05c5871b51de9329f0603b0474",
        "sha256:9b469f3a900bf28dc19b8cfbf8019bf47f7fdd1a65a1d4ffb98fc14166beb4d1",
    )
    assert named["urllib3"].hashes[1].endswith("79481e35c11224")  # on the continuation line
    assert named["FooProject"].hashes == (
        "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "sha256:486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7",
    )
    assert named["FooProject"].purl == "pkg:pypi/fooproject@1.2"
    assert named["colorama"].hashes == (
        "md5:9854316552d41419b678d39af443a75f",
        "sha1:aa1fc7722b9128a3c945048de03f5b4e55157c6a",
    )
    assert named["colorama"].source.startswith("https://github.com/tartley/colorama/")
    assert named["something"].hashes == ()  # "foo:something-invalid" is no hash
    assert codes(findings) == [("components/unpinned", 16)]


def test_nested_reads_its_include_through_read_include() -> None:
    asked: list[str] = []
    folder = deps() / "cyclonedx-python-infiles" / "requirements"

    def read(relative: str) -> bytes | None:
        asked.append(relative)
        return reader(folder)(relative)

    name = "cyclonedx-python-infiles/requirements/nested.txt"
    result, findings = parse_lockfile((folder / "nested.txt").read_bytes(), name, read)
    assert asked == ["frozen.txt"]  # nested.txt includes only frozen.txt, which is there
    assert result is not None and findings == ()
    assert {(c.name, c.version, c.line) for c in result.components} == {
        ("colorama", "0.4.6", 3),
        ("FooProject", "1.2", 3),  # the line of the -r in nested.txt
    }
    missing, findings = parse_lockfile((folder / "nested.txt").read_bytes(), name)
    assert missing is not None and missing.components == ()
    assert codes(findings) == [("components/include-missing", 3)]
    assert "frozen.txt" in findings[0].message


def test_unpinned_requirements_are_listed_with_a_warning_each() -> None:
    result, findings = parse_file(
        "cyclonedx-python-infiles/requirements/without-pinned-versions.txt"
    )
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("certifi", "", 1),
        ("chardet", "", 2),
        ("urllib3", "", 3),
    ]
    assert codes(findings) == [("components/unpinned", n) for n in (1, 2, 3)]
    assert all(f.severity is Severity.WARNING for f in findings)
    assert [f.message.split(" ")[0] for f in findings] == [
        "certifi>=2023.11.17",
        "chardet<5,>=4.0.0",
        "urllib3",
    ]


def test_the_cp1252_file_is_read_with_its_names_as_written() -> None:
    result, _ = parse_file(
        "cyclonedx-python-infiles/requirements/regression-issue448.cp1252.txt.bin"
    )
    assert [(c.name, c.line) for c in result.components] == [
        ("packageurl-python", 6),
        ("requirements_parser", 7),
        ("setuptools", 8),
    ]
    assert result.components[1].key == "PyPI/requirements-parser"


def test_private_index_credentials_never_reach_a_source_or_message() -> None:
    result, findings = parse_file("cyclonedx-python-infiles/requirements/private-packages.txt")
    named = by_name(result)
    assert named["my-package"].source == "https://pypackages.acme.org/simple"
    assert named["my-other-package"].version == "1.2.3"  # from the sdist file name
    assert named["my-other-package"].source == (
        "https://pypackages.acme.org/my-other-package-1.2.3.tar.gz"
    )
    assert "password" not in repr(result) + repr(findings)


# requirements.txt in detail -------------------------------------------------------


def test_requirements_forms() -> None:
    text = "\n".join(
        [
            "-i https://pypi.org/simple",  # 1: the default index is no source
            "pkg[a,b]==1.0 ; python_version < '3.8'",
            "exact===1.0-weird",
            "wild==1.*",
            "-e .",  # 5: the project itself
            "-e git+https://github.com/a/b.git@v1.0#egg=bname",
            "./vendor/local_pkg-2.0-py3-none-any.whl",
            "CamelCase==3  # a comment",
        ]
    )
    result, findings = parse(text, "requirements.txt")
    assert result is not None
    assert [(c.name, c.version, c.source, c.line) for c in result.components] == [
        ("pkg", "1.0", "", 2),
        ("exact", "1.0-weird", "", 3),
        ("wild", "", "", 4),
        ("bname", "", "git+https://github.com/a/b.git@v1.0#egg=bname", 6),
        ("local-pkg", "2.0", "./vendor/local_pkg-2.0-py3-none-any.whl", 7),  # as pip names it
        ("CamelCase", "3", "", 8),
    ]
    assert codes(findings) == [("components/unpinned", 4), ("components/unpinned", 6)]
    assert by_name(result)["CamelCase"].purl == "pkg:pypi/camelcase@3"


def test_constraints_pin_unpinned_requirements_and_add_no_components() -> None:
    result, findings = parse(
        "-c constraints.txt\nrequests\nflask>=2\n",
        "reqs/requirements.txt",
        **{"constraints.txt": "requests==2.31.0\nurllib3==2.2.0\n"},
    )
    assert result is not None
    assert [(c.name, c.version) for c in result.components] == [
        ("requests", "2.31.0"),
        ("flask", ""),
    ]
    assert [(f.code, str(f.location)) for f in findings] == [
        ("components/unpinned", "reqs/requirements.txt:3")
    ]


def test_nested_includes_resolve_relative_paths_and_report_where_they_are() -> None:
    result, findings = parse(
        "alpha==1\n-r sub/more.txt\n",
        "deps/requirements.txt",
        **{"sub/more.txt": "beta\n-r ../common.txt\n", "common.txt": "gamma==3\nbeta\n"},
    )
    assert result is not None
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("alpha", "1", 1),
        ("beta", "", 2),  # listed twice: once
        ("gamma", "3", 2),
    ]
    assert [(f.code, str(f.location)) for f in findings] == [
        ("components/unpinned", "deps/sub/more.txt:1"),
        ("components/unpinned", "deps/common.txt:2"),
    ]


def test_include_cycles_and_missing_includes_are_findings_not_loops() -> None:
    result, findings = parse(
        "a==1\n-r b.txt\n-r gone.txt\n-r https://example.com/r.txt\n",
        "requirements.txt",
        **{"b.txt": "b==2\n-r requirements.txt\n"},
    )
    assert result is not None
    assert [c.name for c in result.components] == ["a", "b"]
    assert [(f.code, str(f.location)) for f in findings] == [
        ("components/invalid", "b.txt:2"),
        ("components/include-missing", "requirements.txt:3"),
        ("components/include-missing", "requirements.txt:4"),
    ]


def test_an_include_read_twice_is_listed_once_and_a_reader_error_is_a_finding() -> None:
    def read(relative: str) -> bytes | None:
        if relative == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return {"a.txt": b"-r common.txt\n", "b.txt": b"-r common.txt\n", "common.txt": b"c==1\n"}[
            relative
        ]

    result, findings = parse_lockfile(
        b"-r a.txt\n-r b.txt\n-r locked.txt\n", "requirements.txt", read
    )
    assert result is not None
    assert [(c.name, c.line) for c in result.components] == [("c", 1)]
    assert codes(findings) == [("components/include-missing", 3)]
    assert "Permission denied" in findings[0].message


def test_includes_nest_only_so_deep() -> None:
    files = {f"{n}.txt": f"-r {n + 1}.txt\n" for n in range(1, 40)}
    result, findings = parse("-r 1.txt\n", "requirements.txt", **files)
    assert result is not None and result.components == ()
    assert [f.code for f in findings] == ["components/invalid"]
    assert "too deeply" in findings[0].message


def test_what_a_constraints_file_includes_constrains_too() -> None:
    result = ok(
        "-c c.txt\nalpha\n",
        **{"c.txt": "-r more.txt\n", "more.txt": "alpha==2\nbeta==3\n"},
    )
    assert [(c.name, c.version) for c in result.components] == [("alpha", "2")]


def test_a_garbage_line_is_an_error_at_its_line_and_the_rest_is_read() -> None:
    result, findings = parse(
        "good==1\nthis is not a requirement!!\n==2\nok==3\n", "requirements.txt"
    )
    assert result is not None
    assert [c.name for c in result.components] == ["good", "ok"]
    assert codes(findings) == [("components/invalid", 2), ("components/invalid", 3)]
    assert all(f.severity is Severity.ERROR and "\n" not in f.message for f in findings)


def test_a_local_folder_without_a_name_is_invalid() -> None:
    _, findings = parse("-e ./libs/foo\n", "requirements.txt")
    assert codes(findings) == [("components/invalid", 1)]


@pytest.mark.parametrize(
    "data",
    [
        "# café\nalpha==1\n".encode("utf-16"),  # pip freeze > file, in PowerShell
        "# café\nalpha==1\n".encode("utf-32"),
        "\ufeff# café\nalpha==1\n".encode(),
        "# -*- coding: latin-1 -*-\nalpha==1  # café\n".encode("latin-1"),
        "# café €\nalpha==1\n".encode("cp1252"),
        b"# caf\x81\x8d\nalpha==1\n",  # not cp1252 either: latin-1
        b"# odd\x0cbreaks\x1c\xc2\x85here\nalpha==1\n",  # no line break to an editor
    ],
)
def test_requirements_encodings(data: bytes) -> None:
    result, findings = parse(data, "requirements.txt")
    assert result is not None and findings == ()
    assert [(c.name, c.version, c.line) for c in result.components] == [("alpha", "1", 2)]


def test_a_non_ascii_name_is_invalid_not_a_crash() -> None:
    result, findings = parse("naïve==1.0\nok==1\n", "requirements.txt")
    assert result is not None and [c.name for c in result.components] == ["ok"]
    assert codes(findings) == [("components/invalid", 1)]


def test_crlf_and_windows_bytes() -> None:
    result = ok(b"# caf\xe9\r\nalpha==1\r\nbeta==2 \\\r\n  --hash=sha256:" + b"a" * 64 + b"\r\n")
    assert [(c.name, c.line, c.hashes) for c in result.components] == [
        ("alpha", 2, ()),
        ("beta", 3, ("sha256:" + "a" * 64,)),
    ]


# The TOML and JSON lockfiles in detail ---------------------------------------------


def test_uv_sources_versions_and_graph() -> None:
    text = """
version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "lib", extra = ["fast"] }, { name = "dup", version = "2.0" }]

[package.dev-dependencies]
test = [{ name = "pytest" }]

[[package]]
name = "lib"
version = "1.0"
source = { git = "https://user:tok@example.com/lib.git?rev=v1#abc" }

[package.optional-dependencies]
fast = [{ name = "speedups" }]

[[package]]
name = "speedups"
version = "3.0"
source = { registry = "https://mirror.example.com/simple" }

[[package]]
name = "dup"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "dup"
version = "2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.0"
source = { registry = "https://pypi.org/simple" }
"""
    result = ok(text, "uv.lock")
    assert [(c.name, c.version, c.scope, c.source, c.line) for c in result.components] == [
        ("lib", "1.0", "required", "git+https://example.com/lib.git?rev=v1#abc", 15),
        ("speedups", "3.0", "required", "https://mirror.example.com/simple", 23),
        ("dup", "1.0", "required", "", 28),  # reached by nothing: kept required
        ("dup", "2.0", "required", "", 33),
        ("pytest", "8.0", "dev", "", 38),
    ]


def test_poetry_optional_extras_and_sources() -> None:
    text = """
[[package]]
name = "extra-only"
version = "1.0"
optional = true
groups = ["main"]

[[package]]
name = "from-git"
version = "2.0"
groups = ["main"]

[package.source]
type = "git"
url = "https://github.com/x/from-git.git"
reference = "main"
resolved_reference = "abc123"

[metadata]
lock-version = "2.0"
"""
    result = ok(text, "poetry.lock")
    assert result.format == "poetry.lock 2.0"
    assert [(c.name, c.scope, c.source) for c in result.components] == [
        ("extra-only", "optional", ""),
        ("from-git", "required", "git+https://github.com/x/from-git.git@abc123"),
    ]


def test_npm_v1_nested_aliases_and_skipped_folders() -> None:
    document = {
        "name": "app",
        "lockfileVersion": 1,
        "dependencies": {
            "left-pad": {"version": "1.3.0", "integrity": "sha1-W1+oF+vWv5nBw0z8ugOlY5mUoaM="},
            "alias": {"version": "npm:@scope/real@2.0.0", "dev": True},
            "local": {"version": "file:packages/local"},
            "gitdep": {"version": "git+https://github.com/x/y.git#abc"},
            "outer": {
                "version": "1.0.0",
                "optional": True,
                "dependencies": {"inner": {"version": "0.1.0", "optional": True}},
            },
        },
    }
    result, findings = parse(json.dumps(document, indent=2), "package-lock.json")
    assert result is not None and result.format == "package-lock.json 1"
    assert [(c.name, c.version, c.scope, c.source) for c in result.components] == [
        ("left-pad", "1.3.0", "required", ""),
        ("@scope/real", "2.0.0", "dev", ""),
        ("gitdep", "", "required", "git+https://github.com/x/y.git#abc"),
        ("outer", "1.0.0", "optional", ""),
        ("inner", "0.1.0", "optional", ""),
    ]
    assert by_name(result)["left-pad"].hashes == ("sha1:5b5fa817ebd6bf99c1c34cfcba03a5639994a1a3",)
    assert by_name(result)["inner"].line == 23
    assert codes(findings) == [("components/unpinned", 16)]


def test_npm_v3_links_and_workspaces_are_not_components() -> None:
    document = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app", "workspaces": ["packages/*"]},
            "packages/a": {"name": "a", "version": "1.0.0"},
            "node_modules/a": {"resolved": "packages/a", "link": True},
            "node_modules/x": {
                "version": "1.0.0",
                "resolved": "https://npm.example.com/x-1.0.0.tgz",
            },
            "packages/a/node_modules/y": {"version": "2.0.0"},
        },
    }
    result = ok(json.dumps(document), "npm-shrinkwrap.json")
    assert [(c.name, c.source) for c in result.components] == [
        ("x", "https://npm.example.com/x-1.0.0.tgz"),
        ("y", ""),
    ]


# Bad input ------------------------------------------------------------------------


def only_error(text: str | bytes, path: str) -> Finding:
    result, findings = parse(text, path)
    assert result is None
    (finding,) = findings
    assert finding.severity is Severity.ERROR and finding.location.path == path
    return finding


def test_truncated_json_is_unreadable_at_the_line_it_breaks() -> None:
    path = deps() / "cyclonedx-python-infiles/pipenv/default-and-dev/Pipfile.lock"
    truncated = path.read_text("utf-8")[:1000]
    finding = only_error(truncated, "Pipfile.lock")
    assert finding.code == "components/unreadable"
    assert finding.location.line == truncated.count("\n") + 1
    assert (
        only_error(
            '{\n  "lockfileVersion": 3,\n  "packages": {\n', "package-lock.json"
        ).location.line
        == 4
    )


def test_broken_toml_is_unreadable_at_its_line() -> None:
    finding = only_error('[[package]]\nname = "a"\nversion = 1.0.0\n', "poetry.lock")
    assert (finding.code, finding.location.line) == ("components/unreadable", 3)
    finding = only_error(b'[[package]]\nname = "\xff"\n', "uv.lock")
    assert (finding.code, finding.location.line) == ("components/unreadable", 2)


def test_a_package_lock_entry_without_a_resolvable_name_is_invalid() -> None:
    document = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app"},
            "node_modules/": {"version": "1.0.0"},
            "node_modules/@scope/": {"version": "1.0.0"},
            "node_modules/ok": {"version": "1.0.0"},
            "node_modules/bad": "not an object",
        },
    }
    result, findings = parse(json.dumps(document, indent=1), "package-lock.json")
    assert result is not None
    assert [c.name for c in result.components] == ["ok"]
    assert codes(findings) == [
        ("components/invalid", 7),
        ("components/invalid", 10),
        ("components/invalid", None),  # a string: no object, no line
    ]


def test_structure_errors() -> None:
    assert only_error("[]", "package-lock.json").code == "components/invalid"
    assert only_error('{"lockfileVersion": 2, "packages": []}', "package-lock.json").code == (
        "components/invalid"
    )
    assert only_error("package = 3\n", "poetry.lock").code == "components/invalid"
    result, findings = parse(
        '[[package]]\nversion = "1"\n\n[[package]]\nname = "b"\nversion = "2"\n', "pdm.lock"
    )
    assert result is not None and [c.name for c in result.components] == ["b"]
    assert codes(findings) == [("components/invalid", 1)]
    assert only_error(b"{\x00\xff", "Pipfile.lock").code == "components/unreadable"
    assert only_error("[" * 100000, "package-lock.json").code == "components/unreadable"


@settings(max_examples=150, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(alphabet=st.sampled_from("{}[]\":,=\\\n #@-.'aZ09r"), max_size=200).map(str.encode),
    ),
    path=st.sampled_from(
        (
            "requirements.txt",
            "Pipfile.lock",
            "poetry.lock",
            "pdm.lock",
            "uv.lock",
            "package-lock.json",
            "npm-shrinkwrap.json",
            "unknown.lock",
        )
    ),
)
def test_no_input_makes_it_raise(data: bytes, path: str) -> None:
    result, findings = parse_lockfile(data, path, lambda _: data)
    assert result is not None or [f.severity for f in findings] == [Severity.ERROR]
    assert all("\n" not in f.message for f in findings)


@pytest.mark.parametrize("name", sorted(n for n in FORMATS if not n.endswith((".txt", ".bin"))))
def test_every_real_lockfile_cut_short_gives_findings_never_an_exception(name: str) -> None:
    data = (deps() / name).read_bytes()
    for end in range(0, len(data), max(1, len(data) // 60)):
        result, findings = parse_lockfile(data[:end], name)
        if result is None:
            assert [f.severity for f in findings] == [Severity.ERROR], (end, findings)


# Which format -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("requirements.txt", "requirements"),
        ("deps/requirements-dev.txt", "requirements"),
        ("Constraints.TXT", "requirements"),
        ("requirements/base.txt", "requirements"),
        ("notes.txt", None),
        ("requirements.in", None),
        ("a/Pipfile.lock", "Pipfile.lock"),
        ("poetry.lock", "poetry.lock"),
        ("pdm.lock", "pdm.lock"),
        ("uv.lock", "uv.lock"),
        ("web/package-lock.json", "package-lock.json"),
        ("npm-shrinkwrap.json", "npm-shrinkwrap.json"),
        ("package.json", None),
        ("Pipfile", None),
        ("yarn.lock", None),
    ],
)
def test_lockfile_kind(path: str, kind: str | None) -> None:
    assert lockfile_kind(path) == kind


def test_unknown_names_are_sniffed_by_content() -> None:
    pipfile = deps() / "cyclonedx-python-infiles/pipenv/default-and-dev/Pipfile.lock"
    assert ok(pipfile.read_bytes(), "locks/python.json").format == "Pipfile.lock 6"
    assert ok('{"lockfileVersion": 3, "packages": {}}', "x.json").format == "package-lock.json 3"
    uv = deps() / "cyclonedx-python-infiles/environment/via-uv/uv.lock"
    assert ok(uv.read_bytes(), "py.lock").format == "uv.lock 1"
    assert ok(
        '[[package]]\nname = "a"\nversion = "1"\n[metadata]\nlock-version = "2.0"\n', "x"
    ).format == ("poetry.lock 2.0")
    assert [c.name for c in ok("flask==3.0\n", "requirements.in").components] == ["flask"]
    unknown: list[tuple[str | bytes, str]] = [
        ('{"name": "app", "dependencies": {}}', "package.json"),
        ('[project]\nname = "x"\n', "pyproject.toml"),
        ("This is a readme.\nIt has prose in it.\n", "README"),
        ("# only a comment\n", "empty.in"),
        ("", "nothing"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.png"),
    ]
    for text, path in unknown:
        assert only_error(text, path).code == "components/unknown-format", path
    assert only_error("{not json", "weird.lock").code == "components/unreadable"


def test_an_empty_requirements_file_has_no_components() -> None:
    assert ok(b"").components == ()
    assert ok(b"", "requirements.txt").format == "requirements"


NUGET = {
    "version": 1,
    "dependencies": {
        "net6.0": {
            "Newtonsoft.Json": {
                "type": "Direct",
                "requested": "[13.0.1, )",
                "resolved": "13.0.1",
                "contentHash": "ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HP/4"
                "DvgwRR0q5g4F7qbjqf6E6R6VN/mzeGw==",
            },
            "Serilog": {"type": "Transitive", "resolved": "2.12.0", "contentHash": "xaiJLIdu6r"},
            "Gateway.Common": {"type": "Project"},
        },
        "net8.0": {"Newtonsoft.Json": {"type": "Direct", "resolved": "13.0.1"}},
    },
}


def test_a_nuget_packages_lock_is_read_as_a_lockfile() -> None:
    data = json.dumps(NUGET, indent=2).encode()
    found, findings = parse_components(data, "src/Gateway/packages.lock.json")
    assert found is not None, findings
    assert found.format == "packages.lock.json 1"
    assert [(c.name, c.version, c.ecosystem, c.purl) for c in found.components] == [
        ("Newtonsoft.Json", "13.0.1", "NuGet", "pkg:nuget/Newtonsoft.Json@13.0.1"),
        ("Serilog", "2.12.0", "NuGet", "pkg:nuget/Serilog@2.12.0"),
    ]
    assert found.components[0].line is not None
    assert [f for f in findings if f.severity is Severity.ERROR] == []

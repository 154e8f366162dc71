"""The SBOM reader: every real SBOM in ../shared against an independent count, hostile and
broken files, and each field of each format."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import shared_path

from medtrace.ingest.components import parse_components
from medtrace.ingest.sbom import LIBRARY_CHECK_LIMIT, parse_sbom
from medtrace.model.components import Component, ComponentList
from medtrace.model.finding import Finding, Severity

Pairs = list[tuple[str, str]]
CYCLONEDX = "http://cyclonedx.org/schema/bom/"
SPDX_HEADER = (
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n"
    "DocumentName: demo\nDocumentNamespace: https://example.com/demo\n"
    "Creator: Tool: demo\nCreated: 2024-01-01T00:00:00Z\n"
)  # seven lines


def parse(data: str | bytes, path: str = "sbom/bom.json") -> ComponentList:
    found, findings = parse_sbom(data.encode() if isinstance(data, str) else data, path)
    assert found is not None and findings == (), findings
    return found


def rejected(data: str | bytes) -> Finding:
    found, findings = parse_sbom(data.encode() if isinstance(data, str) else data, "sbom/x")
    assert found is None, found
    (finding,) = findings
    assert finding.severity is Severity.ERROR and finding.location.path == "sbom/x"
    assert "\n" not in finding.message
    return finding


def cyclonedx(*components: object, version: str = "1.6", **extra: object) -> str:
    document = {"bomFormat": "CycloneDX", "specVersion": version, "version": 1}
    return json.dumps({**document, **extra, "components": list(components)})


def spdx_json(packages: Sequence[Mapping[str, object]], **extra: object) -> str:
    document = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "demo",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.com/demo",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: demo"]},
        "packages": [{"downloadLocation": "NOASSERTION", **p} for p in packages],
    }
    return json.dumps({**document, **extra})


# Independent readings of the real files -------------------------------------------


def joined(group: str, name: str, purl: str) -> str:
    if not group:
        return name
    return f"{group}{':' if purl.startswith('pkg:maven/') else '/'}{name}"


def cyclonedx_json_pairs(document: dict[str, Any]) -> tuple[str, Pairs]:
    def walk(components: list[dict[str, Any]]) -> Pairs:
        pairs = []
        for c in components:
            name = joined(c.get("group", ""), c["name"], c.get("purl", ""))
            pairs += [(name, c.get("version", "")), *walk(c.get("components", []))]
        return pairs

    subject = document.get("metadata", {}).get("component", {})
    pairs = walk(document.get("components", [])) + walk(subject.get("components", []))
    return f"cyclonedx-json {document['specVersion']}", pairs


def cyclonedx_xml_pairs(root: etree._Element) -> tuple[str, Pairs]:
    namespace = etree.QName(root).namespace or ""
    space = {"c": namespace}

    def text(element: etree._Element, name: str) -> str:
        values = element.xpath(f"string(c:{name})", namespaces=space)
        assert isinstance(values, str)
        return values.strip()

    def walk(elements: Any) -> Pairs:
        pairs = []
        for c in elements:
            name = joined(text(c, "group"), text(c, "name"), text(c, "purl"))
            nested = c.xpath("c:components/c:component", namespaces=space)
            pairs += [(name, text(c, "version")), *walk(nested)]
        return pairs

    tops = root.xpath(
        "c:components/c:component | c:metadata/c:component/c:components/c:component",
        namespaces=space,
    )
    return f"cyclonedx-xml {namespace.removeprefix(CYCLONEDX)}", walk(tops)


def without_subject(
    packages: dict[str, tuple[str, str]], described: list[str], links: list[tuple[str, str]]
) -> Pairs:
    """The packages less the document's subject: the one described package, or of several
    described, those related to a package that is not described."""
    described = [d for d in dict.fromkeys(described) if d in packages]
    if len(described) == 1:
        subject = set(described)
    else:
        loose = set(packages) - set(described)
        subject = {d for d in described for a, b in links if {a, b} & loose and d in (a, b)}
    return [pair for spdx_id, pair in packages.items() if spdx_id not in subject]


def spdx_json_pairs(document: dict[str, Any]) -> tuple[str, Pairs]:
    packages = {p["SPDXID"]: (p["name"], p.get("versionInfo", "")) for p in document["packages"]}
    described = list(document.get("documentDescribes", []))
    links = []
    for r in document.get("relationships", []):
        ends = (r["spdxElementId"], r["relatedSpdxElement"])
        if r["relationshipType"] == "DESCRIBES" and ends[0] == document["SPDXID"]:
            described.append(ends[1])
        else:
            links.append(ends)
    version = document["spdxVersion"].removeprefix("SPDX-")
    return f"spdx-json {version}", without_subject(packages, described, links)


def spdx_tag_pairs(text: str) -> tuple[str, Pairs]:
    packages: dict[str, tuple[str, str]] = {}
    sections = re.split(r"^(?=PackageName:|FileName:|SnippetSPDXID:)", text, flags=re.M)
    for section in sections:
        name = re.search(r"^PackageName:\s*(.+?)\s*$", section, re.M)
        if name is not None:
            spdx_id = re.search(r"^SPDXID:\s*(\S+)", section, re.M)
            version = re.search(r"^PackageVersion:\s*(.+?)\s*$", section, re.M)
            assert spdx_id is not None
            packages[spdx_id[1]] = (name[1], version[1] if version else "")
    relationships = re.findall(r"^Relationship:\s*(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    described = [b for a, kind, b in relationships if kind == "DESCRIBES"]
    links = [(a, b) for a, kind, b in relationships if kind != "DESCRIBES"]
    version = re.search(r"^SPDXVersion:\s*SPDX-(\S+)", text, re.M)
    assert version is not None
    return f"spdx-tag {version[1]}", without_subject(packages, described, links)


def spdx3_pairs(document: dict[str, Any]) -> tuple[str, Pairs]:
    graph = document["@graph"]
    packages = {
        node["spdxId"]: (node["name"], node.get("software_packageVersion", ""))
        for node in graph
        if node["type"] == "software_Package"
    }
    documents = {node["spdxId"]: node for node in graph if node["type"] == "SpdxDocument"}
    described = [root for node in documents.values() for root in node.get("rootElement", [])]
    links = []
    for node in graph:
        if node["type"] in ("Relationship", "LifecycleScopedRelationship"):
            for target in node["to"]:
                if node["relationshipType"] == "describes" and node["from"] in documents:
                    described.append(target)
                else:
                    links.append((node["from"], target))
    return "spdx-jsonld 3.0", without_subject(packages, described, links)


def independent(data: bytes) -> tuple[str, Pairs]:
    """The format and the (name, version) of each component, read without the parser."""
    if data.lstrip().startswith(b"<"):
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        return cyclonedx_xml_pairs(root)
    if data.lstrip().startswith(b"{"):
        document = json.loads(data)
        if "bomFormat" in document:
            return cyclonedx_json_pairs(document)
        if "@context" in document:
            return spdx3_pairs(document)
        return spdx_json_pairs(document)
    return spdx_tag_pairs(data.decode())


def sboms() -> dict[str, bytes]:
    root = shared_path("realworld", "sbom")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


# The corpus -----------------------------------------------------------------------


def test_every_real_sbom_lists_what_an_independent_reading_counts() -> None:
    problems = []
    files = sboms()
    assert len(files) >= 35
    for name, data in files.items():
        found, findings = parse_sbom(data, f"sbom/{name}")
        if found is None or findings:
            problems.append(f"{name}: {findings}")
            continue
        kind, pairs = independent(data)
        listed = [(c.name, c.version) for c in found.components]
        if found.format != kind:
            problems.append(f"{name}: format {found.format!r}, expected {kind!r}")
        if len(found.components) != len(pairs):
            problems.append(f"{name}: {len(found.components)} components, counted {len(pairs)}")
        if set(listed) != set(pairs) or Counter(listed) != Counter(pairs):
            problems.append(f"{name}: {sorted(set(listed) ^ set(pairs))[:5]} differ")
        if found.path != f"sbom/{name}":
            problems.append(f"{name}: path {found.path}")
    assert problems == []


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("cyclonedx-bom-examples/VEX/vex.json", 0),  # VEX: vulnerabilities only
        ("cyclonedx-bom-examples/SaaSBOM/apigateway-microservices-datastores/bom.json", 0),
        ("cyclonedx-bom-examples/laravel-7.12.0/bom.1.1.xml", 62),
        ("cyclonedx-bom-examples/laravel-7.12.0/bom.1.4.json", 62),
        ("cyclonedx-bom-examples/proton-bridge/proton-bridge-v1.8.0.bom.json", 201),
        ("cyclonedx-python-snapshots/requirements/file_frozen_1.0.xml.bin", 2),
        ("cyclonedx-python-snapshots/requirements/file_frozen_1.6.xml.bin", 2),  # not tools
        ("spdx-examples/example1.spdx", 0),  # the one package is the product
        ("spdx-examples/example6-lib.spdx", 4),
        ("spdx-examples/example7-third-party-modules.spdx.json", 3),  # describes a flat set
        ("spdx-examples/examplemaven-0.0.1.spdx.json", 5),
        ("spdx-examples/examplemaven-0.0.1.spdx3.json", 5),
    ],
)
def test_known_counts_of_real_sboms(name: str, count: int) -> None:
    path = shared_path("realworld", "sbom", *name.split("/"))
    assert len(parse(path.read_bytes(), name).components) == count


def test_the_same_sbom_in_every_format_and_version_reads_alike() -> None:
    folder = shared_path("realworld", "sbom", "cyclonedx-bom-examples", "laravel-7.12.0")
    lists = {p.name: parse(p.read_bytes()).components for p in sorted(folder.iterdir())}
    plain = {name: [replace(c, line=None) for c in found] for name, found in lists.items()}
    assert plain["bom.1.4.json"] == plain["bom.1.4.xml"] == plain["bom.1.3.json"]
    assert [c.key for c in plain["bom.1.1.xml"]] == [c.key for c in plain["bom.1.4.json"]]
    first = plain["bom.1.4.json"][0]
    assert (first.name, first.ecosystem, first.license) == ("asm89/stack-cors", "Packagist", "MIT")
    assert all(c.line is not None for c in lists["bom.1.1.xml"])


def test_spdx3_fields_of_a_real_file() -> None:
    path = shared_path("realworld", "sbom", "spdx-examples", "examplemaven-0.0.1.spdx3.json")
    junit = next(c for c in parse(path.read_bytes()).components if c.name == "JUnit")
    assert (junit.version, junit.license, junit.supplier) == ("3.8.1", "CPL-1.0", "JUnit")
    assert junit.description.startswith("JUnit is a regression testing framework")


def test_tag_value_lines_are_the_package_name_lines() -> None:
    path = shared_path("realworld", "sbom", "spdx-examples", "example6-lib.spdx")
    data = path.read_bytes()
    lines = data.decode().split("\n")
    for component in parse(data).components:
        assert component.line is not None
        assert lines[component.line - 1] == f"PackageName: {component.name}"


# Broken and hostile files ---------------------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE bom [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
<components><component type="library"><name>&d;</name></component></components>
</bom>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
<components><component type="library"><name>&secret;</name></component></components>
</bom>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE bom SYSTEM "http://example.invalid/bom.dtd">
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components/></bom>
"""
NAMELESS_XML = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4">
  <components>
    <component type="library"><name>fine</name></component>
    <component type="library">
      <version>1.0</version>
    </component>
  </components>
</bom>
"""
TRUNCATED = '{"bomFormat": "CycloneDX",\n "specVersion": "1.6",\n "components": [\n  {"name": "a"'


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        pytest.param(TRUNCATED, "components/unreadable", 4, id="truncated-json"),
        pytest.param(BOMB, "components/unreadable", 2, id="entity-bomb"),
        pytest.param(XXE, "components/unreadable", 2, id="external-entity"),
        pytest.param(EXTERNAL_DTD, "components/unreadable", 2, id="external-dtd"),
        pytest.param(b"", "components/unreadable", 1, id="empty"),
        pytest.param(b"\n\n<bom><components>", "components/unreadable", 3, id="truncated-xml"),
        pytest.param(b"PackageName: \xff\xfe\n", "components/unreadable", 1, id="not-utf8"),
        pytest.param('{"name": "app", "dependencies": {}}', "components/unknown-format", None),
        pytest.param("[1, 2, 3]", "components/unknown-format", None, id="json-array"),
        pytest.param("<project>\n</project>", "components/unknown-format", 1, id="xml-other"),
        pytest.param("just some text\n", "components/unknown-format", None, id="plain-text"),
        pytest.param(cyclonedx(version="2.0"), "components/unknown-format", None, id="cdx-2.0"),
        pytest.param(
            '{"spdxVersion": "SPDX-2.1", "packages": []}',
            "components/unknown-format",
            None,
            id="spdx-2.1",
        ),
        pytest.param(
            '{"@context": "https://spdx.org/rdf/3.0.0/spdx-context.jsonld", "@graph": []}',
            "components/unknown-format",
            None,
            id="spdx-3.0.0-context",
        ),
        pytest.param(
            cyclonedx({"type": "library", "version": "1"}), "components/invalid", None, id="cdx"
        ),
        pytest.param(NAMELESS_XML, "components/invalid", 5, id="cdx-xml-nameless"),
        pytest.param(
            cyclonedx({"name": "a", "components": [{"name": " "}]}),
            "components/invalid",
            None,
            id="cdx-nested-nameless",
        ),
        pytest.param(
            cyclonedx(metadata={"component": {"name": "app", "components": [{"type": "file"}]}}),
            "components/invalid",
            None,
            id="cdx-subject-part-nameless",
        ),
        pytest.param(
            '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": {}}',
            "components/invalid",
            None,
            id="cdx-components-not-array",
        ),
        pytest.param(
            cyclonedx({"name": "a", "version": 1.0}), "components/invalid", None, id="version-num"
        ),
        pytest.param(
            cyclonedx({"name": "a", "purl": "not a purl"}),
            "components/invalid",
            None,
            id="library-rejects-purl",
        ),
        pytest.param(
            spdx_json([{"SPDXID": "SPDXRef-a", "versionInfo": "1"}]),
            "components/invalid",
            None,
            id="spdx-json-nameless",
        ),
        pytest.param(
            SPDX_HEADER + "PackageName: a\nSPDXID: SPDXRef-a\n%%% garbage %%%\n",
            "components/unreadable",
            10,
            id="tag-value-garbage",
        ),
        pytest.param(
            SPDX_HEADER + "PackageName: a\nPackageComment: <text>never\nclosed\n",
            "components/unreadable",
            9,
            id="tag-value-open-text",
        ),
        pytest.param(
            SPDX_HEADER + "SPDXID: SPDXRef-a\nPackageVersion: 1.0\n",
            "components/invalid",
            9,
            id="tag-value-nameless",
        ),
        pytest.param(
            SPDX_HEADER + "PackageName: a\nSPDXID: SPDXRef-a\nPackageDownloadLocation: NONE\n"
            "PackageFrobnication: high\n",
            "components/invalid",
            11,
            id="tag-value-unknown-package-tag",
        ),
    ],
)
def test_a_broken_file_gives_one_finding(data: str | bytes, code: str, line: int | None) -> None:
    finding = rejected(data)
    assert (finding.code, finding.location.line) == (code, line), finding.message


def test_hostile_xml_is_never_expanded_or_fetched() -> None:
    assert "passwd" not in rejected(XXE).message
    assert "DOCTYPE" in rejected(BOMB).message


def test_odd_shapes_are_what_the_library_rejects() -> None:
    odd = cyclonedx({"name": "a", "licenses": "MIT", "hashes": "x", "supplier": "y"})
    assert rejected(odd).message.startswith("components[0] ('a'): ")


def test_messages_say_what_is_wrong() -> None:
    assert rejected(TRUNCATED).message.startswith("not valid JSON: Expecting")
    nested = cyclonedx({"name": "a", "components": [{"name": "b"}, {"version": "1"}]})
    assert rejected(nested).message == "components[0].components[1] has no name"
    assert "PURL" in rejected(cyclonedx({"name": "a", "purl": "x"})).message


def test_only_documents_up_to_the_limit_are_checked_by_the_library() -> None:
    filler = [
        {"name": f"p{n}", "description": "x" * 1000} for n in range(LIBRARY_CHECK_LIMIT // 1000)
    ]
    large = cyclonedx({"name": "a", "purl": "not a purl"}, *filler)
    assert len(large) > LIBRARY_CHECK_LIMIT
    assert parse(large).components[0].purl == "not a purl"
    assert rejected(cyclonedx({"name": "a", "purl": "not a purl"})).code == "components/invalid"
    assert rejected(cyclonedx(*filler, {"version": "1"})).code == "components/invalid"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    found, findings = parse_sbom(data, "x")
    assert (found is None) == (len(findings) == 1)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KEYS = st.sampled_from(["name", "version", "group", "purl", "hashes", "licenses", "scope"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(KEYS, JSON_VALUES), max_size=3), st.booleans())
def test_arbitrary_cyclonedx_components_never_raise(
    components: list[dict[str, object]], with_names: bool
) -> None:
    if with_names:
        components = [{**c, "name": "n"} for c in components]
    found, findings = parse_sbom(cyclonedx(*components).encode(), "x")
    assert (found is None) == (len(findings) == 1)
    assert all(f.code == "components/invalid" for f in findings)


# CycloneDX fields -----------------------------------------------------------------

FULL = {
    "type": "library",
    "group": "org.example",
    "name": "core",
    "version": "2.1.0",
    "purl": "pkg:maven/org.example/core@2.1.0?vcs_url=git%2Bhttps://example.com/core.git",
    "description": "The core",
    "scope": "excluded",
    "publisher": "Example Publishing",
    "author": "Someone",
    "hashes": [{"alg": "SHA-256", "content": "ab12"}, {"alg": "SHA3-512", "content": "cd34"}],
    "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}],
    "components": [
        {"type": "library", "group": "@scope", "name": "inner", "purl": "pkg:npm/%40scope/inner"}
    ],
}
FULL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <metadata>
    <tools>
      <components><component type="application"><name>a-tool</name></component></components>
    </tools>
    <component type="application">
      <name>product</name>
      <components><component type="library"><name>part</name></component></components>
    </component>
  </metadata>
  <components>
    <component type="library">
      <publisher>Example Publishing</publisher>
      <author>Someone</author>
      <group>org.example</group>
      <name>core</name>
      <version>2.1.0</version>
      <description>The core</description>
      <scope>excluded</scope>
      <hashes><hash alg="SHA-256">ab12</hash><hash alg="SHA3-512">cd34</hash></hashes>
      <licenses><license><id>MIT</id></license><license><name>Custom</name></license></licenses>
      <purl>pkg:maven/org.example/core@2.1.0?vcs_url=git%2Bhttps://example.com/core.git</purl>
      <components>
        <component type="library">
          <group>@scope</group><name>inner</name><purl>pkg:npm/%40scope/inner</purl>
        </component>
      </components>
    </component>
  </components>
</bom>
"""
EXPECTED_CORE = Component(
    name="org.example:core",
    version="2.1.0",
    ecosystem="Maven",
    purl="pkg:maven/org.example/core@2.1.0?vcs_url=git%2Bhttps://example.com/core.git",
    license="MIT AND Custom",
    supplier="Example Publishing",
    description="The core",
    scope="optional",
    hashes=("sha256:ab12", "sha3512:cd34"),
    source="git+https://example.com/core.git",
)
EXPECTED_INNER = Component(
    name="@scope/inner", version="", ecosystem="npm", purl="pkg:npm/%40scope/inner"
)


def test_cyclonedx_json_fields() -> None:
    subject = {"name": "product", "components": [{"type": "library", "name": "part"}]}
    tools = {"components": [{"type": "application", "name": "a-tool"}]}
    document = cyclonedx(FULL, metadata={"component": subject, "tools": tools})
    found = parse(document)
    assert found.format == "cyclonedx-json 1.6"
    assert found.components == (EXPECTED_CORE, EXPECTED_INNER, Component(name="part", version=""))


def test_cyclonedx_xml_fields_and_lines() -> None:
    found = parse(FULL_XML, "sbom/bom.xml")
    assert found.format == "cyclonedx-xml 1.6"
    starts = [n for n, line in enumerate(FULL_XML.split("\n"), 1) if "<component " in line]
    _tool, product, part, core, inner = starts  # the tool and the product are no components
    assert product < part < core < inner
    expected = (
        replace(EXPECTED_CORE, line=core),
        replace(EXPECTED_INNER, line=inner),
        Component(name="part", version="", line=part),
    )
    assert found.components == expected


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"])
def test_every_cyclonedx_version_in_both_encodings(version: str) -> None:
    xml = FULL_XML.replace("bom/1.6", f"bom/{version}").encode()
    assert parse(xml).format == f"cyclonedx-xml {version}"
    assert parse(cyclonedx(FULL, version=version)).format == f"cyclonedx-json {version}"


@pytest.mark.parametrize(
    ("fields", "supplier", "licence"),
    [
        ({"supplier": {"name": "S"}, "manufacturer": {"name": "M"}, "author": "A"}, "S", ""),
        ({"manufacturer": {"name": "M"}, "publisher": "P"}, "M", ""),
        ({"authors": [{"name": "First"}, {"name": "Second"}]}, "First", ""),
        ({"licenses": [{"expression": "MIT OR Apache-2.0"}]}, "", "MIT OR Apache-2.0"),
    ],
)
def test_cyclonedx_supplier_and_licence(
    fields: dict[str, object], supplier: str, licence: str
) -> None:
    (component,) = parse(cyclonedx({"name": "a", **fields})).components
    assert (component.supplier, component.license) == (supplier, licence)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("required", "required"),
        ("optional", "optional"),
        ("excluded", "optional"),
        (None, "required"),
    ],
)
def test_cyclonedx_scopes(scope: str | None, expected: str) -> None:
    fields = {"scope": scope} if scope else {}
    (component,) = parse(cyclonedx({"name": "a", **fields})).components
    assert component.scope == expected


def test_cyclonedx_names_with_their_group() -> None:
    components = [
        {"name": "core", "group": "@angular", "purl": "pkg:npm/%40angular/core@1.0.0"},
        {"name": "log4j-core", "group": "org.apache", "purl": "pkg:maven/org.apache/log4j-core"},
        {"name": "@types/node", "group": "@types", "purl": "pkg:npm/%40types/node"},
        {"name": "thing", "group": "acme"},
        {"name": "requests", "purl": "pkg:pypi/requests@2.0", "version": "2.0"},
        {"name": "x", "purl": "pkg:generic/x"},
    ]
    found = parse(cyclonedx(*components)).components
    assert [(c.name, c.ecosystem) for c in found] == [
        ("@angular/core", "npm"),
        ("org.apache:log4j-core", "Maven"),
        ("@types/node", "npm"),
        ("acme/thing", ""),
        ("requests", "PyPI"),
        ("x", ""),
    ]


# SPDX fields and subject ----------------------------------------------------------


def test_spdx_json_fields() -> None:
    package = {
        "SPDXID": "SPDXRef-lib",
        "name": "lib",
        "versionInfo": "1.2",
        "supplier": "Organization: Acme (acme@example.com)",
        "originator": "Person: Jane",
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "MIT AND BSD-3-Clause",
        "summary": "A library",
        "checksums": [{"algorithm": "SHA256", "checksumValue": "ab12"}],
        "externalRefs": [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": "pkg:pypi/lib@1.2",
            }
        ],
    }
    found = parse(spdx_json([package]))
    assert found.format == "spdx-json 2.3"
    assert found.components == (
        Component(
            name="lib",
            version="1.2",
            ecosystem="PyPI",
            purl="pkg:pypi/lib@1.2",
            license="MIT AND BSD-3-Clause",
            supplier="Acme",
            description="A library",
            hashes=("sha256:ab12",),
        ),
    )


def test_spdx_tag_value_fields() -> None:
    text = SPDX_HEADER + (
        "\nPackageName: lib\n"  # line 9
        "SPDXID: SPDXRef-lib\n"
        "PackageVersion: 1.2\n"
        "PackageOriginator: Organization: Acme\n"
        "PackageDownloadLocation: git+https://example.com/lib.git\n"
        "PackageChecksum: SHA1: 0123abcd\n"
        "PackageLicenseConcluded: Apache-2.0\n"
        "PackageLicenseDeclared: MIT\n"
        "PackageDescription: <text>A library\nover two lines</text>\n"
        "\nPackageName: app\n"  # line 20
        "SPDXID: SPDXRef-app\n"
        "PackageDownloadLocation: NOASSERTION\n"
        "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app\n"
        "Relationship: SPDXRef-app DEPENDS_ON SPDXRef-lib\n"
    )
    found = parse(text, "sbom/demo.spdx")
    assert found.format == "spdx-tag 2.3"
    assert found.components == (
        Component(
            name="lib",
            version="1.2",
            license="Apache-2.0",
            supplier="Acme",
            description="A library\nover two lines",
            hashes=("sha1:0123abcd",),
            source="git+https://example.com/lib.git",
            line=9,
        ),
    )


def test_spdx_parts_irrelevant_to_the_list_do_not_reject_it(
    capfd: pytest.CaptureFixture[str],
) -> None:
    broken_file = {"SPDXID": "SPDXRef-f", "fileName": "a", "checksums": [{"algorithm": "NO"}]}
    document = json.loads(spdx_json([{"SPDXID": "SPDXRef-a", "name": "a"}], files=[broken_file]))
    document["creationInfo"] = {"created": "yesterday"}
    assert [c.name for c in parse(json.dumps(document)).components] == ["a"]
    text = SPDX_HEADER.replace("2024-01-01T00:00:00Z", "yesterday") + (
        "PackageName: a\nSPDXID: SPDXRef-a\nPackageDownloadLocation: NONE\n"
        "FileName: ./a.c\nSPDXID: SPDXRef-f\nLicenseConcluded: (((\n"
        "LicenseID: LicenseRef-x\nExtractedText: <text>x</text>\n"
    )
    assert [c.name for c in parse(text).components] == ["a"]
    assert capfd.readouterr() == ("", "")  # spdx-tools' parser generator stays quiet


def describes(*ids: str) -> list[dict[str, str]]:
    return [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": i,
        }
        for i in ids
    ]


def depends(a: str, b: str) -> dict[str, str]:
    return {"spdxElementId": a, "relationshipType": "DEPENDS_ON", "relatedSpdxElement": b}


@pytest.mark.parametrize(
    ("relationships", "listed"),
    [
        ([], ["app", "lib", "tool"]),  # nothing described: all are components
        (describes("SPDXRef-app"), ["lib", "tool"]),  # the product
        (describes("SPDXRef-lib", "SPDXRef-tool"), ["app", "lib", "tool"]),  # a flat set
        (
            [*describes("SPDXRef-app", "SPDXRef-tool"), depends("SPDXRef-app", "SPDXRef-lib")],
            ["lib", "tool"],
        ),
        (
            [
                {
                    "spdxElementId": "SPDXRef-app",
                    "relationshipType": "DESCRIBED_BY",
                    "relatedSpdxElement": "SPDXRef-DOCUMENT",
                }
            ],
            ["lib", "tool"],
        ),
    ],
)
def test_the_spdx_subject_is_no_component(
    relationships: list[dict[str, str]], listed: list[str]
) -> None:
    packages = [{"SPDXID": f"SPDXRef-{n}", "name": n} for n in ("app", "lib", "tool")]
    found = parse(spdx_json(packages, relationships=relationships))
    assert [c.name for c in found.components] == listed


def test_spdx_document_describes_names_the_subject_too() -> None:
    packages = [{"SPDXID": f"SPDXRef-{n}", "name": n} for n in ("app", "lib")]
    found = parse(spdx_json(packages, documentDescribes=["SPDXRef-app"]))
    assert [c.name for c in found.components] == ["lib"]


def test_spdx3_subject_from_the_sbom_root() -> None:
    prefix = "https://example.com/doc#"
    graph: list[dict[str, object]] = [
        {
            "type": "CreationInfo",
            "@id": "_:ci",
            "specVersion": "3.0.1",
            "created": "2024-01-01T00:00:00Z",
            "createdBy": [f"{prefix}me"],
        },
        {"type": "Person", "spdxId": f"{prefix}me", "name": "Me", "creationInfo": "_:ci"},
        {
            "type": "SpdxDocument",
            "spdxId": f"{prefix}doc",
            "creationInfo": "_:ci",
            "rootElement": [f"{prefix}sbom"],
        },
        {
            "type": "software_Sbom",
            "spdxId": f"{prefix}sbom",
            "creationInfo": "_:ci",
            "rootElement": [f"{prefix}app"],
        },
        {
            "type": "software_Package",
            "spdxId": f"{prefix}app",
            "name": "app",
            "creationInfo": "_:ci",
        },
        {
            "type": "software_Package",
            "spdxId": f"{prefix}lib",
            "name": "lib",
            "software_packageVersion": "1.0",
            "software_packageUrl": "pkg:cargo/lib@1.0",
            "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": "ab12"}],
            "creationInfo": "_:ci",
        },
        {
            "type": "Relationship",
            "spdxId": f"{prefix}r1",
            "from": f"{prefix}app",
            "relationshipType": "dependsOn",
            "to": [f"{prefix}lib"],
            "creationInfo": "_:ci",
        },
    ]
    document = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}
    found = parse(json.dumps(document))
    assert found.format == "spdx-jsonld 3.0"
    assert found.components == (
        Component(
            name="lib",
            version="1.0",
            ecosystem="crates.io",
            purl="pkg:cargo/lib@1.0",
            hashes=("sha256:ab12",),
        ),
    )


def test_a_utf8_bom_and_leading_blank_lines_are_fine(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf\n\n" + cyclonedx({"name": "a"}).encode()
    assert [c.name for c in parse(data).components] == ["a"]


def test_spdx_test_and_dev_dependencies_are_not_shipped() -> None:
    document = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "app",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.invalid/app",
        "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: x"]},
        "packages": [
            {
                "SPDXID": f"SPDXRef-{name}",
                "name": name,
                "versionInfo": "1.0",
                "downloadLocation": "NOASSERTION",
            }
            for name in ("app", "junit", "lib", "both", "extra")
        ],
        "relationships": [
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": "SPDXRef-app",
            },
            {
                "spdxElementId": "SPDXRef-junit",
                "relationshipType": "TEST_DEPENDENCY_OF",
                "relatedSpdxElement": "SPDXRef-app",
            },
            {
                "spdxElementId": "SPDXRef-lib",
                "relationshipType": "DEPENDENCY_OF",
                "relatedSpdxElement": "SPDXRef-app",
            },
            {
                "spdxElementId": "SPDXRef-both",
                "relationshipType": "BUILD_DEPENDENCY_OF",
                "relatedSpdxElement": "SPDXRef-app",
            },
            {
                "spdxElementId": "SPDXRef-both",
                "relationshipType": "RUNTIME_DEPENDENCY_OF",
                "relatedSpdxElement": "SPDXRef-app",
            },
            {
                "spdxElementId": "SPDXRef-extra",
                "relationshipType": "OPTIONAL_DEPENDENCY_OF",
                "relatedSpdxElement": "SPDXRef-app",
            },
        ],
    }
    found = parse(json.dumps(document), "sbom/app.spdx.json")
    assert {c.name: c.scope for c in found.components} == {
        "junit": "dev",
        "lib": "required",
        "both": "required",
        "extra": "optional",
    }


def _spdx_document(drop: str) -> bytes:
    def package(name: str, version: str) -> dict[str, object]:
        return {
            "name": name,
            "SPDXID": f"SPDXRef-Package-{name}",
            "versionInfo": version,
            "downloadLocation": "NOASSERTION",
            "licenseConcluded": "BSD-3-Clause",
            "copyrightText": "NOASSERTION",
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": f"pkg:pypi/{name}@{version}",
                }
            ],
        }

    first = package("click", "8.1.7")
    first.pop(drop)
    document = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "scanned",
        "documentNamespace": "https://example.com/scan",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: a-scanner"]},
        "packages": [first, package("rich", "13.7.0")],
    }
    return json.dumps(document, indent=2).encode()


@pytest.mark.parametrize("field", ["downloadLocation", "SPDXID"])
def test_an_spdx_document_missing_a_field_spdx_tools_requires_is_read(field: str) -> None:
    found, findings = parse_sbom(_spdx_document(field), "scan.spdx.json")
    assert found is not None, findings
    assert [c.name for c in found.components] == ["click", "rich"]
    assert [c.version for c in found.components] == ["8.1.7", "13.7.0"]
    (warning,) = findings
    assert warning.severity is Severity.WARNING and warning.code == "components/invalid"
    assert field in warning.message and "click" in warning.message
    assert warning.location.path == "scan.spdx.json"


MARKDOWN = "realworld/iec62304/monai-deploy-informatics-gateway"


@pytest.mark.parametrize("name", ["third-party-licenses.md", "mig-srs.md"])
def test_a_markdown_file_given_as_an_sbom_says_what_it_is(name: str) -> None:
    path = shared_path(*MARKDOWN.split("/"), name)
    found, findings = parse_components(path.read_bytes(), name)
    assert found is None
    (finding,) = findings
    assert finding.code == "components/unknown-format"
    assert "Markdown" in finding.message and "not an SBOM" in finding.message

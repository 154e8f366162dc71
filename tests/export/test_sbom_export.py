"""`soup sbom`: CycloneDX 1.6 and 1.7 and SPDX 2.3, valid by the formats' own libraries,
with the FDA's per-component fields and the dependency graph, and read back by
`soup import` as the same components."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from medtrace.api import LoadOptions, load_project
from medtrace.api.soup import export_sbom, read_component_file
from medtrace.cli.main import cli
from medtrace.errors import MedtraceError

NO_CACHE = LoadOptions(use_cache=False)
DIGEST = "ab" * 32
CYCLONEDX = {"cyclonedx-1.6": SchemaVersion.V1_6, "cyclonedx-1.7": SchemaVersion.V1_7}


def _records(example: Path) -> set[tuple[str, str, str]]:
    soup = [i for i in load_project(example, NO_CACHE).items if i.kind == "soup"]
    return {(str(i.field("purl")), str(i.field("version")), str(i.field("license"))) for i in soup}


def _add(record: Path, lines: str) -> None:
    text = record.read_text("utf-8")
    record.write_text(text.replace("\nkind: soup\n", f"\nkind: soup\n{lines}", 1), "utf-8")


def _written(example: Path, spec: str) -> Path:
    target = example.parent / f"sbom-{spec}.json"
    target.write_text(export_sbom(example, spec=spec), "utf-8")
    return target


def _reimported(path: Path) -> set[tuple[str, str, str]]:
    found, findings = read_component_file(path)
    assert findings == () and found is not None
    return {(c.purl, c.version, c.license) for c in found.components}


@pytest.mark.parametrize("spec", sorted(CYCLONEDX))
def test_the_cyclonedx_sbom_validates_and_reads_back_as_the_soup(example: Path, spec: str) -> None:
    path = _written(example, spec)
    text = path.read_text("utf-8")
    assert JsonStrictValidator(CYCLONEDX[spec]).validate_str(text) is None
    document = json.loads(text)
    assert document["specVersion"] == spec.rsplit("-", 1)[1]
    assert document["metadata"]["tools"]["components"][0]["name"] == "medtrace"
    assert document["metadata"]["authors"]
    assert _reimported(path) == _records(example)
    python = next(c for c in document["components"] if c["name"] == "cpython")
    properties = {p["name"]: p["value"] for p in python["properties"]}
    assert properties == {
        "medtrace:support-level": "maintained-security-only",
        "medtrace:end-of-support": "2027-10-31",
    }


def test_the_spdx_sbom_validates_and_reads_back_as_the_soup(example: Path) -> None:
    path = _written(example, "spdx-2.3")
    assert validate_full_spdx_document(parse_file(str(path)), "SPDX-2.3") == []
    assert _reimported(path) == _records(example)
    document = json.loads(path.read_text("utf-8"))
    python = next(p for p in document["packages"] if p["name"] == "cpython")
    assert python["validUntilDate"] == "2027-10-31T00:00:00Z"
    assert python["comment"] == "support-level: maintained-security-only"
    assert any(c.startswith("Tool: medtrace-") for c in document["creationInfo"]["creators"])


def test_the_dependency_graph_and_hashes_follow_the_records(example: Path) -> None:
    _add(example / "soup" / "SOUP-005.md", "depends-on: [SOUP-012, SOUP-008]\n")
    _add(example / "soup" / "SOUP-012.md", f'hashes: ["sha256:{DIGEST}"]\n')
    cyclonedx = json.loads(_written(example, "cyclonedx-1.7").read_text("utf-8"))
    needs = {d["ref"]: d.get("dependsOn", []) for d in cyclonedx["dependencies"]}
    assert needs["SOUP-005"] == ["SOUP-008", "SOUP-012"]
    assert "SOUP-005" in needs["SWS-001"]
    core = next(c for c in cyclonedx["components"] if c["bom-ref"] == "SOUP-012")
    assert core["hashes"] == [{"alg": "SHA-256", "content": DIGEST}]
    spdx = json.loads(_written(example, "spdx-2.3").read_text("utf-8"))
    depends = {
        (r["spdxElementId"], r["relatedSpdxElement"])
        for r in spdx["relationships"]
        if r["relationshipType"] == "DEPENDS_ON"
    }
    assert {
        ("SPDXRef-SOUP-005", "SPDXRef-SOUP-012"),
        ("SPDXRef-SWS-001", "SPDXRef-SOUP-005"),
    } <= depends
    package = next(p for p in spdx["packages"] if p["SPDXID"] == "SPDXRef-SOUP-012")
    assert package["checksums"] == [{"algorithm": "SHA256", "checksumValue": DIGEST}]


def test_a_hash_of_the_wrong_form_names_its_record(example: Path) -> None:
    _add(example / "soup" / "SOUP-012.md", 'hashes: ["not a digest"]\n')
    with pytest.raises(MedtraceError, match=r"SOUP-012.*not a digest"):
        export_sbom(example, spec="spdx-2.3")


def test_the_command_writes_each_spec_and_refuses_bad_input_in_one_line(example: Path) -> None:
    runner = CliRunner()
    target = example.parent / "sbom.spdx.json"
    args = ["soup", "sbom", "--spec", "spdx-2.3", "-o", str(target), "--path", str(example)]
    assert runner.invoke(cli, args).exit_code == 0
    assert json.loads(target.read_text("utf-8"))["spdxVersion"] == "SPDX-2.3"
    _add(example / "soup" / "SOUP-012.md", 'hashes: ["crc32:1234"]\n')
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "SOUP-012" in result.output and "crc32" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1

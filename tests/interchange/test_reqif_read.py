"""Reading ReqIF: every real file from DOORS, Polarion, Enterprise Architect, Eclipse RMF
and StrictDoc, counted independently; broken and hostile files refused with one finding."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tests.conftest import shared_path

from medtrace.interchange.reqif.read import INVALID, UNREADABLE, parse_reqif

CORPUS = ("realworld", "reqif", "strictdoc-reqif")
# Files that refer to spec objects they do not hold (checked in the test below).
DANGLING = {
    "Doors/06_example_from_a_user/sample.reqif",
    "SparxSystems_Enterprise_Architect_8.0/01_example/sample.reqif",
    "invalid/SPEC-RELATION/04_TARGET_links_to_a_missing_SPEC-OBJECT/sample.reqif",
    "invalid/SPEC-HIERARCHY/01_SPEC-OBJECT-REF_does_not_exist/sample.reqif",
}
NOT_REQIF = {
    "invalid/04_empty_file/sample.reqif",
    "invalid/05_random_file_from_chatgpt/sample.reqif",
}


def corpus() -> dict[str, Path]:
    root = shared_path(*CORPUS)
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.suffix in (".reqif", ".reqifz")
    }


def xml_documents(path: Path) -> list[etree._Element]:
    """The XML roots of a file, read directly (a .reqifz holds several)."""
    data = path.read_bytes()
    if path.suffix == ".reqifz":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [archive.read(n) for n in archive.namelist() if n.endswith(".reqif")]
    else:
        members = [data]
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return [etree.fromstring(member, parser) for member in members]


def count(roots: list[etree._Element], name: str) -> int:
    return sum(len(root.xpath(f"//*[local-name()='{name}']")) for root in roots)


def referenced_objects(roots: list[etree._Element]) -> set[str]:
    return {
        (ref.text or "").strip()
        for root in roots
        for ref in root.xpath("//*[local-name()='SPEC-OBJECT-REF']")
    }


def test_every_valid_real_file_has_the_objects_and_relations_it_holds() -> None:
    files = corpus()
    valid = [name for name in files if name not in DANGLING | NOT_REQIF]
    assert len(valid) >= 14
    for name in valid:
        document, findings = parse_reqif(files[name].read_bytes(), name)
        assert findings == (), (name, findings)
        assert document is not None
        roots = xml_documents(files[name])
        assert len(document.objects) == count(roots, "SPEC-OBJECT"), name
        assert len(document.relations) == count(roots, "SPEC-RELATION"), name
        identifiers = {obj.identifier for obj in document.objects}
        assert {node.obj for node in document.hierarchy} <= identifiers, name


def test_the_trees_a_caller_keeps_are_the_files_documents() -> None:
    files = corpus()
    for name in sorted(files):
        if name in DANGLING | NOT_REQIF:
            continue
        kept: list[object] = []
        document, _ = parse_reqif(files[name].read_bytes(), name, keep=kept)
        assert document is not None
        [roots] = kept
        assert isinstance(roots, list)
        assert [etree.QName(root).localname for root in roots] == ["REQ-IF"] * len(
            xml_documents(files[name])
        ), name
        assert count(roots, "SPEC-OBJECT") == len(document.objects), name


def test_files_with_dangling_references_are_refused_when_strict_naming_the_reference() -> None:
    files = corpus()
    for name in sorted(DANGLING):
        roots = xml_documents(files[name])
        held = {
            obj.get("IDENTIFIER")
            for root in roots
            for obj in root.xpath("//*[local-name()='SPEC-OBJECT']")
        }
        assert referenced_objects(roots) - held, f"{name} is expected to dangle"
        document, findings = parse_reqif(files[name].read_bytes(), name, strict=True)
        assert document is None
        (finding,) = findings
        assert finding.code == INVALID and "spec object" in finding.message, name
        assert finding.location.path == name


def test_an_empty_or_non_reqif_file_is_refused_in_one_line() -> None:
    files = corpus()
    for name in sorted(NOT_REQIF):
        document, findings = parse_reqif(files[name].read_bytes(), name)
        assert document is None
        (finding,) = findings
        assert finding.code in (UNREADABLE, INVALID), name
        assert "\n" not in finding.message


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", UNREADABLE, "empty"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
            UNREADABLE,
            "DOCTYPE",
        ),
        (b"<REQ-IF><unclosed></REQ-IF>", UNREADABLE, "not valid XML"),
        (b'<REQ-IF xmlns="urn:other"/>', INVALID, "not a ReqIF root"),
    ],
)
def test_broken_and_hostile_xml_is_refused(data: bytes, code: str, words: str) -> None:
    document, findings = parse_reqif(data, "in.reqif")
    assert document is None
    (finding,) = findings
    assert finding.code == code and words in finding.message


def test_an_archive_member_that_escapes_is_refused_whole() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.reqif", "<x/>")
    document, findings = parse_reqif(buffer.getvalue(), "in.reqifz")
    assert document is None
    (finding,) = findings
    assert finding.code == UNREADABLE and "escapes" in finding.message

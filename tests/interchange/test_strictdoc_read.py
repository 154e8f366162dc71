"""The StrictDoc .sdoc reader: StrictDoc's own documents in ../shared, every markup
construct, and broken files (one located finding each, no document)."""

from __future__ import annotations

import re

import pytest
from tests.conftest import shared_path

from medtrace.interchange.findings import INVALID, UNREADABLE
from medtrace.interchange.strictdoc.read import parse_sdoc
from medtrace.interchange.strictdoc.records import SdocDocument

SOURCE = ("realworld", "strictdoc", "strictdoc-docs")
REAL = [
    "strictdoc_20_l1_system_requirements.sdoc",
    "strictdoc_21_l2_high_level_requirements.sdoc",
    "strictdoc_22_l3_low_level_requirements.sdoc",
    "strictdoc_40_DO178_requirements.sdoc",
    "strictdoc_41_Zephyr_requirements.sdoc",
]


def _read(text: str) -> SdocDocument:
    document, findings = parse_sdoc(text.encode("utf-8"), "doc.sdoc")
    assert findings == ()
    assert document is not None
    return document


@pytest.mark.parametrize("name", REAL)
def test_the_real_documents_are_read_whole(name: str) -> None:
    path = shared_path(*SOURCE, name)
    text = path.read_text("utf-8")
    document, findings = parse_sdoc(path.read_bytes(), name)
    assert findings == ()
    assert document is not None
    tags = [node.tag for node in document.nodes]
    assert tags.count("REQUIREMENT") == len(re.findall(r"(?m)^\[REQUIREMENT\]$", text))
    assert tags.count("TEXT") == len(re.findall(r"(?m)^\[TEXT\]$", text))
    assert len(document.sections) == len(re.findall(r"(?m)^\[\[SECTION\]\]$", text))
    parents = re.findall(r"(?m)^- TYPE: Parent\n  VALUE: (.+)$", text)
    read = [r.value for n in document.nodes for r in n.relations if r.type == "Parent"]
    assert read == parents
    files = [r for n in document.nodes for r in n.relations if r.type == "File"]
    assert len(files) == len(re.findall(r"(?m)^- TYPE: File$", text))
    uids = {n.uid for n in document.nodes} | {dict(s.fields).get("UID") for s in document.sections}
    assert set(re.findall(r"(?m)^UID: (.+)$", text)) == uids - {None}
    assert [e.tag for e in document.grammar] == ["SECTION", "TEXT", "REQUIREMENT"]
    assert document.grammar[0].composite
    assert document.title == re.findall(r"(?m)^TITLE: (.+)$", text)[0]


def test_repeated_fields_sections_and_custom_grammar_fields() -> None:
    document, _ = parse_sdoc(shared_path(*SOURCE, REAL[3]).read_bytes(), REAL[3])
    assert document is not None
    assert document.prefix == "DO178-"
    assert dict(document.fields)["OPTIONS"] == "ENABLE_MID: True"
    requirement = document.declared("REQUIREMENT")
    assert requirement is not None
    assert {"COMPLIANCE", "LEVEL", "TAGS"} <= set(requirement.fields)
    node = next(n for n in document.nodes if n.uid == "DO178-14")
    assert len(node.values("COMMENT")) == 2
    assert node.section == ("Already implemented features",)
    assert (node.field("STATEMENT") or "").startswith("StrictDoc shall provide")


def test_a_file_relation_named_by_path_is_kept() -> None:
    document, _ = parse_sdoc(shared_path(*SOURCE, REAL[2]).read_bytes(), REAL[2])
    assert document is not None
    node = next(n for n in document.nodes if n.uid == "SDOC-SRS-37")
    file, parent = node.relations
    assert (file.type, file.key, file.value) == ("File", "PATH", "strictdoc/core/project_config.py")
    assert file.attributes == (("FORMAT", "Sourcecode"),)
    assert (parent.type, parent.value) == ("Parent", "SDOC-SRS-205")


EVERYTHING = """\
[DOCUMENT]
TITLE: All of it
PREFIX: ALL-
METADATA:
  AUTHOR: Someone
  REVIEWED: Yes

[GRAMMAR]
ELEMENTS:
- TAG: TEST_CASE
  PROPERTIES:
    IS_COMPOSITE: True
  FIELDS:
  - TITLE: UID
    TYPE: String
    REQUIRED: True
  - TITLE: STEPS
    TYPE: String
    REQUIRED: False
  RELATIONS:
  - TYPE: Parent
  - TYPE: Child

[FREETEXT]
Free text of the document.
[/FREETEXT]

[SECTION]
TITLE: Old style

[REQUIREMENT]
UID: ALL-1
STATUS: Draft
TAGS: a, b
TITLE: First
STATEMENT: >>>
Line one.

[REQUIREMENT] inside a text block is text.
<<<
RELATIONS:
- TYPE: Parent
  VALUE: UP-1
  ROLE: Refines
- TYPE: Child
  VALUE: ALL-2
- TYPE: File
  FORMAT: Sourcecode
  VALUE: src/a.py
  FUNCTION: main

[[SECTION]]
TITLE: Nested

[[TEST_CASE]]
UID: ALL-2
TITLE: Composite
STEPS: one step

[TEXT]
STATEMENT: Inside the composite.

[[/TEST_CASE]]

[[/SECTION]]

[/SECTION]

[DOCUMENT_FROM_FILE]
FILE: other.sdoc
"""


def test_every_construct_is_read() -> None:
    text = "\ufeff" + EVERYTHING.replace("\n", "\r\n")
    document = _read(text)
    assert document.title == "All of it"
    assert dict(document.fields)["METADATA"] == "AUTHOR: Someone\nREVIEWED: Yes"
    (grammar,) = document.grammar
    assert (grammar.tag, grammar.fields, grammar.relations, grammar.composite) == (
        "TEST_CASE",
        ("UID", "STEPS"),
        ("Parent", "Child"),
        True,
    )
    free, first, composite, inner = document.nodes
    assert (free.tag, free.field("TEXT"), free.section) == (
        "FREETEXT",
        "Free text of the document.",
        (),
    )
    assert first.uid == "ALL-1"
    assert first.section == ("Old style",)
    assert first.field("STATEMENT") == "Line one.\n\n[REQUIREMENT] inside a text block is text."
    parent, child, file = first.relations
    assert (parent.type, parent.value, parent.role, parent.line) == (
        "Parent",
        "UP-1",
        "Refines",
        42,
    )
    assert (child.type, child.value, child.role) == ("Child", "ALL-2", None)
    assert (file.value, file.attributes) == (
        "src/a.py",
        (("FORMAT", "Sourcecode"), ("FUNCTION", "main")),
    )
    assert (composite.tag, composite.composite, composite.section) == (
        "TEST_CASE",
        True,
        ("Old style", "Nested"),
    )
    assert inner.section == ("Old style", "Nested", "Composite")
    assert inner.line == 60
    assert [s.path for s in document.sections] == [("Old style",), ("Old style", "Nested")]
    (include,) = document.includes
    assert (include.tag, include.fields, include.line) == (
        "DOCUMENT_FROM_FILE",
        (("FILE", "other.sdoc"),),
        69,
    )


HEAD = "[DOCUMENT]\nTITLE: T\n\n"


@pytest.mark.parametrize(
    ("text", "code", "line", "message"),
    [
        (HEAD + "[REQUIREMENT]\nUID: A-1\nSTATEMENT: >>>\nnever closed\n", INVALID, 6, ">>>"),
        (HEAD + "[REQUIREMENT]\nUID: A-1\n\nTITLE: after a blank\n", INVALID, 7, "outside"),
        (HEAD + "stray text\n", INVALID, 4, "outside"),
        (HEAD + "[REQUIREMENT]\nUID: A-1\njust words\n", INVALID, 6, "not a field"),
        (
            HEAD + "[REQUIREMENT]\nUID: A-1\nRELATIONS:\n- TYPE: Parent\n  ROLE: x\n",
            INVALID,
            7,
            "Parent relation without VALUE",
        ),
        (HEAD + "[REQUIREMENT]\nRELATIONS:\n  VALUE: X\n", INVALID, 6, "relation entry"),
        (HEAD + "[REQUIREMENT]\nRELATIONS:\nUID: A\n", INVALID, 5, "no '- TYPE:'"),
        (HEAD + "[[SECTION]]\nTITLE: S\n", INVALID, 4, "never closed"),
        (HEAD + "[[/SECTION]]\n", INVALID, 4, "closes nothing"),
        (HEAD + "[[SECTION]]\nTITLE: S\n\n[/SECTION]\n", INVALID, 7, "closes nothing"),
        (HEAD + "[FREETEXT]\ntext\n", INVALID, 4, "[/FREETEXT]"),
        (HEAD + "[DOCUMENT]\n", INVALID, 4, "second"),
        (HEAD + "[GRAMMAR]\n\n", INVALID, 4, "ELEMENTS"),
        ("TITLE: no document\n", INVALID, 1, "[DOCUMENT]"),
        ("\n\n", UNREADABLE, None, "empty"),
    ],
)
def test_broken_markup_is_one_located_finding(
    text: str, code: str, line: int | None, message: str
) -> None:
    document, findings = parse_sdoc(text.encode("utf-8"), "broken.sdoc")
    assert document is None
    (finding,) = findings
    assert (finding.code, finding.location.path, finding.location.line) == (
        code,
        "broken.sdoc",
        line,
    )
    assert message in finding.message


def test_not_utf8_is_unreadable_at_its_line() -> None:
    document, findings = parse_sdoc(HEAD.encode() + b"[TEXT]\nSTATEMENT: \xff\n", "x.sdoc")
    assert document is None
    assert [(f.code, f.location.line) for f in findings] == [(UNREADABLE, 5)]


def test_a_file_relation_without_value_or_path_is_invalid() -> None:
    text = HEAD + "[REQUIREMENT]\nRELATIONS:\n- TYPE: File\n  FORMAT: Sourcecode\n"
    document, findings = parse_sdoc(text.encode(), "x.sdoc")
    assert document is None
    assert [(f.code, f.location.line) for f in findings] == [(INVALID, 6)]


def test_a_grammar_imported_from_a_file_is_recorded() -> None:
    document = _read(HEAD + "[GRAMMAR]\nIMPORT_FROM_FILE: g.sgra\n\n[TEXT]\nSTATEMENT: x\n")
    assert document.grammar == ()
    assert document.grammar_fields == (("IMPORT_FROM_FILE", "g.sgra"),)

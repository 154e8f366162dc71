"""The item file parser: every malformed input is a finding with a code and a line."""

from __future__ import annotations

import pytest

from medtrace.ingest import parse_item
from medtrace.model import ParsedFile, builtin_schema

SCHEMA = builtin_schema()


def parse(text: str | bytes, path: str = "req/X.md") -> ParsedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_item(data, path, SCHEMA)


def codes(result: ParsedFile) -> list[tuple[str, int | None]]:
    return [(f.code, f.location.line) for f in result.findings]


GOOD = """---
id: SRS-012
kind: software-requirement
title: Reject a bolus above the maximum
status: approved
category: functional
derived-from:
  - SYS-004
  - SYS-005
implements-risk-control: [RC-003]
tags: [dose, bolus]
---
The software shall refuse a bolus larger than the maximum.
"""


def test_a_good_file_gives_a_typed_item_with_lines() -> None:
    result = parse(GOOD)
    assert result.findings == ()
    item = result.item
    assert item is not None
    assert (item.id, item.kind, item.title) == (
        "SRS-012",
        "software-requirement",
        "Reject a bolus above the maximum",
    )
    assert item.source.line == 2
    assert item.field("status") == "approved"
    assert item.field("tags") == ("dose", "bolus")
    assert [(link.role, link.target, link.line) for link in item.links] == [
        ("derived-from", "SYS-004", 8),
        ("derived-from", "SYS-005", 9),
        ("implements-risk-control", "RC-003", 10),
    ]
    assert item.body.strip() == "The software shall refuse a bolus larger than the maximum."
    assert item.body_line == 13


def test_a_markdown_file_without_front_matter_is_not_an_item() -> None:
    result = parse("# Notes\n\nJust a README.\n")
    assert (result.item, result.findings, result.is_item) == (None, (), False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: SRS-1\nkind: software-requirement\n---\n", [("file/front-matter", 1)]),
        ("---\nid: SRS-1\nkind: x\n", [("file/front-matter", 1)]),
        ("---\nid: SRS-1\ntitle: [open\n---\n", [("file/yaml-invalid", 3)]),
        ("---\n- a\n- b\n---\n", [("file/front-matter", 2)]),
        ("---\nkind: software-requirement\ntitle: T\n---\n", [("item/id-missing", 1)]),
        ("---\nid: 12 3\nkind: software-requirement\ntitle: T\n---\n", [("item/id-malformed", 2)]),
        ("---\nid: [A]\nkind: hazard\ntitle: T\n---\n", [("item/id-malformed", 2)]),
        ("---\nid: H-1\ntitle: T\n---\n", [("item/kind-missing", 1)]),
        ("---\nid: H-1\nkind: hazzard\ntitle: T\n---\n", [("item/kind-unknown", 3)]),
        ("---\nid: H-1\nkind: hazard\n---\n", [("item/title-missing", 1)]),
        ("---\nid: H-1\nkind: hazard\ntitle: T\ncolour: red\n---\n", [("item/field-unknown", 5)]),
        ("---\nid: H-1\nkind: hazard\ntitle: T\ntitle: U\n---\n", [("item/key-duplicate", 5)]),
        (
            "---\nid: H-1\nkind: hazard\ntitle: T\nderived-from: [SYS-1]\n---\n",
            [("item/link-not-allowed", 5)],
        ),
        (
            "---\nid: S-1\nkind: software-requirement\ntitle: T\nderived-from: [[A]]\n---\n",
            [("item/link-malformed", 5)],
        ),
        (
            "---\nid: S-1\nkind: software-requirement\ntitle: T\nstatus: done\n---\n",
            [("item/field-invalid", 5)],
        ),
        (
            "---\nid: P-1\nkind: plan\ntitle: T\nplan-type: [development, nope]\n---\n",
            [("item/field-invalid", 5)],
        ),
        (
            "---\nid: T-1\nkind: test-record\ntitle: T\ndate: 2026-13-40\n---\n",
            [("item/field-invalid", 5)],
        ),
    ],
)
def test_malformed_front_matter_gives_one_located_finding(
    text: str, expected: list[tuple[str, int]]
) -> None:
    assert codes(parse(text)) == expected


def test_non_utf8_names_the_line_of_the_bad_byte() -> None:
    result = parse(b"---\nid: S-1\ntitle: caf\xe9\n---\n")
    assert codes(result) == [("file/not-utf8", 3)]
    assert result.item is None


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted() -> None:
    result = parse("\ufeff---\r\nid: H-1\r\nkind: hazard\r\ntitle: Overdose\r\n---\r\nBody\r\n")
    assert result.findings == ()
    assert result.item is not None
    assert result.item.title == "Overdose"


def test_a_single_link_may_be_written_as_a_scalar() -> None:
    text = "---\nid: S-1\nkind: software-requirement\ntitle: T\nderived-from: SYS-1\n---\n"
    item = parse(text).item
    assert item is not None
    assert item.targets("derived-from") == ("SYS-1",)


def test_dates_and_typed_values_are_normalised() -> None:
    text = (
        "---\nid: TR-1\nkind: test-record\ntitle: Run\ndate: 2026-03-14\n"
        "outcome: passed\nrevision: 1234\n---\n"
    )
    item = parse(text).item
    assert item is not None
    assert item.field("date") == "2026-03-14"
    assert item.field("revision") == "1234"


def test_an_item_with_an_unknown_kind_is_kept_so_links_to_it_resolve() -> None:
    result = parse("---\nid: UN-1\nkind: user-need\ntitle: T\nfoo: bar\n---\n")
    assert codes(result) == [("item/kind-unknown", 3)]
    assert result.item is not None
    assert result.item.id == "UN-1"


def test_findings_carry_the_item_id_once_known() -> None:
    result = parse("---\nid: H-1\nkind: hazard\ntitle: T\ncolour: red\n---\n")
    assert [f.item for f in result.findings] == ["H-1"]
    assert "did you mean" not in result.findings[0].message


def test_unknown_field_suggests_the_close_name() -> None:
    text = "---\nid: S-1\nkind: software-requirement\ntitle: T\nderived_from: [SYS-1]\n---\n"
    (finding,) = parse(text).findings
    assert "did you mean 'derived-from'?" in finding.message


def test_scalars_stay_text_until_the_field_type_reads_them() -> None:
    text = (
        "---\nid: S-1\nkind: soup\ntitle: NO\nversion: 1.10\nmanufacturer: 0x10\n"
        "tags: [yes, 3.0]\n---\n"
    )
    item = parse(text).item
    assert item is not None
    assert (item.title, item.field("version"), item.field("manufacturer")) == ("NO", "1.10", "0x10")
    assert item.field("tags") == ("yes", "3.0")


def test_boolean_fields_read_true_and_false_words() -> None:
    text = "---\nid: P-1\nkind: problem-report\ntitle: T\nsafety-relevant: Yes\n---\n"
    item = parse(text).item
    assert item is not None
    assert item.field("safety-relevant") is True
    bad = parse("---\nid: P-1\nkind: problem-report\ntitle: T\nsafety-relevant: maybe\n---\n")
    assert codes(bad) == [("item/field-invalid", 5)]

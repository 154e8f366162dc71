"""The Doorstop tree reader: the real tree in ../shared, and broken files."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import shared_path

from medtrace.interchange.doorstop.read import parse_doorstop
from medtrace.interchange.findings import INVALID, UNREADABLE

DOC = b"settings:\n  digits: 3\n  prefix: REQ\n  sep: ''\n"


def test_the_real_tree_is_read_whole() -> None:
    root = shared_path("realworld", "doorstop", "doorstop-reqs")
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yml")}
    tree, findings = parse_doorstop(files)
    assert findings == ()
    assert {d.prefix: d.parent for d in tree.documents} == {
        "REQ": None,
        "TUT": "REQ",
        "EXT": "REQ",
    }
    expected = {p.stem for p in root.rglob("*.yml") if not p.name.startswith(".")}
    assert {item.uid for item in tree.items} == expected
    tut = next(item for item in tree.items if item.uid == "TUT008")
    assert tut.links == ("REQ003",)
    assert tut.title == "**Validating the Tree**"
    assert dict(tut.extra)["link-fingerprints"] == {
        "REQ003": "9TcFUzsQWUHhoh5wsqnhL7VRtSqMaIhrCXg7mfIkxKM="
    }
    custom = [item for item in tree.items if "CUSTOM-ATTRIB" in dict(item.extra)]
    assert custom, "a custom attribute is kept"


def test_header_is_the_title_and_plain_links_are_read() -> None:
    item = yaml.safe_dump({"header": "Head\n", "text": "Body", "links": ["REQ002"], "level": 1.1})
    tree, findings = parse_doorstop({"r/.doorstop.yml": DOC, "r/REQ001.yml": item.encode()})
    assert findings == ()
    (only,) = tree.items
    assert (only.title, only.text, only.links) == ("Head", "Body", ("REQ002",))
    assert dict(only.extra) == {"level": 1.1}


def test_broken_files_are_findings() -> None:
    files = {
        ".doorstop.yml": DOC,
        "REQ001.yml": b"text: [unclosed",
        "REQ002.yml": b"\xff\xfe",
        "REQ003.yml": b"- a list",
        "REQ004.yml": b"links: {a: b}",
        "REQ005.yml": b"links: [[1, 2]]",
        "sub/.doorstop.yml": b"settings: {}",
    }
    tree, findings = parse_doorstop(files)
    assert tree.items == ()
    codes = {f.location.path: f.code for f in findings}
    assert codes == {
        "REQ001.yml": UNREADABLE,
        "REQ002.yml": UNREADABLE,
        "REQ003.yml": UNREADABLE,
        "REQ004.yml": INVALID,
        "REQ005.yml": INVALID,
        "sub/.doorstop.yml": INVALID,
    }


def test_no_document_is_a_finding() -> None:
    tree, findings = parse_doorstop({"REQ001.yml": b"text: x"})
    assert tree.items == ()
    assert [f.code for f in findings] == [INVALID]


def test_files_outside_documents_and_prefix_are_ignored(tmp_path: Path) -> None:
    files = {"r/.doorstop.yml": DOC, "r/OTHER1.yml": b"text: x", "top.yml": b"text: y"}
    tree, findings = parse_doorstop(files)
    assert (tree.items, findings) == ((), ())


MARKDOWN_DOC = b"settings:\n  digits: 3\n  itemformat: markdown\n  prefix: REQ\n  sep: ''\n"
MARKDOWN_ITEM = b"""---
active: true
derived: false
level: 1.2
links:
- REQ001: 3Rk2qRgQqIbZ2BrFqu8uDMEjX2Cd1wSU7mNJnBGVvS0=
normative: true
ref: ''
reviewed: null
---

# Limit the bolus

The pump **shall** refuse a bolus above the maximum.
"""


def test_doorstop_3_markdown_items_are_read() -> None:
    files = {
        ".doorstop.yml": MARKDOWN_DOC,
        "REQ001.md": b"---\nactive: true\nlinks: []\n---\n\nThe first requirement.\n",
        "REQ002.md": MARKDOWN_ITEM,
        "README.md": b"# Not an item\n",
    }
    tree, findings = parse_doorstop(files)
    assert findings == ()
    items = {item.uid: item for item in tree.items}
    assert sorted(items) == ["REQ001", "REQ002"]
    second = items["REQ002"]
    assert second.links == ("REQ001",)
    assert second.title == "Limit the bolus"
    assert "The pump **shall** refuse a bolus above the maximum." in second.text
    assert dict(second.extra)["level"] == 1.2


def test_a_doorstop_markdown_item_without_front_matter_is_a_finding() -> None:
    files = {".doorstop.yml": MARKDOWN_DOC, "REQ001.md": b"Just text, no front matter.\n"}
    tree, findings = parse_doorstop(files)
    assert tree.items == ()
    assert [(f.code, f.location.path) for f in findings] == [(UNREADABLE, "REQ001.md")]

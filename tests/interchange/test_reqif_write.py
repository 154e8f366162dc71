"""ReqIF export: valid against the ReqIF 1.2 schema (checked offline), deterministic."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree
from tests.interchange.test_reqif_roundtrip import projects, write_project

from medtrace.api import load_project
from medtrace.api.migrate import export_reqif
from medtrace.errors import MedtraceError
from medtrace.interchange.items import NewItem
from medtrace.interchange.reqif.schema import validate_reqif
from medtrace.interchange.reqif.write import NAMESPACE, encode_value, reqif_bytes
from medtrace.model import Item, Link, SourceLocation
from medtrace.model.kinds import builtin_schema

WHEN = dt.datetime(2026, 3, 14, 9, 26, 53, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def _item(item_id: str, kind: str = "software-requirement", **extra: object) -> Item:
    return Item(
        id=item_id,
        kind=kind,
        title=f"Title of {item_id}",
        source=SourceLocation(path=f"{item_id}.md"),
        body=str(extra.get("body", "Text.\n")),
        links=tuple(extra.get("links", ())),  # type: ignore[arg-type]
    )


def test_the_example_project_exports_valid_reqif_the_same_each_time(example: Path) -> None:
    first, second = example.parent / "a.reqif", example.parent / "b.reqif"
    count = export_reqif(example, first)
    assert count == len(load_project(example).items) > 300
    export_reqif(example, second)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert validate_reqif(data) == []
    root = etree.fromstring(data)
    objects = root.findall(f".//{{{NAMESPACE}}}SPEC-OBJECT")
    assert len(objects) == count
    assert [o.get("IDENTIFIER") for o in objects] == sorted(
        i.id for i in load_project(example).items
    )


def test_only_the_kinds_asked_for_are_exported(example: Path) -> None:
    out = example.parent / "tests.reqif"
    count = export_reqif(example, out, kinds=["test-case"])
    assert count == sum(1 for i in load_project(example).items if i.kind == "test-case")
    data = out.read_bytes()
    assert validate_reqif(data) == []
    assert b"SPEC-RELATION " not in data  # test cases verify requirements, not exported


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=projects())
def test_random_projects_export_valid_reqif(items: list[NewItem]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = write_project(Path(folder) / "source", items)
        out = Path(folder) / "out.reqif"
        export_reqif(source, out)
        assert validate_reqif(out.read_bytes()) == []


def test_bytes_depend_on_the_items_and_timestamp_only() -> None:
    schema = builtin_schema()
    items = [_item("SRS-2", links=[Link(role="derived-from", target="SRS-1")]), _item("SRS-1")]
    data = reqif_bytes(items, schema, title="T", timestamp=WHEN)
    assert data == reqif_bytes(items[::-1], schema, title="T", timestamp=WHEN)
    assert b'LAST-CHANGE="2026-03-14T07:26:53Z"' in data
    assert b"1970" not in data
    assert validate_reqif(data) == []
    assert b"<xhtml:div>Text.\n</xhtml:div>" in data


def test_links_to_items_outside_the_file_and_unknown_kinds_are_left_out() -> None:
    items = [_item("SRS-1", links=[Link(role="derived-from", target="SYS-9")]), _item("X", "nope")]
    data = reqif_bytes(items, builtin_schema(), title="T")
    assert validate_reqif(data) == []
    assert b"SPEC-RELATION " not in data and b'"X"' not in data


def test_a_control_character_is_refused_naming_the_item() -> None:
    with pytest.raises(MedtraceError, match="SRS-1 body"):
        reqif_bytes([_item("SRS-1", body="bell \x07")], builtin_schema(), title="T")


def test_field_values_are_encoded_as_text() -> None:
    assert encode_value(("a", 'b "c"')) == '["a", "b \\"c\\""]'
    assert (encode_value(True), encode_value(False)) == ("true", "false")
    assert (encode_value(7), encode_value(0.1), encode_value("2026-03-14")) == (
        "7",
        "0.1",
        "2026-03-14",
    )


def test_the_validator_reports_what_breaks_the_schema() -> None:
    data = reqif_bytes([_item("SRS-1")], builtin_schema(), title="T")
    broken = data.replace(b"<REQ-IF-TOOL-ID>medtrace</REQ-IF-TOOL-ID>", b"")
    problems = validate_reqif(broken)
    assert problems and "REQ-IF-VERSION" in problems[0]
    assert validate_reqif(b"<REQ-IF") != []
    duplicate = data.replace(b'IDENTIFIER="_header"', b'IDENTIFIER="SRS-1"')
    assert any("SRS-1" in problem for problem in validate_reqif(duplicate))

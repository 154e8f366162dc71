"""ReqIF round trip: random projects, exported and imported into an empty project, come
back with the same items, fields, links and bodies; so does the example project."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.api import load_project
from medtrace.api.migrate import export_reqif, import_reqif
from medtrace.interchange.items import NewItem, render_item
from medtrace.model import Item

CONFIG = """[project]
name = "Round trip"

[fields]
priority = "integer"
weight = "number"
reviewed = "boolean"
due = "date"
reference = "url"
"""
ALPHABET = "abcXYZ019 ,;:'\"=#&*!?()[]{}/.-_<>äé€\t"
WORD = st.text(ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
TEXT = st.lists(st.text(ALPHABET, max_size=20), min_size=1, max_size=4).map("\n".join)
BODY = st.one_of(st.just(""), TEXT, TEXT.map(lambda text: f"# Heading\n\n{text}\n\n- a\n- b\n"))
# kind -> (id prefix, its links: role -> the kinds it may point to)
KINDS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "system-requirement": ("SYS", {}),
    "software-requirement": (
        "SRS",
        {"derived-from": ("system-requirement",), "implements-risk-control": ("risk-control",)},
    ),
    "software-item": ("SWI", {"implements": ("software-requirement",)}),
    "software-unit": ("SWU", {"part-of": ("software-item",)}),
    "hazard": ("HAZ", {}),
    "risk-control": ("RC", {"mitigates": ("hazard",)}),
    "test-case": ("TC", {"verifies": ("software-requirement", "software-unit", "risk-control")}),
}
OWN_FIELDS: dict[str, tuple[str, ...]] = {
    "system-requirement": ("rationale",),
    "software-requirement": ("category", "rationale"),
    "software-item": ("safety-class", "interfaces"),
    "software-unit": ("safety-class", "source-files"),
    "hazard": ("category",),
    "risk-control": ("control-type",),
    "test-case": ("level", "steps", "expected-result"),
}
VALUES = {
    "status": st.sampled_from(("draft", "in-review", "approved")),
    "tags": st.lists(WORD, min_size=1, max_size=3, unique=True),
    "owner": WORD,
    "priority": st.integers(-(10**12), 10**12),
    "weight": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "reviewed": st.booleans(),
    "due": st.dates().map(lambda day: day.isoformat()),
    "reference": st.text("abcXYZ019-_.~%", min_size=1, max_size=12).map(
        lambda path: f"https://example.org/{path}"
    ),
    "rationale": TEXT.map(str.strip).filter(bool),
    "interfaces": TEXT.map(str.strip).filter(bool),
    "expected-result": TEXT.map(str.strip).filter(bool),
    "category": st.sampled_from(("functional", "alarm", "security")),
    "safety-class": st.sampled_from(("A", "B", "C")),
    "source-files": st.lists(WORD, min_size=1, max_size=3),
    "control-type": st.sampled_from(("protective-measure", "information-for-safety")),
    "level": st.sampled_from(("unit", "system")),
    "steps": st.lists(WORD, min_size=1, max_size=3),
}
COMMON = ("status", "tags", "owner", "priority", "weight", "reviewed", "due", "reference")


@st.composite
def projects(draw: st.DrawFn) -> list[NewItem]:
    """Items of several kinds with random fields and links the schema allows."""
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=8))
    ids = [f"{KINDS[kind][0]}-{number:03d}" for number, kind in enumerate(kinds, start=1)]
    of_kind = {kind: [i for i, k in zip(ids, kinds, strict=True) if k == kind] for kind in KINDS}
    items = []
    for item_id, kind in zip(ids, kinds, strict=True):
        names = draw(st.lists(st.sampled_from((*COMMON, *OWN_FIELDS[kind])), unique=True))
        fields = tuple((name, draw(VALUES[name])) for name in names)
        links = []
        for role, targets in KINDS[kind][1].items():
            choices = [i for target in targets for i in of_kind[target] if i != item_id]
            chosen = draw(st.lists(st.sampled_from(choices), unique=True)) if choices else []
            if chosen:
                links.append((role, tuple(chosen)))
        items.append(
            NewItem(
                id=item_id,
                kind=kind,
                title=draw(WORD),
                body=draw(BODY),
                fields=fields,
                links=tuple(links),
            )
        )
    return items


def write_project(root: Path, items: list[NewItem]) -> Path:
    """A project at ``root`` holding ``items`` (one file each)."""
    root.mkdir(parents=True)
    (root / "medtrace.toml").write_text(CONFIG, "utf-8")
    for item in items:
        path = root / "items" / f"{item.id}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(render_item(item), "utf-8")
    return root


def shape(item: Item) -> tuple[object, ...]:
    links = tuple((link.role, link.target) for link in item.links)
    return (item.id, item.kind, item.title, item.fields, links, item.body)


def _round_trip(source: Path, folder: Path) -> None:
    exported = folder / "out.reqif"
    loaded = load_project(source)
    assert export_reqif(source, exported) == len(loaded.items)
    target = folder / "target"
    target.mkdir()
    shutil.copy(source / "medtrace.toml", target / "medtrace.toml")
    report = import_reqif(target, exported)
    assert report.warnings == ()
    assert sorted(map(shape, load_project(target).items)) == sorted(map(shape, loaded.items))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=projects())
def test_a_random_project_round_trips_through_reqif(items: list[NewItem]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = write_project(Path(folder) / "source", items)
        assert len(load_project(source).items) == len(items)
        assert not [d for d in load_project(source).diagnostics if d.code.startswith("item/")]
        _round_trip(source, Path(folder))


def test_the_example_project_round_trips_through_reqif(example: Path, tmp_path: Path) -> None:
    _round_trip(example, tmp_path)

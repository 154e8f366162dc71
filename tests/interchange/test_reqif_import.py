"""ReqIF import: every real file becomes items with the counts it holds (counted here with
lxml), checks clean, and comes back unchanged through export and import; broken files
are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.interchange.test_reqif_read import DANGLING, NOT_REQIF, corpus, count, xml_documents

from medtrace.api import check_project, load_project
from medtrace.api import migrate as migrate_module
from medtrace.api.migrate import export_reqif, import_reqif
from medtrace.errors import MedtraceError
from medtrace.ingest import parse_config
from medtrace.interchange import items as items_module
from medtrace.interchange.reqif.map import reqif_items
from medtrace.interchange.reqif.records import ReqifDocument, ReqifNode, ReqifObject, ReqifRelation
from medtrace.interchange.reqif.schema import validate_reqif
from medtrace.model import Item
from medtrace.store.writer_process import BackgroundFiles

STRUCTURAL = ("file/", "item/", "link/", "config/")
UNMAPPED_LINK = "migrate/link-unmapped"


def _project(root: Path, config: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "medtrace.toml").write_text(f'[project]\nname = "T"\n{config}', "utf-8")
    return root


def _shape(item: Item) -> tuple[object, ...]:
    links = tuple((link.role, link.target) for link in item.links)
    return (item.id, item.kind, item.title, item.fields, links, item.body)


def _structural(root: Path) -> list[str]:
    return [
        f"{f.code} {f.location} {f.message}"
        for f in check_project(root).findings
        if f.code.startswith(STRUCTURAL)
    ]


def _valid() -> dict[str, Path]:
    return {name: path for name, path in corpus().items() if name not in DANGLING | NOT_REQIF}


def test_every_valid_real_file_imports_with_its_object_and_relation_counts(
    tmp_path: Path,
) -> None:
    files = _valid()
    assert len(files) >= 14
    for number, (name, path) in enumerate(sorted(files.items())):
        roots = xml_documents(path)
        objects, relations = count(roots, "SPEC-OBJECT"), count(roots, "SPEC-RELATION")
        project = _project(tmp_path / f"p{number}")
        report = import_reqif(project, path)
        kept = sum(1 for w in report.warnings if w.code == UNMAPPED_LINK)
        headings = sum(1 for w in report.warnings if "is a heading" in w.message)
        assert len(report.created) + headings == objects, name
        assert report.links + kept == relations, name
        loaded = load_project(project)
        assert len(loaded.items) == objects - headings, name
        assert sum(len(item.links) for item in loaded.items) == report.links, name
        assert sum(item.body.count("unmapped-links:") for item in loaded.items) == (kept > 0)
        assert _structural(project) == [], name


def test_every_valid_real_file_round_trips_through_a_valid_export(tmp_path: Path) -> None:
    for number, (name, path) in enumerate(sorted(_valid().items())):
        first = _project(tmp_path / f"a{number}")
        import_reqif(first, path)
        exported = tmp_path / f"out{number}.reqif"
        assert export_reqif(first, exported) == len(load_project(first).items)
        assert validate_reqif(exported.read_bytes()) == [], name
        second = _project(tmp_path / f"b{number}")
        import_reqif(second, exported)
        before = sorted(map(_shape, load_project(first).items))
        after = sorted(map(_shape, load_project(second).items))
        assert after == before, name


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_large_file_has_the_same_files_written_by_the_helper_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[BackgroundFiles] = []

    class Counted(BackgroundFiles):
        def __init__(self) -> None:
            super().__init__()
            started.append(self)

    files = sorted(_valid().items())
    for number, (_, path) in enumerate(files):
        import_reqif(_project(tmp_path / f"here{number}"), path)
    assert started == []  # small files: written by this process
    monkeypatch.setattr(migrate_module, "BackgroundFiles", Counted)
    monkeypatch.setattr(migrate_module, "BACKGROUND_BYTES", 0)  # every file counts as large
    for number, (name, path) in enumerate(files):
        import_reqif(_project(tmp_path / f"helper{number}"), path)
        here, helper = _files(tmp_path / f"here{number}"), _files(tmp_path / f"helper{number}")
        assert len(here) > 1, name
        assert helper == here, name
    assert len(started) == len(files)


def test_a_failure_while_the_helper_writes_leaves_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = items_module.render_item
    rendered: list[str] = []

    def failing(item: items_module.NewItem) -> str:
        if len(rendered) == 10:
            raise RuntimeError("cannot render")
        rendered.append(item.id)
        return real(item)

    monkeypatch.setattr(migrate_module, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(items_module, "render_item", failing)
    with pytest.raises(RuntimeError, match="cannot render"):
        import_reqif(project, corpus()["examples/sample2_sdoc.reqif"])
    assert len(rendered) == 10  # ten files went to the helper, which removed them again
    left = sorted(path.name for path in project.iterdir() if path.name != ".medtrace")
    assert left == ["medtrace.toml"]  # (.medtrace: the cache of the project's load)


def test_invalid_files_are_refused_in_one_line_and_nothing_is_written(project: Path) -> None:
    files = corpus()
    refused = sorted(DANGLING | NOT_REQIF)  # (those with dangling references, when strict)
    assert len(refused) == 6
    for name in refused:
        with pytest.raises(MedtraceError) as caught:
            import_reqif(project, files[name], strict=True)
        message = str(caught.value)
        assert "\n" not in message and "nothing was written" in message, name
        assert str(files[name]) in message, name
        assert load_project(project).items == ()
        assert not (project / "reqif").exists()


def test_real_objects_keep_ids_hierarchy_and_unmapped_attributes(tmp_path: Path) -> None:
    files = corpus()
    project = _project(tmp_path / "polarion")
    import_reqif(project, files["examples/sample1_polarion.reqif"])
    items = {item.id: item for item in load_project(project).items}
    assert set(items) == {"LOREM-818"}  # its ForeignID; the heading is document structure
    requirement = items["LOREM-818"]
    assert requirement.title == "SW: Lorem Ipsum" and requirement.field("status") == "draft"
    assert requirement.body.startswith("The Lorem Ipsum shall do something.\n\n## reqif\n")
    assert "type: System Requirement\nsection:\n- Section 1\n" in requirement.body
    assert "ReqIF.ForeignCreatedBy:" in requirement.body


def _document() -> ReqifDocument:
    def obj(identifier: str, kind: str, *attributes: tuple[str, str]) -> ReqifObject:
        return ReqifObject(identifier=identifier, type=kind, attributes=attributes)

    return ReqifDocument(
        objects=(
            obj("o1", "Customer Requirement", ("Key", "CR-1"), ("Heading", "Dose")),
            obj("o2", "Spec", ("ReqIF.ForeignID", "1.2"), ("ReqIF.Text", "Limit the dose.")),
            obj("o3", "Test", ("ReqIF.ForeignID", "T-1"), ("Priority", "7"), ("Tags", "a\nb")),
            obj("o4", "Spec", ("ReqIF.ForeignID", "T-1"), ("status", "Done")),
        ),
        relations=(
            ReqifRelation(identifier="r1", type="Satisfies", source="o2", target="o1"),
            ReqifRelation(identifier="r2", type="Tests", source="o3", target="o2"),
            ReqifRelation(identifier="r3", type="derived-from", source="o2", target="o3"),
        ),
        hierarchy=(
            ReqifNode(specification="S", obj="o1", parent=None, order=0),
            ReqifNode(specification="S", obj="o2", parent="o1", order=1),
            ReqifNode(specification="S", obj="o4", parent="o1", order=2),
        ),
    )


CONFIG = """
[fields]
priority = "integer"

[reqif]
id-prefix = "REQ"

[reqif.kinds]
"Customer Requirement" = "system-requirement"
Test = "test-case"

[reqif.fields]
Key = "id"
Heading = "title"

[reqif.links]
Satisfies = "derived-from"
"""


def test_the_mapping_follows_the_reqif_table() -> None:
    config, findings = parse_config(CONFIG.encode())
    assert findings == ()
    mapped = reqif_items(_document(), config.schema, config.reqif, {"REQ-001"}, "in.reqif")
    items = {item.source: item for item in mapped.items}
    assert [items[o].id for o in ("o1", "o2", "o3", "o4")] == ["CR-1", "REQ-002", "T-1", "REQ-003"]
    assert [items[o].kind for o in ("o1", "o2", "o3")] == [
        "system-requirement",
        "software-requirement",
        "test-case",
    ]
    assert items["o1"].title == "Dose" and items["o2"].title == "Limit the dose."
    assert dict(items["o3"].fields) == {"priority": 7, "tags": ["a", "b"]}
    assert items["o2"].links == (("derived-from", ("CR-1",)),)
    assert items["o3"].links == (("verifies", ("REQ-002",)),)
    assert "unmapped-links:\n  derived-from:\n  - T-1\n" in items["o2"].body
    assert "parent: CR-1\nposition: 1\n" in items["o2"].body
    assert "parent: CR-1\nposition: 2\n" in items["o4"].body
    assert "ReqIF.ForeignID: '1.2'" in items["o2"].body
    assert "ReqIF.ForeignID: T-1" in items["o4"].body  # taken by o3: kept, not reused
    assert "status: Done" in items["o4"].body
    assert [w.code for w in mapped.warnings] == ["migrate/value-invalid", UNMAPPED_LINK]
    assert mapped.links_kept == 1


def test_dry_run_writes_nothing_and_existing_ids_are_never_overwritten(project: Path) -> None:
    path = corpus()["examples/sample2_sdoc.reqif"]
    report = import_reqif(project, path, dry_run=True)
    assert report.dry_run and len(report.created) == 18
    assert not (project / "reqif").exists()
    import_reqif(project, path)
    again = import_reqif(project, path)  # made ids skip the project's ids
    assert len({c.id for c in again.created} | {i.id for i in load_project(project).items}) == 36
    polarion = corpus()["examples/sample1_polarion.reqif"]
    import_reqif(project, polarion)
    with pytest.raises(MedtraceError, match="LOREM-818 is already an item"):
        import_reqif(project, polarion)  # a ForeignID the project has: refused, not renamed


def test_an_unreadable_path_or_unknown_kind_is_refused(project: Path, tmp_path: Path) -> None:
    with pytest.raises(MedtraceError, match="cannot read"):
        import_reqif(project, tmp_path / "absent.reqif")
    with pytest.raises(MedtraceError, match="unknown kind 'nope'"):
        export_reqif(project, tmp_path / "out.reqif", kinds=["nope"])

"""Migration imports: the real Doorstop tree and needs.json files load and check clean."""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from tests.conftest import shared_path

from medtrace.api import check_project, load_project
from medtrace.api.migrate import import_doorstop, import_needs
from medtrace.errors import MedtraceError

STRUCTURAL = ("file/", "item/", "link/", "config/")


def _structural(root: Path) -> list[str]:
    report = check_project(root)
    return [
        f"{f.code} {f.location} {f.message}"
        for f in report.findings
        if f.code.startswith(STRUCTURAL)
    ]


def _links(root: Path) -> int:
    return sum(len(link_item.links) for link_item in load_project(root).items)


def test_the_real_doorstop_tree_imports_whole(project: Path) -> None:
    source = shared_path("realworld", "doorstop", "doorstop-reqs")
    items = [p for p in source.rglob("*.yml") if not p.name.startswith(".")]
    links = sum(len(yaml.safe_load(p.read_text("utf-8")).get("links") or []) for p in items)
    report = import_doorstop(project, source)
    assert (len(report.created), report.links) == (len(items), links)
    loaded = load_project(project)
    assert len(loaded.items) == len(items)
    assert _links(project) == links
    assert _structural(project) == []
    kinds = {item.id[:3]: item.kind for item in loaded.items}
    assert kinds == {
        "REQ": "system-requirement",
        "TUT": "software-requirement",
        "EXT": "software-requirement",
    }
    assert all("## doorstop" in item.body for item in loaded.items)
    assert all({"level", "active", "normative", "ref"} <= set(c.unmapped) for c in report.created)


def test_doorstop_dry_run_writes_nothing_and_nothing_is_overwritten(project: Path) -> None:
    source = shared_path("realworld", "doorstop", "doorstop-reqs")
    report = import_doorstop(project, source, dry_run=True)
    assert report.created and not (project / "doorstop").exists()
    import_doorstop(project, source)
    with pytest.raises(MedtraceError, match="already an item"):
        import_doorstop(project, source)


def test_doorstop_kind_mapping(project: Path) -> None:
    source = shared_path("realworld", "doorstop", "doorstop-reqs")
    import_doorstop(project, source, kinds={"REQ": "software-requirement"})
    kinds = {item.kind for item in load_project(project).items}
    assert kinds == {"software-requirement"}
    assert _structural(project) == []


def test_a_broken_doorstop_tree_writes_nothing(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "tree"
    source.mkdir()
    (source / ".doorstop.yml").write_text("settings: {prefix: REQ}\n", "utf-8")
    (source / "REQ001.yml").write_text("text: ok\n", "utf-8")
    (source / "REQ002.yml").write_text("text: [broken\n", "utf-8")
    with pytest.raises(MedtraceError, match=re.escape("REQ002.yml:2: not valid YAML")) as caught:
        import_doorstop(project, source)
    assert "\n" not in str(caught.value), "one line, naming file and line"
    assert load_project(project).items == ()


NEEDS = ("realworld", "needs-json")


def _count_needs(path: Path) -> tuple[int, int]:
    """Needs and links of a needs.json's current version, counted from the JSON."""
    data = json.loads(path.read_text("utf-8"))
    needs = data["versions"][data["current_version"]]["needs"]
    links = 0
    for need in needs.values():
        fields = {"links"} | {name for name in need if f"{name}_back" in need}
        links += sum(len(need.get(name) or []) for name in fields)
    return len(needs), links


@pytest.mark.parametrize(
    "name",
    [
        "safety-critical-rust-coding-guidelines/needs.json",
        "sphinx-needs-fixtures/import_doc/needs_test.json",
    ],
)
def test_real_needs_files_import_whole(project: Path, name: str) -> None:
    source = shared_path(*NEEDS, *name.split("/"))
    needs, links = _count_needs(source)
    report = import_needs(project, source)
    assert report.warnings == ()
    assert (len(report.created), report.links) == (needs, links)
    assert len(load_project(project).items) == needs
    assert _links(project) == links
    assert _structural(project) == []


def test_needs_types_map_to_kinds(project: Path) -> None:
    import_needs(
        project, shared_path(*NEEDS, "sphinx-needs-fixtures", "import_doc", "needs_test.json")
    )
    items = {item.id: item for item in load_project(project).items}
    assert items["T_C3893"].kind == "test-case"
    assert items["T_C3893"].targets("verifies") == ("OWN_ID_123", "IMPL_01")
    assert items["IMPL_01"].kind == "software-unit"
    assert items["IMPL_01"].targets("implements") == ("OWN_ID_123",)
    assert items["S_503A1"].targets("derived-from") == ("REQ_001",)
    assert items["R_F4722"].field("tags") == ("requirement", "test", "awesome")
    assert "status: open" in items["R_F4722"].body


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("import_doc_empty/needs_empty_file.json", "the file is empty"),
        ("import_doc_invalid/needs_test_no_needs.json", "has no 'project'"),
        ("import_doc_invalid/needs_test_not_valid.json", "has no 'project'"),
        ("sphinx_needs/needsfile.json", "has no 'current_version'"),
    ],
)
def test_broken_needs_files_are_rejected(project: Path, name: str, reason: str) -> None:
    source = shared_path(*NEEDS, "sphinx-needs-fixtures", *name.split("/"))
    with pytest.raises(MedtraceError, match=re.escape(reason)):
        import_needs(project, source)
    assert load_project(project).items == ()


def test_needs_without_needs_and_unresolved_links(project: Path, tmp_path: Path) -> None:
    empty = {"current_version": "1", "project": "p", "versions": {"1": {"needs": {}}}}
    source = tmp_path / "needs.json"
    source.write_text(json.dumps(empty), "utf-8")
    with pytest.raises(MedtraceError, match="holds no needs"):
        import_needs(project, source)
    dangling = {"A_1": {"id": "A_1", "type": "req", "title": "A", "links": ["NOWHERE"]}}
    empty["versions"]["1"]["needs"] = dangling  # type: ignore[index]
    source.write_text(json.dumps(empty), "utf-8")
    report = import_needs(project, source)
    assert [w.code for w in report.warnings] == ["migrate/link-unmapped"]
    (item,) = load_project(project).items
    assert item.links == () and "NOWHERE" in item.body
    assert _structural(project) == []


def test_a_full_disk_leaves_nothing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs = {
        f"R_{n}": {"id": f"R_{n}", "type": "req", "title": f"Need {n}", "links": []}
        for n in range(5)
    }
    source = tmp_path / "needs.json"
    document = {"current_version": "1", "project": "p", "versions": {"1": {"needs": needs}}}
    source.write_text(json.dumps(document), "utf-8")
    real: Callable[..., int] = os.open
    opened: list[str] = []

    def full_disk(path: str | Path, *args: int, **kwargs: int) -> int:
        if str(path).endswith(".md"):
            if len(opened) == 3:  # the fourth item file
                raise OSError(errno.ENOSPC, "No space left on device")
            opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", full_disk)
    with pytest.raises(MedtraceError, match=r"No space left on device.*nothing was written"):
        import_needs(project, source)
    monkeypatch.undo()
    assert len(opened) == 3  # three files were written before the disk filled up
    assert sorted(path.name for path in project.iterdir()) == [".medtrace", "medtrace.toml"]

"""The migrate command group (not yet registered in main: invoked directly)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from tests.conftest import ItemWriter, shared_path

from medtrace.api import load_project
from medtrace.cli.context import Context
from medtrace.cli.migrate import migrate


def test_doorstop_dry_run_then_import(project: Path, runner: CliRunner) -> None:
    source = shared_path("realworld", "doorstop", "doorstop-reqs")
    args = ["doorstop", str(source), "--path", str(project)]
    dry = runner.invoke(migrate, [*args, "--dry-run"], obj=Context())
    assert dry.exit_code == 0, dry.output
    assert "would create 43 item(s)" in dry.output
    assert load_project(project).items == ()
    done = runner.invoke(migrate, args, obj=Context())
    assert done.exit_code == 0 and "created 43 item(s), 22 link(s)" in done.output
    again = runner.invoke(migrate, args, obj=Context())
    assert again.exit_code == 2 and "already an item" in again.output


def test_needs_rejects_an_empty_file(project: Path, runner: CliRunner) -> None:
    empty = shared_path(
        "realworld",
        "needs-json",
        "sphinx-needs-fixtures",
        "import_doc_empty",
        "needs_empty_file.json",
    )
    result = runner.invoke(migrate, ["needs", str(empty), "--path", str(project)], obj=Context())
    assert result.exit_code == 2 and "the file is empty" in result.output


def test_table_export_and_import(project: Path, runner: CliRunner, tmp_path: Path) -> None:
    table = tmp_path / "in.csv"
    table.write_text("id,title\nSRS-1,First\n", "utf-8")
    args = ["--path", str(project)]
    result = runner.invoke(
        migrate, ["table", "import", "software-requirement", str(table), *args], obj=Context()
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(
        migrate, ["table", "export", "software-requirement", str(out), *args], obj=Context()
    )
    assert result.exit_code == 0 and "1 software-requirement item(s)" in result.output


def test_strictdoc_imports_every_real_document_in_one_run(project: Path, runner: CliRunner) -> None:
    folder = shared_path("realworld", "strictdoc", "strictdoc-docs")
    files = sorted(str(p) for p in folder.glob("*.sdoc"))
    result = runner.invoke(migrate, ["strictdoc", *files, "--path", str(project)], obj=Context())
    assert result.exit_code == 0, result.output
    text = "\n".join(p.read_text("utf-8") for p in folder.glob("*.sdoc"))
    uids = len(re.findall(r"^UID: ", text, re.MULTILINE))
    assert f"created {len(load_project(project).items)} item(s)" in result.output
    assert 0 < len(load_project(project).items) <= uids
    assert "not imported (reported):" in result.output


def test_strictdoc_refuses_a_broken_file_naming_its_line(
    project: Path, runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.sdoc"
    broken.write_text(
        "[DOCUMENT]\nTITLE: T\n\n[REQUIREMENT]\nUID: A-1\nSTATEMENT: >>>\nopen\n", "utf-8"
    )
    result = runner.invoke(
        migrate, ["strictdoc", str(broken), "--path", str(project)], obj=Context()
    )
    assert result.exit_code == 2
    assert "broken.sdoc:" in result.output and "Traceback" not in result.output
    assert load_project(project).items == ()


def test_rdm_imports_the_example(project: Path, runner: CliRunner) -> None:
    source = shared_path("realworld", "iec62304", "innolitics-rdm")
    result = runner.invoke(migrate, ["rdm", str(source), "--path", str(project)], obj=Context())
    assert result.exit_code == 0, result.output
    assert "created 27 item(s), 25 link(s)" in result.output
    assert "device.yml is not imported" in result.output


def test_reqif_export_then_import_through_the_commands(
    project: Path, runner: CliRunner, tmp_path: Path, write_item: ItemWriter
) -> None:
    write_item("SYS-001", "system-requirement", "The pump shall stop.")
    write_item(
        "SRS-001", "software-requirement", "Stop within 1 s.", **{"derived-from": ["SYS-001"]}
    )
    out = tmp_path / "out.reqif"
    args = ["--path", str(project)]
    result = runner.invoke(migrate, ["reqif-export", str(out), *args], obj=Context())
    assert result.exit_code == 0 and "2 item(s) written" in result.output, result.output
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "medtrace.toml").write_text('[project]\nname = "fresh"\n', "utf-8")
    result = runner.invoke(migrate, ["reqif", str(out), "--path", str(fresh)], obj=Context())
    assert result.exit_code == 0 and "created 2 item(s), 1 link(s)" in result.output
    items = {item.id: item for item in load_project(fresh).items}
    assert items["SRS-001"].links[0].target == "SYS-001"


def test_reqif_refuses_a_file_that_is_not_reqif(
    project: Path, runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.reqif"
    bad.write_text("<REQ-IF><unclosed></REQ-IF>", "utf-8")
    result = runner.invoke(migrate, ["reqif", str(bad), "--path", str(project)], obj=Context())
    assert result.exit_code == 2 and "not valid XML" in result.output
    assert "Traceback" not in result.output and load_project(project).items == ()

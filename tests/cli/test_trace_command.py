"""``medtrace trace``, ``coverage`` and ``orphans`` on the bundled example."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import click
import openpyxl
from click.testing import CliRunner

from medtrace.api import load_project
from medtrace.cli.context import Context
from medtrace.cli.trace import coverage, orphans, trace
from medtrace.model import Item

SRS_TO_TC = ("--from", "software-requirement", "--to", "test-case")


def run(runner: CliRunner, command: click.Command, *args: str) -> tuple[int, str, str]:
    env = {"SOURCE_DATE_EPOCH": "0", "COLUMNS": "80"}
    result = runner.invoke(command, list(args), obj=Context(), env=env)
    return result.exit_code, result.stdout, result.stderr


def items(root: Path) -> list[Item]:
    return list(load_project(root).items)


def verified_pairs(root: Path) -> set[tuple[str, str]]:
    """(software requirement, test case) for each verifies link, read from the items."""
    everything = items(root)
    requirements = {i.id for i in everything if i.kind == "software-requirement"}
    return {
        (target, test.id)
        for test in everything
        if test.kind == "test-case"
        for target in test.targets("verifies")
        if target in requirements
    }


def test_every_software_requirement_of_the_example_is_verified(
    runner: CliRunner, example: Path
) -> None:
    code, out, _ = run(runner, coverage, "--path", str(example), "--format", "json")
    assert code == 0
    lines = {line["label"]: line for line in json.loads(out)["coverage"]}
    verified = lines["Software requirements verified by test cases"]
    files = [p for p in example.rglob("*.md") if "kind: software-requirement" in p.read_text()]
    assert (verified["covered"], verified["total"]) == (len(files), len(files))
    assert verified["percent"] == 100.0
    assert verified["uncovered"] == []
    code, out, _ = run(runner, coverage, "--path", str(example))
    assert code == 0
    shown = rf"Software requirements verified by test cases\s+{len(files)}/{len(files)}\s+100\.0%"
    assert re.search(shown, out)


def test_a_requirement_without_tests_lowers_the_coverage(runner: CliRunner, example: Path) -> None:
    tested = {source for source, _ in verified_pairs(example)}
    for path in example.rglob("TC-*.md"):
        path.write_text(re.sub(r"(?m)^verifies: .*\n", "", path.read_text("utf-8")), "utf-8")
    code, out, _ = run(runner, coverage, "--path", str(example), "--format", "json")
    lines = {line["label"]: line for line in json.loads(out)["coverage"]}
    line = lines["Software requirements verified by test cases"]
    assert code == 0
    assert (line["covered"], line["percent"]) == (0, 0.0)
    assert set(line["uncovered"]) == tested


def test_the_csv_has_one_line_per_pair(runner: CliRunner, example: Path) -> None:
    code, out, _ = run(runner, trace, "--path", str(example), *SRS_TO_TC, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["source", "source_title", "target", "target_title", "chain"]
    pairs = verified_pairs(example)
    assert len(rows) - 1 == len(pairs)
    assert {(row[0], row[2]) for row in rows[1:]} == pairs
    assert all(row[4] == f"{row[0]} {row[2]}" for row in rows[1:])


def test_the_csv_lists_an_uncovered_source_with_an_empty_target(
    runner: CliRunner, example: Path
) -> None:
    everything = items(example)
    designed = {
        t for i in everything if i.kind == "detailed-design" for t in i.targets("design-of")
    }
    bare = sorted(i.id for i in everything if i.kind == "software-unit" and i.id not in designed)
    assert bare, "the example must have a software unit without a detailed design"
    args = ("--from", "software-unit", "--to", "detailed-design", "--format", "csv")
    code, out, _ = run(runner, trace, "--path", str(example), *args)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(row["source"] for row in rows if row["target"] == "") == bare


def test_the_workbook_shades_uncovered_rows(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    output = tmp_path / "units.xlsx"
    args = ("--from", "software-unit", "--to", "detailed-design", "--format", "xlsx")
    code, _, _ = run(runner, trace, "--path", str(example), *args, "--output", str(output))
    assert code == 0
    workbook = openpyxl.load_workbook(output)
    sheet = workbook["Trace matrix"]
    shaded = sorted(
        row[0].value for row in sheet.iter_rows(min_row=2) if row[0].fill.fill_type == "solid"
    )
    unmarked = sorted(
        row[0].value for row in sheet.iter_rows(min_row=2) if all(c.value != "X" for c in row[2:])
    )
    assert shaded == unmarked
    assert shaded, "the example must have a software unit without a detailed design"
    facts = {row[0].value: row[1].value for row in workbook["Coverage"].iter_rows(max_row=8)}
    assert facts["Total"] == sheet.max_row - 1
    assert facts["Covered"] == facts["Total"] - len(shaded)


def test_the_workbook_has_a_header_and_an_x_per_link(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "trace.xlsx"
    args = (*SRS_TO_TC, "--format", "xlsx")
    code, _, err = run(runner, trace, "--path", str(example), *args, "--output", str(output))
    assert code == 0, err
    first = output.read_bytes()
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == ["Trace matrix", "Coverage"]
    sheet = workbook["Trace matrix"]
    header = [cell.value for cell in sheet[1]]
    tests = sorted(i.id for i in items(example) if i.kind == "test-case")
    assert header == ["ID", "Title", *tests]
    assert sheet["A1"].font.b and sheet["C1"].font.b
    assert sheet.freeze_panes == "C2"
    marked = {
        (sheet.cell(row=cell.row, column=1).value, header[cell.column - 1])
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value == "X"
    }
    pairs = verified_pairs(example)
    x_count = sum(1 for row in sheet.iter_rows() for cell in row if cell.value == "X")
    assert x_count == len(pairs)
    assert marked == pairs
    # The same project and date give the same bytes.
    code, _, _ = run(runner, trace, "--path", str(example), *args, "--output", str(output))
    assert code == 0
    assert output.read_bytes() == first
    assert workbook.properties.created == datetime(1970, 1, 1)  # SOURCE_DATE_EPOCH=0


def test_the_html_escapes_titles_and_links_rows(runner: CliRunner, example: Path) -> None:
    for path in ("requirements/software/SRS-001.md", "tests/unit/TC-001.md"):
        file = example / path
        script = f"<script>alert('{file.stem}')</script>"
        text = re.sub(r"(?m)^title: .*$", f'title: "{script}"', file.read_text("utf-8"), count=1)
        file.write_text(text, "utf-8")
    code, out, _ = run(runner, trace, "--path", str(example), *SRS_TO_TC, "--format", "html")
    assert code == 0
    assert "<script>" not in out
    for stem in ("SRS-001", "TC-001"):  # a source row and a target
        assert f"&lt;script&gt;alert(&#x27;{stem}&#x27;)&lt;/script&gt;" in out
    args = ("--from", "system-requirement", "--to", "test-case", "--format", "html")
    code, out, _ = run(
        runner, trace, "--path", str(example), *args, "--via", "derived-from<,verifies<"
    )
    assert code == 0
    assert "<script>" not in out
    assert out.count("&lt;script&gt;alert(&#x27;SRS-001&#x27;)") == 1  # passed on the way
    anchors = set(re.findall(r'id="([^"]+)"', out))
    links = set(re.findall(r'href="#([^"]+)"', out))
    assert {"SYS-001", "SRS-001", "TC-001"} <= links
    assert links <= anchors


def test_the_text_table_fits_80_columns(runner: CliRunner, example: Path) -> None:
    code, out, _ = run(runner, trace, "--path", str(example), *SRS_TO_TC)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    count = sum(1 for i in items(example) if i.kind == "software-requirement")
    assert out.splitlines()[-2:] == [
        f"{count} of {count} software-requirement reach a test-case (100.0%); "
        f"{len(verified_pairs(example))} links",
        "route: verifies<",
    ]


def test_usage_errors_exit_2_with_one_line(runner: CliRunner, example: Path) -> None:
    code, _, err = run(
        runner, trace, "--path", str(example), "--from", "requirement", "--to", "test-case"
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "unknown kind 'requirement'" in err
    assert "software-requirement" in err
    code, _, err = run(runner, trace, "--path", str(example), *SRS_TO_TC, "--via", "verifies")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "malformed path step 'verifies'" in err
    code, _, err = run(runner, trace, "--path", str(example), *SRS_TO_TC, "--format", "xlsx")
    assert code == 2
    assert "--output" in err


def test_orphans_exit_1_and_name_the_lone_items(runner: CliRunner, example: Path) -> None:
    code, out, _ = run(runner, orphans, "--path", str(example))
    assert code == 0
    assert out.endswith("no orphans\n")
    lone = example / "risk" / "hazards" / "HAZ-900.md"
    lone.write_text("---\nid: HAZ-900\nkind: hazard\ntitle: Lone hazard\n---\nText.\n", "utf-8")
    code, out, _ = run(runner, orphans, "--path", str(example), "--format", "json")
    assert code == 1
    found = json.loads(out)["orphans"]
    assert [(o["id"], o["path"]) for o in found] == [("HAZ-900", "risk/hazards/HAZ-900.md")]


def test_a_title_like_a_formula_stays_text_in_the_workbook(
    runner: CliRunner, example: Path, tmp_path: Path
) -> None:
    file = example / "requirements" / "software" / "SRS-001.md"
    text = file.read_text("utf-8")
    file.write_text(re.sub(r"(?m)^title: .*$", 'title: "=1+1"', text, count=1), "utf-8")
    output = tmp_path / "trace.xlsx"
    code, _, _ = run(
        runner, trace, "--path", str(example), *SRS_TO_TC, "--format", "xlsx", "-o", str(output)
    )
    assert code == 0
    cell = openpyxl.load_workbook(output)["Trace matrix"]["B2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_csv_titles_cannot_run_as_formulas(example: Path) -> None:
    import csv as csv_module
    import io

    from medtrace.api.trace import trace as trace_api
    from medtrace.export.trace import trace_csv

    requirement = example / "requirements" / "software" / "SRS-001.md"
    text = requirement.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    requirement.write_text(text.replace(title, 'title: "=HYPERLINK(\\"x\\")"'), "utf-8")
    rows = list(
        csv_module.reader(
            io.StringIO(trace_csv(trace_api(example, "software-requirement", "test-case").matrix))
        )
    )
    titles = {row[1] for row in rows if row[0] == "SRS-001"}
    assert titles == {'\'=HYPERLINK("x")'}

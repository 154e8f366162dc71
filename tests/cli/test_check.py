"""``medtrace check`` through the command line: exit codes, output formats, acceptance."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from click.testing import CliRunner

from medtrace.cli import cli


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def as_json(runner: CliRunner, root: Path) -> dict[str, object]:
    code, out, _ = run(runner, "check", "--path", str(root), "--format", "json")
    document = json.loads(out)
    assert isinstance(document, dict)
    document["exit"] = code
    return document


def test_the_example_checks_clean(runner: CliRunner, committed: Path) -> None:
    code, out, _ = run(runner, "check", "--path", str(committed))
    assert code == 0, out
    assert "0 errors" in out


def test_deleting_a_derived_from_requirement_flags_every_referring_file(
    runner: CliRunner, example: Path
) -> None:
    target = example / "requirements" / "system" / "SYS-001.md"
    referring = sorted(
        path.relative_to(example).as_posix()
        for path in example.rglob("*.md")
        if re.search(r"derived-from:.*\bSYS-001\b", path.read_text("utf-8"), re.S)
        and path != target
    )
    assert referring, "the example must derive software requirements from SYS-001"
    target.unlink()
    document = as_json(runner, example)
    assert document["exit"] == 1
    findings = document["findings"]
    assert isinstance(findings, list)
    dangling = sorted(
        f["path"]
        for f in findings
        if f["code"] == "link/dangling" and "derived-from SYS-001" in f["message"]
    )
    assert dangling == referring


def test_a_corrupt_front_matter_names_its_file_and_line_and_the_rest_is_checked(
    runner: CliRunner, example: Path
) -> None:
    broken = example / "requirements" / "software" / "SRS-002.md"
    lines = broken.read_text("utf-8").splitlines()
    lines[3] = "title: [this bracket is never closed"
    broken.write_text("\n".join(lines) + "\n", "utf-8")
    unknown = example / "requirements" / "software" / "SRS-003.md"
    unknown.write_text(
        unknown.read_text("utf-8").replace("status: approved", "status: nope"), "utf-8"
    )
    document = as_json(runner, example)
    assert document["exit"] == 1
    findings = document["findings"]
    assert isinstance(findings, list)
    by_path = {f["path"]: f for f in findings}
    yaml_finding = by_path["requirements/software/SRS-002.md"]
    assert yaml_finding["code"] == "file/yaml-invalid"
    assert yaml_finding["line"] == 4  # where the unclosed bracket opens
    assert by_path["requirements/software/SRS-003.md"]["code"] == "item/field-invalid"
    assert isinstance(document["items"], int)


def test_json_findings_have_the_documented_keys(
    runner: CliRunner, project: Path, write_item
) -> None:
    write_item("SRS-1", "software-requirement", derived_from=["SYS-404"])
    document = as_json(runner, project)
    assert document["exit"] == 1
    findings = document["findings"]
    assert isinstance(findings, list)
    assert [f for f in findings if not f["code"].startswith("62304.")] == [
        {
            "code": "link/dangling",
            "clause": None,
            "severity": "error",
            "item": "SRS-1",
            "path": "items/SRS-1.md",
            "line": 5,
            "message": "SRS-1 derived-from SYS-404, which does not exist",
        }
    ]
    assert document["counts"] == {"info": 1, "warning": 0, "error": 1}  # + no software system


def test_warnings_fail_only_when_asked(runner: CliRunner, project: Path, write_item) -> None:
    write_item("SYS-1", "system-requirement")
    write_item("SRS-1", "software-requirement", derived_from=["SYS-1", "SYS-1"])
    assert run(runner, "check", "--path", str(project))[0] == 0
    assert run(runner, "check", "--path", str(project), "--fail-on", "warning")[0] == 1


def test_text_output_reads_at_80_columns(runner: CliRunner, project: Path, write_item) -> None:
    write_item("SRS-1", "software-requirement", derived_from=["SYS-404"])
    code, out, _ = run(runner, "check", "--path", str(project))
    assert code == 1
    assert "items/SRS-1.md:5" in out
    assert "link/dangling" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_folder_without_a_project_is_exit_2_with_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, out, err = run(runner, "check", "--path", str(tmp_path))
    assert code == 2
    assert out == ""
    assert "no medtrace.toml" in err
    assert len(err.strip().splitlines()) == 1


def test_a_broken_configuration_is_exit_2_naming_file_and_line(
    runner: CliRunner, project: Path
) -> None:
    (project / "medtrace.toml").write_text("[project\nname = 1\n", "utf-8")
    code, _, err = run(runner, "check", "--path", str(project))
    assert code == 2
    assert "medtrace.toml:1: not valid TOML" in err
    assert "Traceback" not in err


def test_check_finds_the_project_from_a_subfolder(runner: CliRunner, example: Path) -> None:
    code, out, _ = run(runner, "check", "--path", str(example / "requirements" / "software"))
    assert code == 0, out


def test_an_unknown_option_is_a_usage_error(runner: CliRunner, example: Path) -> None:
    assert run(runner, "check", "--path", str(example), "--format", "xml")[0] == 2


def test_a_file_name_that_is_not_utf8_is_a_finding(runner: CliRunner, project: Path) -> None:
    name = os.fsdecode(b"caf\xe9.md")
    (project / name).write_bytes(b"---\nid: A-1\nkind: hazard\ntitle: T\n---\n")
    code, out, _ = run(runner, "check", "--path", str(project), "--format", "json")
    assert code == 1
    (finding,) = [f for f in json.loads(out)["findings"] if not f["code"].startswith("62304.")]
    assert (finding["code"], finding["path"]) == ("file/unreadable", "caf\ufffd.md")


def test_no_rules_checks_only_files_and_links(runner: CliRunner, example: Path) -> None:
    (example / "design" / "DD-001.md").unlink()  # a rule gap and dangling links
    quick = json.loads(
        runner.invoke(
            cli, ["check", "--path", str(example), "--no-rules", "--format", "json"]
        ).stdout
    )
    full = json.loads(
        runner.invoke(cli, ["check", "--path", str(example), "--format", "json"]).stdout
    )
    assert {f["code"] for f in quick["findings"]} == {"link/dangling"}
    assert "62304.5.4.2/detailed-design-missing" in {f["code"] for f in full["findings"]}

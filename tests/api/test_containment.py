"""Issue 19, containment: every path medtrace reads or writes for a project is inside it
(after links are resolved), or refused in one line naming the setting or option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.api import load_project
from medtrace.api.classify import Answers, classify
from medtrace.api.migrate import import_needs, import_table
from medtrace.api.problems import import_problems
from medtrace.api.soup import sync_soup
from medtrace.cli.main import cli
from medtrace.errors import MedtraceError

SYSTEM = "---\nid: SWS-001\nkind: software-system\ntitle: Pump software\n---\nThe software.\n"
SECRET = "SECRET_TOKEN=hunter2-do-not-print\n"


def _outside(tmp_path: Path) -> Path:
    """A folder beside the project, which nothing may read or write."""
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    return folder


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _configure(project: Path, text: str) -> None:
    with (project / "medtrace.toml").open("a", encoding="utf-8") as config:
        config.write(text)


def test_a_table_import_refuses_an_id_that_leaves_the_project(
    project: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    table = tmp_path / "rows.csv"
    escape = "../../../outside/EVIL"
    table.write_text(f"id,title\nSRS-001,Fine\n{escape},Escapes\n", "utf-8")
    with pytest.raises(MedtraceError, match=r"id '\.\./\.\./\.\./outside/EVIL'") as raised:
        import_table(project, "software-requirement", table)
    assert "nothing was written" in str(raised.value)
    assert _files(outside) == []
    assert not (project / "imported").exists()


def test_an_import_under_an_item_path_outside_the_project_writes_nothing(
    project: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    (project / "medtrace.toml").write_text(
        '[project]\nname = "T"\npaths = ["../outside"]\n', "utf-8"
    )
    table = tmp_path / "rows.csv"
    table.write_text("id,title\nSRS-001,Fine\n", "utf-8")
    with pytest.raises(MedtraceError, match=r"\[project\] paths '\.\./outside'"):
        import_table(project, "software-requirement", table)
    assert _files(outside) == []


def test_classify_refuses_a_record_id_that_leaves_the_project(
    project: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    (project / "items").mkdir()
    (project / "items" / "SWS-001.md").write_text(SYSTEM, "utf-8")
    answers = Answers(
        system="SWS-001",
        contributes=False,
        unacceptable_risk=False,
        worst_harm=None,
        rationale="It cannot contribute.",
        record_id="../../outside/SCL-1",
    )
    with pytest.raises(MedtraceError, match="--id"):
        classify(project, answers)
    assert _files(outside) == []
    assert _files(project / "items") == ["SWS-001.md"]


FOLDER_SETTINGS = [
    ("[problems] folder", '\n[problems]\nfolder = "{path}"\n'),
    ("[soup] folder", '\n[soup]\nfolder = "{path}"\n'),
    ("[soup] sources", '\n[soup]\nsources = ["{path}/requirements.txt"]\n'),
    ("[soup] advisories", '\n[soup]\nadvisories = "{path}"\n'),
    ("[reqif] folder", '\n[reqif]\nfolder = "{path}"\n'),
    ("[docs] output", '\n[docs]\noutput = "{path}"\n'),
    ("[docs] templates", '\n[docs]\ntemplates = "{path}"\n'),
    ("[docs] reference-docx", '\n[docs]\nreference-docx = "{path}/styles.docx"\n'),
]


@pytest.mark.parametrize(("setting", "table"), FOLDER_SETTINGS, ids=[s for s, _ in FOLDER_SETTINGS])
@pytest.mark.parametrize("how", ["dot-dot", "absolute", "link"])
def test_a_folder_setting_outside_the_project_is_refused_naming_it(
    project: Path, tmp_path: Path, runner: CliRunner, setting: str, table: str, how: str
) -> None:
    outside = _outside(tmp_path)
    (outside / "requirements.txt").write_text(SECRET, "utf-8")
    if how == "dot-dot":
        path = "../outside"
    elif how == "absolute":
        path = outside.as_posix()
    else:
        (project / "linked").symlink_to(outside)
        path = "linked"
    _configure(project, table.format(path=path))
    result = runner.invoke(cli, ["check", "--path", str(project)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert setting in lines[0]
    assert "outside the project" in lines[0]
    assert "hunter2" not in result.output


def test_a_linked_soup_source_outside_the_project_is_not_echoed(
    project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    outside = _outside(tmp_path)
    (outside / "secrets.env").write_text(SECRET * 3, "utf-8")
    (project / "requirements.txt").symlink_to(outside / "secrets.env")
    _configure(project, '\n[soup]\nsources = ["requirements.txt"]\n')
    for command in (["check", "--path", str(project)], ["soup", "sync", "--path", str(project)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert "[soup] sources" in result.output
        assert "hunter2" not in result.output
    with pytest.raises(MedtraceError, match="outside the project"):
        sync_soup(project, sources=[project / "requirements.txt"])


def test_a_linked_item_file_outside_the_project_is_not_read(project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (outside / "SRS-9.md").write_text(
        "---\nid: SRS-9\nkind: software-requirement\ntitle: Secret\n---\n" + SECRET, "utf-8"
    )
    (project / "items").mkdir()
    (project / "items" / "SWS-001.md").write_text(SYSTEM, "utf-8")
    (project / "items" / "SRS-9.md").symlink_to(outside / "SRS-9.md")
    loaded = load_project(project)
    assert [item.id for item in loaded.items] == ["SWS-001"]
    refused = [f for f in loaded.diagnostics if f.location.path == "items/SRS-9.md"]
    assert [f.code for f in refused] == ["file/outside-project"]
    assert "hunter2" not in refused[0].message


def test_a_problem_folder_linked_outside_is_refused_before_writing(
    project: Path, tmp_path: Path
) -> None:
    outside = _outside(tmp_path)
    (project / "problems").symlink_to(outside)
    _configure(project, '\n[problems]\nfolder = "problems"\n')
    export = tmp_path / "issues.json"
    export.write_text(
        json.dumps(
            [
                {
                    "number": 1,
                    "title": "Crash",
                    "state": "open",
                    "labels": [],
                    "html_url": "https://github.com/o/r/issues/1",
                    "created_at": "2025-01-01T00:00:00Z",
                    "updated_at": "2025-01-01T00:00:00Z",
                    "closed_at": None,
                    "body": "",
                }
            ]
        ),
        "utf-8",
    )
    with pytest.raises(MedtraceError, match=r"\[problems\] folder"):
        import_problems(project, export)
    assert _files(outside) == []


def test_a_needs_import_with_a_reqif_folder_outside_is_not_concerned(
    project: Path, tmp_path: Path
) -> None:
    # Only the settings a command uses matter to it? No: a project whose settings
    # lead outside is refused by every command, so none can be fooled into using one.
    _configure(project, '\n[reqif]\nfolder = "../outside"\n')
    needs = tmp_path / "needs.json"
    needs.write_text(
        json.dumps(
            {
                "current_version": "1",
                "project": "p",
                "versions": {"1": {"needs": {"R_1": {"id": "R_1", "type": "req", "title": "A"}}}},
            }
        ),
        "utf-8",
    )
    with pytest.raises(MedtraceError, match=r"\[reqif\] folder"):
        import_needs(project, needs)


def test_a_source_named_inside_the_project_may_not_link_out_of_it(
    project: Path, tmp_path: Path, runner: CliRunner
) -> None:
    outside = _outside(tmp_path)
    (outside / "secrets.env").write_text(SECRET, "utf-8")
    (project / "requirements.txt").symlink_to(outside / "secrets.env")
    with pytest.raises(MedtraceError, match="links outside the project"):
        sync_soup(project, sources=[project / "requirements.txt"])
    result = runner.invoke(
        cli, ["soup", "sync", str(project / "requirements.txt"), "--path", str(project)]
    )
    assert result.exit_code == 2
    assert "hunter2" not in result.output
    # A file the person names outside the project is theirs to choose.
    (outside / "requirements.txt").write_text("click==8.1.7\n", "utf-8")
    report = sync_soup(project, sources=[outside / "requirements.txt"], dry_run=True)
    assert [component.name for _, component in report.created] == ["click"]


def test_a_linked_advisory_outside_the_project_is_not_read(
    example: Path, tmp_path: Path, runner: CliRunner
) -> None:
    outside = _outside(tmp_path)
    (outside / "GHSA-secret.json").write_text('{"id": "' + SECRET.strip() + '"}', "utf-8")
    (example / "soup" / "advisories" / "GHSA-linked.json").symlink_to(outside / "GHSA-secret.json")
    from medtrace.api.soup import audit_soup

    findings = audit_soup(example).findings
    refused = [f for f in findings if "GHSA-linked.json" in f.location.path]
    assert [f.code for f in refused] == ["osv/outside-project"]
    result = runner.invoke(cli, ["check", "--path", str(example)])
    assert "osv/outside-project" in result.output
    assert "hunter2" not in result.output


def test_a_linked_template_outside_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (outside / "document.html").write_text(SECRET, "utf-8")
    (project / "templates").mkdir()
    (project / "templates" / "document.html").symlink_to(outside / "document.html")
    _configure(project, '\n[docs]\ntemplates = "templates"\n')
    from medtrace.api.documents import build_documents

    with pytest.raises(MedtraceError, match=r"\[docs\] templates .*document.html"):
        build_documents(project, formats=("html",))
    assert not (project / "build").exists()


def test_a_linked_test_run_outside_the_project_is_not_read(project: Path, tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    (outside / "run.json").write_text('{"' + SECRET.strip() + '": 1}', "utf-8")
    runs = project / "verification" / "runs"
    runs.mkdir(parents=True)
    (runs / "20250101T000000Z-linked.json").symlink_to(outside / "run.json")
    from medtrace.store.runs import load_runs

    loaded, findings = load_runs(project, runs)
    assert loaded == ()
    assert [f.code for f in findings] == ["results/outside-project"]
    assert "hunter2" not in findings[0].message

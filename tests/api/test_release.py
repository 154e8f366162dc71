"""Releases (5.8): the check lists what blocks a release; make archives, tags and records.

The example is committed to a real git repository, its own suite's passing results
are imported bound to the tagged commit (v1.2.0) and committed afterwards: results
of a commit count for later commits that only add runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import subprocess
import sys
import types
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration

from medtrace.api.check import CheckOptions, check_project
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.release import RELEASE_TAG_PREFIX, release_check
from medtrace.api.release_make import ReleaseBlockedError, release_make
from medtrace.api.results import import_results
from medtrace.cli.context import Context
from medtrace.cli.release import release
from medtrace.errors import ProjectError
from medtrace.store.git import GitError

NO_CACHE = LoadOptions(use_cache=False)
VERSION = "1.2.0"
TAG = f"{RELEASE_TAG_PREFIX}{VERSION}"
PASSING_CASE = (
    '<testcase classname="tests.unit.test_bolus" '
    'name="test_bolus_stroke_timing_and_distribution"'
)  # TC-006, which verifies SRS-004 and SRS-005


def commit(git: Git, message: str) -> str:
    git("add", "-A")
    git("commit", "-qm", message)
    return git("rev-parse", "HEAD").strip()


def open_a_change_request(project: Path) -> None:
    """CR-004 back to implemented: a change in the code whose request is not closed."""
    path = project / "changes" / "CR-004.md"
    text = path.read_text("utf-8")
    assert "state: closed" in text
    path.write_text(text.replace("state: closed", "state: implemented", 1), "utf-8")


def make_repo(example: Path, report: Path, *, open_change: bool) -> Git:
    if open_change:
        open_a_change_request(example)
    git = git_in(example)
    git("init", "-q")
    git("config", "user.name", "Ada Tester")
    git("config", "user.email", "ada@example.com")
    commit(git, "InsuPump 1.2.0")
    git("tag", "v1.2.0")
    now = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)
    import_results(example, [report], revision="v1.2.0", now=now)
    commit(git, "Results of v1.2.0")
    return git


@pytest.fixture
def repo(
    example: Path, example_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Git]:
    """The example with CR-004 implemented but not closed, committed, with its passing
    results bound to v1.2.0."""
    shut_out_git_configuration(monkeypatch, tmp_path)
    return example, make_repo(example, example_report, open_change=True)


@pytest.fixture
def ready(
    example: Path, example_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Git]:
    """The example as it is, committed, with its passing results bound to v1.2.0."""
    shut_out_git_configuration(monkeypatch, tmp_path)
    return example, make_repo(example, example_report, open_change=False)


@dataclass(frozen=True)
class _Built:
    files: tuple[Path, ...]


@pytest.fixture(autouse=True)
def documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real document builder when it exists; else a stand-in writing one file."""
    if importlib.util.find_spec("medtrace.api.documents") is not None:
        return

    def build_documents(
        start: Path, output: Path | None = None, formats: Sequence[str] = ("html", "md")
    ) -> _Built:
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
        path = output / "SDP.md"
        path.write_text(f"# Development plan of {start.name}\n", "utf-8")
        return _Built(files=(path,))

    module = types.ModuleType("medtrace.api.documents")
    module.build_documents = build_documents  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "medtrace.api.documents", module)


def failing_report(report: Path, folder: Path) -> Path:
    """A copy of ``report`` in which TC-006's test failed."""
    text = report.read_text("utf-8")
    start = text.index(PASSING_CASE)
    end = text.index("</testcase>", start)
    failure = '<failure message="assert 99 == 100">assert 99 == 100</failure>'
    copy = folder / "junit-failing.xml"
    copy.write_text(text[:end] + failure + text[end:], "utf-8")
    return copy


def tags(git: Git) -> list[str]:
    return git("tag", "-l").split()


def test_a_change_request_implemented_but_not_closed_blocks_the_release(
    repo: tuple[Path, Git],
) -> None:
    project, git = repo
    check = release_check(project, VERSION, options=NO_CACHE)
    assert check.revision == git("rev-parse", "HEAD").strip()
    assert git("rev-parse", "v1.2.0").strip() in check.tested  # only runs were added since
    assert [(r.clause, r.code, r.message) for r in check.reasons] == [
        (
            "8.2",
            "release/change-open",
            "change requests implemented but not closed: CR-004 (implemented)",
        )
    ]
    assert not check.passed
    # PR-005 (fixed in 1.2.0) affects only 1.1.0: it is no known anomaly of 1.2.0 (5.8.2).
    assert [a.split(" ")[0] for a in check.anomalies] == ["PR-001", "PR-002", "PR-003"]
    assert check.anomaly_ids == ("PR-001", "PR-002", "PR-003")


def test_a_failing_test_blocks_the_release_until_it_passes_again(
    ready: tuple[Path, Git], example_report: Path, tmp_path: Path
) -> None:
    project, git = ready
    assert release_check(project, VERSION, options=NO_CACHE).reasons == ()

    later = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    import_results(project, [failing_report(example_report, tmp_path)], revision="HEAD", now=later)
    dirty = release_check(project, VERSION, options=NO_CACHE)
    assert dirty.reasons[0].code == "release/uncommitted-changes"
    commit(git, "Results with TC-006 failing")
    check = release_check(project, VERSION, options=NO_CACHE)
    assert [str(r) for r in check.reasons] == [
        "5.8.1 release/test-failed: TC-006 failed: SRS-004, SRS-005, SWU-002",
        "5.8.6 release/clause-gap: compliance matrix gaps at class C: 5.5.5, 5.7.1",
    ]

    import_results(project, [example_report], revision="HEAD", now=later + dt.timedelta(hours=1))
    commit(git, "Results with TC-006 passing again")
    assert release_check(project, VERSION, options=NO_CACHE).passed


def test_results_of_an_older_commit_do_not_count_after_a_change(ready: tuple[Path, Git]) -> None:
    project, git = ready
    srs = project / "requirements" / "software" / "SRS-004.md"
    srs.write_text(srs.read_text("utf-8") + "\nA clarification.\n", "utf-8")
    commit(git, "Clarify SRS-004")
    check = release_check(project, VERSION, options=NO_CACHE)
    (reason,) = [r for r in check.reasons if r.code == "release/verification-incomplete"]
    assert reason.message.startswith("not run at ") and "SRS-004 (TC-" in reason.message


def test_bad_input_is_refused_in_one_line(ready: tuple[Path, Git]) -> None:
    project, _ = ready
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        release_check(project, VERSION, "nope", options=NO_CACHE)
    with pytest.raises(ProjectError, match="malformed"):
        release_check(project, "1.2 beta", options=NO_CACHE)
    result = CliRunner().invoke(
        release, ["check", VERSION, "--path", str(project), "--revision", "nope"], obj=Context()
    )
    assert result.exit_code == 2 and "unknown revision" in result.output


def test_make_archives_tags_and_records_the_release(
    ready: tuple[Path, Git], tmp_path: Path
) -> None:
    project, git = ready
    head = git("rev-parse", "HEAD").strip()
    output = tmp_path / "out"
    count = len(load_project(project, NO_CACHE).items)
    made = release_make(project, VERSION, output=output, formats=("md",), options=NO_CACHE)

    assert made.archive == output / f"medtrace-release-{VERSION}.zip"
    data = made.archive.read_bytes()
    assert hashlib.sha256(data).hexdigest() == made.archive_sha256
    with zipfile.ZipFile(made.archive) as archive:
        names = archive.namelist()
        assert names == sorted(names) and "MANIFEST.json" in names
        stamps = {info.date_time for info in archive.infolist()}
        manifest = json.loads(archive.read("MANIFEST.json"))
        members = {name: archive.read(name) for name in names if name != "MANIFEST.json"}
    assert len(stamps) == 1
    assert (manifest["version"], manifest["commit"]) == (VERSION, head)
    assert manifest["date"] == git("log", "-1", "--format=%cI").strip()
    assert manifest["tools"]["medtrace"] and manifest["tools"]["python"]
    assert "typst" in manifest["tools"]
    assert {s["id"] for s in manifest["soup"]} >= {"SOUP-001", "SOUP-003"}
    # Every document in the archive, and only those, with its hash.
    assert {d["path"]: d["sha256"] for d in manifest["files"]} == {
        name: hashlib.sha256(content).hexdigest() for name, content in members.items()
    }
    documents = [name for name in members if name.startswith("documents/")]
    assert documents
    runs = [name for name in members if name.startswith("evidence/runs/")]
    assert len(runs) == 1  # the run bound to the released commit
    assert json.loads(members[runs[0]])["commit"] == git("rev-parse", "v1.2.0").strip()
    assert [n for n in members if n.startswith("evidence/records/")]  # the manual records
    sbom = json.loads(members["sbom.cdx.json"])
    assert sbom["bomFormat"] == "CycloneDX" and sbom["components"]
    assert set(members) == {*documents, *(n for n in members if n.startswith("evidence/")),
                            "sbom.cdx.json"}  # fmt: skip
    # Every item file of the project at the commit, with the hash of its bytes there.
    items = manifest["configuration_items"]
    assert len(items) == count
    for entry in items:
        blob = git_bytes(project, f"{head}:{entry['path']}")
        assert hashlib.sha256(blob).hexdigest() == entry["sha256"], entry["path"]
    assert {"path": "changes/CR-004.md", "id": "CR-004"}.items() <= next(
        e for e in items if e["id"] == "CR-004"
    ).items()

    assert TAG in tags(git)
    assert git("rev-parse", f"{TAG}^{{commit}}").strip() == head
    message = git("tag", "-l", "--format=%(contents)", TAG)
    assert message.startswith(f"medtrace release {VERSION}\n") and made.archive_sha256 in message

    record = project / "releases" / f"REL-{VERSION}.md"
    assert made.record == record
    text = record.read_text("utf-8")
    assert f"id: REL-{VERSION}" in text and "kind: release" in text
    assert f'revision: "{head}"' in text and f"date: {manifest['date'][:10]}" in text
    assert "build: |-" in text and "No build command, CI run or artifact" in text
    assert manifest["release_record"]["sha256"] == hashlib.sha256(record.read_bytes()).hexdigest()
    record_item = next(i for i in load_project(project, NO_CACHE).items if i.id == f"REL-{VERSION}")
    assert record_item.field("version") == VERSION

    # Released once: the check says so, and a second make is refused.
    again = release_check(project, VERSION, options=NO_CACHE)
    assert {r.code for r in again.reasons} == {
        "release/already-released",  # the tag, and the record
        "release/uncommitted-changes",  # the record, to be committed
        # Released without --artifact: the record lists no delivered files (5.8.8).
        "release/open-findings",
        "release/clause-gap",
    }
    opened = [r for r in again.reasons if r.code == "release/open-findings"]
    assert [r.message.split(":")[0] for r in opened] == ["62304.5.8.8/artifacts-not-recorded"]
    assert 'known-anomalies:\n  - "PR-001"' in text
    with pytest.raises(GitError, match="already released"):
        release_make(project, VERSION, output=tmp_path / "again", formats=("md",), options=NO_CACHE)


def test_a_blocked_release_without_justification_writes_nothing(
    repo: tuple[Path, Git], tmp_path: Path
) -> None:
    project, git = repo
    output = tmp_path / "out"
    with pytest.raises(ReleaseBlockedError, match="blocked by 1 reason;") as raised:
        release_make(project, VERSION, output=output, formats=("md",), options=NO_CACHE)
    assert raised.value.check.reasons[0].code == "release/change-open"
    assert not output.exists()
    assert not (project / "releases" / f"REL-{VERSION}.md").exists()
    assert TAG not in tags(git)
    assert git("status", "--porcelain") == ""

    result = CliRunner().invoke(
        release,
        ["make", VERSION, "--path", str(project), "--output", str(output), "--format", "md"],
        obj=Context(),
    )
    assert result.exit_code == 1, result.output
    assert "CR-004 (implemented)" in " ".join(result.output.split())  # reasons are wrapped
    assert not output.exists() and TAG not in tags(git)


def test_a_justification_overrides_the_check_and_is_recorded(
    repo: tuple[Path, Git], tmp_path: Path
) -> None:
    project, git = repo
    why = "CR-004 is verified; it is closed at the next change board meeting."
    made = release_make(
        project, VERSION, justification=why, output=tmp_path / "out", formats=("md",),
        options=NO_CACHE,
    )  # fmt: skip
    text = made.record.read_text("utf-8")
    assert f"Justification: {why}" in text and "release/change-open" in text
    assert made.manifest["justification"] == why
    assert made.manifest["overridden"] == [str(made.check.reasons[0])]
    assert why in git("tag", "-l", "--format=%(contents)", TAG)
    # The record says, as data, what it was released over (5.8.6): check reports it.
    record = next(i for i in load_project(project, NO_CACHE).items if i.id == f"REL-{VERSION}")
    assert record.field("overridden") == (str(made.check.reasons[0]),)
    assert record.field("justification") == why
    over = [
        f
        for f in check_project(project, CheckOptions(load=NO_CACHE)).findings
        if f.item == record.id
    ]
    assert [f.code for f in over if "released-over" in f.code] == [
        "62304.5.8.6/released-over-reasons"
    ]


def test_the_cli_check_exits_1_with_every_reason(repo: tuple[Path, Git]) -> None:
    project, _ = repo
    result = CliRunner().invoke(release, ["check", VERSION, "--path", str(project)], obj=Context())
    assert result.exit_code == 1, result.output
    assert "8.2 release/change-open: change requests implemented but not closed" in result.output
    assert "1 reason(s) block the release" in result.output


def test_the_cli_check_exits_0_when_it_passes(ready: tuple[Path, Git]) -> None:
    project, _ = ready
    result = CliRunner().invoke(
        release, ["check", VERSION, "--path", str(project), "--format", "json"], obj=Context()
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["passed"] is True and document["reasons"] == []


def _wide_lines(project: Path) -> list[str]:
    result = CliRunner().invoke(release, ["check", VERSION, "--path", str(project)], obj=Context())
    assert result.exit_code in (0, 1), result.output
    assert "may be released." in result.output or "block the release:" in result.output
    return [line for line in result.output.splitlines() if len(line) > 80]


def test_a_blocked_release_check_is_read_at_80_columns(repo: tuple[Path, Git]) -> None:
    assert _wide_lines(repo[0]) == []


def test_a_passing_release_check_is_read_at_80_columns(ready: tuple[Path, Git]) -> None:
    assert _wide_lines(ready[0]) == []


def git_bytes(project: Path, name: str) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(project), "show", name], capture_output=True, check=True
    )
    return done.stdout

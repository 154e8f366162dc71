"""Changes as git records them: a project at a revision, diffs, item history, baselines.

Every test builds a real git repository in ``tmp_path`` (the user's git
configuration is shut out) and commits to it with the git command line.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from medtrace.api import init_project, load_project
from medtrace.api.baseline import create_baseline, list_baselines, read_baseline
from medtrace.api.diff import diff, diff_projects
from medtrace.api.history import item_history
from medtrace.api.revision import locate, project_at, read_revisions
from medtrace.cli.changes import baseline, history
from medtrace.cli.changes import diff as diff_command
from medtrace.cli.context import Context
from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.diff import diff_html, diff_json, diff_markdown, history_json
from medtrace.model import Project
from medtrace.model.change import FieldChange, LinkRef
from medtrace.store.git import GitError

SOFTWARE = Path("requirements") / "software"
Git = Callable[..., str]


def shut_out_git_configuration(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """No user or system git configuration, and no repository inherited from a hook."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    (folder / "gitconfig").write_text("", "utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(folder / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)


def git_in(repo: Path) -> Git:
    """``git(*args)`` in ``repo``: its standard output; fails the test if git fails."""

    def git(*args: str) -> str:
        command = ["git", "-C", str(repo), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    return git


def make_git(repo: Path) -> Git:
    """A new repository in ``repo`` with a local identity."""
    repo.mkdir(parents=True, exist_ok=True)
    git = git_in(repo)
    git("init", "-q")
    git("config", "user.name", "Ada Tester")
    git("config", "user.email", "ada@example.com")
    return git


def commit(git: Git, message: str) -> str:
    git("add", "-A")
    git("commit", "-q", "-m", message)
    return git("rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), "utf-8")


NEW_ITEM = """\
---
id: SRS-099
kind: software-requirement
title: Limit <b>bolus</b> & "priming" volume
status: draft
category: functional
derived-from: [SYS-001]
---
The software shall limit the priming volume to 30 U.
"""


def change_five_items(root: Path) -> None:
    """One field, one body and one link changed; one item added, one deleted."""
    software = root / SOFTWARE
    edit(software / "SRS-001.md", "category: data", "category: functional")
    body = software / "SRS-002.md"
    body.write_text(body.read_text("utf-8") + "The carry shall survive a restart.\n", "utf-8")
    edit(software / "SRS-003.md", "derived-from: [SYS-002]", "derived-from: [SYS-002, SYS-001]")
    (software / "SRS-099.md").write_text(NEW_ITEM, "utf-8")
    (software / "SRS-012.md").unlink()


@pytest.fixture(scope="module")
def committed_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project at the top of a repository, committed once (copied per test)."""
    folder = tmp_path_factory.mktemp("template")
    repo = folder / "repo"
    with pytest.MonkeyPatch.context() as monkeypatch:
        shut_out_git_configuration(monkeypatch, folder)
        init_project(repo, example="infusion-pump")
        commit(make_git(repo), "Import the example")
    return repo


@pytest.fixture
def pump_repo(committed_example: Path, tmp_path: Path) -> tuple[Path, Git]:
    """A fresh copy of :func:`committed_example`."""
    repo = tmp_path / "repo"
    shutil.copytree(committed_example, repo, symlinks=True)
    return repo, git_in(repo)


# --- (a) the acceptance: diff reports exactly what changed ----------------------------


def test_diff_reports_each_change_field_by_field(pump_repo: tuple[Path, Git]) -> None:
    repo, git = pump_repo
    change_five_items(repo)
    commit(git, "Five changes")

    found = diff(repo, "HEAD~1", "HEAD")

    assert [item.id for item in found.added] == ["SRS-099"]
    assert [item.id for item in found.removed] == ["SRS-012"]
    assert [change.id for change in found.changed] == ["SRS-001", "SRS-002", "SRS-003"]
    assert found.moved == ()
    assert found.suspect is None
    assert not found.config_changed
    field, body, link = found.changed
    assert field.fields == (FieldChange(name="category", old="data", new="functional"),)
    assert (field.body_diff, field.links_added, field.links_removed) == ("", (), ())
    assert field.title_change is None and field.kind_change is None
    assert body.fields == () and body.links_added == () and body.links_removed == ()
    assert body.body_diff.startswith(
        "--- a/requirements/software/SRS-002.md\n+++ b/requirements/software/SRS-002.md\n@@ "
    )
    assert "\n+The carry shall survive a restart.\n" in body.body_diff
    assert [line[0] for line in body.body_diff.splitlines()[2:] if line[0] in "+-"] == ["+"]
    assert link.fields == () and link.body_diff == ""
    assert link.links_added == (LinkRef(role="derived-from", target="SYS-001"),)
    assert link.links_removed == ()
    assert found.old_label.startswith("HEAD~1 (") and found.new_label.startswith("HEAD (")


def test_the_working_tree_is_the_default_new_side(pump_repo: tuple[Path, Git]) -> None:
    repo, _ = pump_repo
    assert diff(repo, "HEAD").empty
    change_five_items(repo)
    found = diff(repo / SOFTWARE, "HEAD")  # any folder inside the project will do
    assert [c.id for c in found.changed] == ["SRS-001", "SRS-002", "SRS-003"]
    assert found.new_label == "WORKTREE"


def test_a_clean_revision_reads_like_the_working_tree(pump_repo: tuple[Path, Git]) -> None:
    repo, _ = pump_repo
    assert project_at(repo, "HEAD").items == load_project(repo).items


def test_borrowing_unchanged_files_from_the_working_tree_changes_nothing(
    pump_repo: tuple[Path, Git],
) -> None:
    repo, git = pump_repo
    change_five_items(repo)
    edit(repo / SOFTWARE / "SRS-004.md", "title: ", "title: Renamed ")
    commit(git, "Five changes")
    edit(repo / SOFTWARE / "SRS-004.md", "title: Renamed ", "title: ")  # back, uncommitted
    (repo / SOFTWARE / "SRS-005.md").write_text("---\nid: [\n---\n", "utf-8")  # broken
    located = locate(repo)
    commits = [git("rev-parse", rev).strip() for rev in ("HEAD~1", "HEAD")]
    worktree = load_project(repo)
    borrowed = read_revisions(located, commits, worktree=worktree)
    assert borrowed == read_revisions(located, commits)
    reused = {id(item) for item in worktree.items}
    assert sum(id(item) in reused for item in borrowed[1].project.items) > 300
    differing = (("SRS-001", "SRS-002", "SRS-003", "SRS-005", "SRS-012"), ("SRS-004", "SRS-005"))
    for snapshot, changed in zip(borrowed, differing, strict=True):
        taken = {i.id for i in snapshot.project.items if id(i) in reused}
        assert taken == {i.id for i in snapshot.project.items} - set(changed)


def test_moves_and_the_suspect_hook(pump_repo: tuple[Path, Git]) -> None:
    repo, git = pump_repo
    git("mv", str(SOFTWARE / "SRS-001.md"), str(SOFTWARE / "basal-profile.md"))
    commit(git, "Rename")
    old, new = project_at(repo, "HEAD~1"), project_at(repo, "HEAD")

    def suspects(project: Project) -> frozenset[str]:
        return frozenset(i.id for i in project.items if i.source.path.endswith("basal-profile.md"))

    found = diff_projects(old, new, suspects=suspects)
    assert found.changed == ()
    assert [(m.id, m.old_path, m.new_path) for m in found.moved] == [
        ("SRS-001", "requirements/software/SRS-001.md", "requirements/software/basal-profile.md")
    ]
    assert found.suspect == ("SRS-001",)


def test_the_diff_renders_as_markdown_json_and_escaped_html(pump_repo: tuple[Path, Git]) -> None:
    repo, git = pump_repo
    change_five_items(repo)
    commit(git, "Five changes")
    found = diff(repo, "HEAD~1", "HEAD")

    markdown = diff_markdown(found)
    assert "| added | 1 |" in markdown and "| changed | 3 |" in markdown
    assert markdown.index("## Added") < markdown.index("## Removed") < markdown.index("## Changed")
    assert "| category | data | functional |" in markdown
    assert "```diff\n--- a/requirements/software/SRS-002.md" in markdown
    assert r"Limit \<b\>bolus\</b\> & " in markdown

    document = json.loads(diff_json(found))
    assert document["counts"] == {"added": 1, "removed": 1, "changed": 3, "moved": 0}
    assert document["changed"][2]["links_added"] == [{"role": "derived-from", "target": "SYS-001"}]
    assert document["changed"][0]["fields"] == [
        {"name": "category", "old": "data", "new": "functional"}
    ]

    page = diff_html(found)
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>bolus" not in page
    assert "Limit &lt;b&gt;bolus&lt;/b&gt; &amp; &quot;priming&quot; volume" in page
    assert diff_json(found) == diff_json(diff(repo, "HEAD~1", "HEAD"))  # deterministic


def test_reading_a_revision_costs_a_few_git_processes_whatever_its_size(
    pump_repo: tuple[Path, Git], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, git = pump_repo
    change_five_items(repo)
    commit(git, "Five changes")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args: list[str], **kwargs: object) -> object:
        calls.append(list(args))
        return real_run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", counting_run)
    diff(repo, "HEAD~1", "HEAD")
    cat_files = [call for call in calls if "cat-file" in call]
    assert len(cat_files) == 2  # the two configurations, then every item file at once
    assert len(calls) <= 10


# --- (b) history, across a rename ---------------------------------------------------


def test_history_lists_every_commit_across_a_rename(pump_repo: tuple[Path, Git]) -> None:
    repo, git = pump_repo
    edit(repo / SOFTWARE / "SRS-001.md", "status: approved", "status: in-review")
    commit(git, "Review the basal profile again")
    (repo / "requirements" / "basal").mkdir()
    git("mv", str(SOFTWARE / "SRS-001.md"), "requirements/basal/profile rules ü.md")
    commit(git, "Move the basal requirements")
    moved = repo / "requirements" / "basal" / "profile rules ü.md"
    edit(moved, "derived-from: [SYS-001]", "derived-from: [SYS-001, SYS-002]")
    edit(moved, "title: Basal profile structure", "title: Basal profile rules")
    commit(git, "Link the profile to temporary basal")
    (repo / "README.md").write_text("Another file changed.\n", "utf-8")
    commit(git, "Unrelated")  # does not touch the item: not in its history

    entries = item_history(repo, "SRS-001")

    assert [e.subject for e in entries] == [
        "Import the example",
        "Review the basal profile again",
        "Move the basal requirements",
        "Link the profile to temporary basal",
    ]
    assert [e.event for e in entries] == ["created", "changed", "moved", "changed"]
    assert [e.path for e in entries] == [
        "requirements/software/SRS-001.md",
        "requirements/software/SRS-001.md",
        "requirements/basal/profile rules ü.md",
        "requirements/basal/profile rules ü.md",
    ]
    created, reviewed, renamed, linked = entries
    assert created.change is None and created.item_id == "SRS-001"
    assert reviewed.change is not None
    assert reviewed.change.fields == (FieldChange(name="status", old="approved", new="in-review"),)
    assert not reviewed.body_changed
    assert renamed.change is not None
    assert renamed.change.old_path == "requirements/software/SRS-001.md"
    assert linked.change is not None
    assert linked.change.links_added == (LinkRef(role="derived-from", target="SYS-002"),)
    assert linked.change.title_change == ("Basal profile structure", "Basal profile rules")
    assert linked.change.fields == ()
    assert all(e.author == "Ada Tester" and e.date[:2] == "20" for e in entries)
    assert [r["event"] for r in json.loads(history_json("SRS-001", entries))["history"]] == [
        "created",
        "changed",
        "moved",
        "changed",
    ]


def test_history_of_an_item_never_committed_is_empty(pump_repo: tuple[Path, Git]) -> None:
    repo, _ = pump_repo
    (repo / SOFTWARE / "SRS-099.md").write_text(NEW_ITEM, "utf-8")
    assert item_history(repo, "SRS-099") == ()


# --- (c) baselines --------------------------------------------------------------------


def test_a_baseline_tags_head_with_a_manifest_and_diffs_by_name(
    pump_repo: tuple[Path, Git],
) -> None:
    repo, git = pump_repo
    head = git("rev-parse", "HEAD").strip()
    edit(repo / SOFTWARE / "SRS-001.md", "category: data", "category: functional")  # uncommitted

    created = create_baseline(repo, "release-1.0", "Release 1.0\n\nFirst release.")

    assert created.tag == "medtrace/baseline/release-1.0"
    assert created.uncommitted == ("requirements/software/SRS-001.md",)
    assert git("rev-parse", "medtrace/baseline/release-1.0^{commit}").strip() == head
    assert git("cat-file", "-t", "medtrace/baseline/release-1.0").strip() == "tag"
    [listed] = list_baselines(repo)
    assert (listed.name, listed.commit, listed.subject) == ("release-1.0", head, "Release 1.0")

    manifest = read_baseline(repo, "release-1.0")
    assert manifest == created.manifest
    assert manifest.commit == head and manifest.project == "."
    assert len(manifest.items) == len(project_at(repo, "HEAD").items)
    assert [e.id for e in manifest.items] == sorted(e.id for e in manifest.items)
    entry = next(e for e in manifest.items if e.id == "SRS-001")
    committed = git("show", f"HEAD:{SOFTWARE.as_posix()}/SRS-001.md").encode()
    assert (entry.kind, entry.path) == ("software-requirement", "requirements/software/SRS-001.md")
    assert entry.sha256 == hashlib.sha256(committed).hexdigest()
    assert entry.sha256 != hashlib.sha256((repo / entry.path).read_bytes()).hexdigest()

    commit(git, "Recategorise")
    found = diff(repo, "release-1.0", "HEAD")
    assert [c.id for c in found.changed] == ["SRS-001"]
    assert found.old_label == f"release-1.0 ({head[:12]})"


def test_baseline_names_are_checked_and_never_reused(pump_repo: tuple[Path, Git]) -> None:
    repo, _ = pump_repo
    create_baseline(repo, "v1", "")
    with pytest.raises(GitError, match=r"^baseline 'v1' already exists") as exists:
        create_baseline(repo, "v1", "again")
    for bad in ("a b", "../x", "x..y", "-x", "x.lock", "x/y", ""):
        with pytest.raises(ProjectError, match="malformed"):
            create_baseline(repo, bad, "")
    assert "\n" not in str(exists.value)
    assert [b.subject for b in list_baselines(repo)] == ["medtrace baseline v1"]


# --- (d) errors -----------------------------------------------------------------------


def test_errors_are_one_line(pump_repo: tuple[Path, Git], tmp_path: Path) -> None:
    repo, _ = pump_repo
    outside = tmp_path / "loose"
    init_project(outside, example="infusion-pump")
    cases: list[tuple[Callable[[], object], type[MedtraceError], str]] = [
        (lambda: diff(repo, "no-such-rev"), GitError, "unknown revision 'no-such-rev'"),
        (lambda: diff(repo, "--all"), GitError, "unknown revision '--all'"),
        (lambda: project_at(outside, "HEAD"), GitError, "not inside a git repository"),
        (lambda: item_history(repo, "SRS-999"), ProjectError, "no item 'SRS-999'"),
        (lambda: read_baseline(repo, "nope"), GitError, "no baseline 'nope'"),
    ]
    for call, kind, message in cases:
        with pytest.raises(kind) as raised:
            call()
        assert message in str(raised.value)
        assert "\n" not in str(raised.value)


def test_a_repository_without_commits(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    init_project(repo, example="infusion-pump")
    make_git(repo)
    with pytest.raises(GitError, match="unknown revision 'HEAD'") as raised:
        diff(repo, "HEAD")
    assert raised.value.hint == "the repository has no commits yet"
    with pytest.raises(GitError, match="no commits yet"):
        create_baseline(repo, "v1", "")
    assert item_history(repo, "SRS-001") == ()


def test_the_commands_exit_2_with_one_line(pump_repo: tuple[Path, Git], tmp_path: Path) -> None:
    repo, _ = pump_repo
    runner = CliRunner()
    context = Context()
    result = runner.invoke(diff_command, ["nope", "--path", str(repo)], obj=context)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["Error: unknown revision 'nope'"]
    result = runner.invoke(baseline, ["create", "a b", "--path", str(repo)], obj=context)
    assert result.exit_code == 2 and "malformed" in result.stderr
    outside = tmp_path / "loose"
    init_project(outside, example="infusion-pump")
    result = runner.invoke(history, ["SRS-001", "--path", str(outside)], obj=context)
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


def test_the_commands_print_what_the_api_returns(pump_repo: tuple[Path, Git]) -> None:
    repo, git = pump_repo
    change_five_items(repo)
    commit(git, "Five changes")
    runner = CliRunner()
    context = Context()
    where = ["--path", str(repo)]
    result = runner.invoke(
        diff_command, ["HEAD~1", "HEAD", *where, "--format", "json"], obj=context
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["counts"]["changed"] == 3
    result = runner.invoke(diff_command, ["HEAD~1", *where], obj=context)
    assert result.exit_code == 0 and result.stdout.startswith("# Changes to InsuPump")
    result = runner.invoke(history, ["SRS-001", *where], obj=context)
    assert result.exit_code == 0 and "SRS-001: 2 commit(s)." in result.stdout
    result = runner.invoke(baseline, ["create", "r1", "-m", "Release 1", *where], obj=context)
    assert result.exit_code == 0 and "medtrace/baseline/r1" in result.stdout
    result = runner.invoke(baseline, ["list", *where], obj=context)
    assert result.exit_code == 0 and result.stdout.startswith("r1\t")
    result = runner.invoke(baseline, ["show", "r1", *where], obj=context)
    assert json.loads(result.stdout)["baseline"] == "r1"


# --- (e) a project in a subfolder, and the file selection of discover ----------------


def test_a_project_in_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    git = make_git(repo)
    init_project(repo / "firmware" / "pump", example="infusion-pump")
    (repo / "docs").mkdir()
    (repo / "docs" / "SRS-500.md").write_text(NEW_ITEM.replace("SRS-099", "SRS-500"), "utf-8")
    commit(git, "Import")
    root = repo / "firmware" / "pump"
    change_five_items(root)
    (repo / "docs" / "SRS-500.md").unlink()  # outside the project: not part of its diff
    commit(git, "Change")

    found = diff(root / "requirements", "HEAD~1", "HEAD")
    assert [c.id for c in found.changed] == ["SRS-001", "SRS-002", "SRS-003"]
    assert [i.id for i in found.removed] == ["SRS-012"]
    assert found.changed[1].new_path == "requirements/software/SRS-002.md"
    assert [e.event for e in item_history(root, "SRS-001")] == ["created", "changed"]
    created = create_baseline(root, "b1", "")
    assert created.manifest.project == "firmware/pump"
    assert diff(root, "b1").empty


def test_item_files_are_selected_as_in_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git = make_git(repo)
    (repo / "medtrace.toml").write_text(
        '[project]\nname = "Selection"\npaths = ["items", "more", "missing", "../up"]\n'
        'exclude = ["items/drafts/*", "*-skip.md"]\n',
        "utf-8",
    )
    files = [
        "items/A-1.md",
        "items/sub/A-2.md",
        "items/.hidden/A-3.md",
        "items/node_modules/A-4.md",
        "items/__pycache__/A-5.md",
        "items/drafts/A-6.md",
        "items/A-7-skip.md",
        "items/.A-8.md",
        "items/sub.md/A-9.md",
        "more/B-1.md",
        "other/C-1.md",
        "A-10.md",
    ]
    for number, name in enumerate(files):
        item_id = Path(name).stem.removeprefix(".")
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        front = f"---\nid: {item_id}\nkind: hazard\ntitle: Hazard {number}\n---\nText.\n"
        path.write_text(front, "utf-8")
    (repo / "items" / "README.md").write_text("Not an item.\n", "utf-8")
    (repo / "items" / "Broken.md").write_text("---\nid: [\n---\n", "utf-8")
    commit(git, "Items")

    at_head, on_disk = project_at(repo, "HEAD"), load_project(repo)
    assert [i.source.path for i in at_head.items] == [
        "items/A-1.md",
        "items/sub.md/A-9.md",
        "items/sub/A-2.md",
        "more/B-1.md",
    ]
    assert at_head.items == on_disk.items
    assert at_head.diagnostics == on_disk.diagnostics
    assert at_head.files == on_disk.files == 5
    assert sorted(f.code for f in at_head.diagnostics) == [
        "config/path-invalid",
        "config/path-invalid",
        "file/yaml-invalid",
    ]

"""Incremental loading: only changed files are parsed again; results equal a cold run."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.api.load import open_project
from medtrace.errors import StoreError
from medtrace.model import CACHE_DIR
from medtrace.store import ParseCache

COLD = CheckOptions(load=LoadOptions(use_cache=False))
AN_HOUR_AGO = 3600


def age(root: Path) -> None:
    """Date every item file an hour back, as files not just written."""
    for path in root.rglob("*.md"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - AN_HOUR_AGO * 10**9))


def summary(root: Path, options: CheckOptions | None = None) -> list[tuple[str, str, int | None]]:
    report = check_project(root, options)
    return [(f.code, f.location.path, f.location.line) for f in report.findings]


def structural(found: list[tuple[str, str, int | None]]) -> list[str]:
    """The codes of findings about files and links (not of the standard's rules)."""
    return [code for code, *_ in found if not code.startswith("62304.")]


def test_a_second_run_parses_nothing_and_reports_the_same(example: Path) -> None:
    age(example)
    first = check_project(example)
    second = check_project(example)
    assert first.changed > 0
    assert second.changed == 0
    assert second.findings == first.findings == check_project(example, COLD).findings


def test_one_edited_file_is_the_only_one_parsed_again(committed: Path) -> None:
    example = committed
    age(example)
    check_project(example)
    target = next((example / "requirements" / "system").glob("*.md"))
    text = target.read_text("utf-8")
    target.write_text(text.replace("status: approved", "status: bogus"), "utf-8")
    report = check_project(example)
    assert report.changed == 1
    assert [f.code for f in report.findings] == ["item/field-invalid"]
    assert report.findings == check_project(example, COLD).findings


def test_a_racily_fresh_file_is_parsed_again_next_time(project: Path, write_item) -> None:
    write_item("SYS-1", "system-requirement")
    check_project(project)
    assert check_project(project).changed == 1  # written within the last two seconds
    age(project)
    assert check_project(project).changed == 1  # its stamp changed
    assert check_project(project).changed == 0


def test_deleted_and_added_files_change_the_result_like_a_cold_run(example: Path) -> None:
    age(example)
    check_project(example)
    victim = next((example / "requirements" / "system").glob("*.md"))
    victim.unlink()
    shutil.copy(example / "requirements" / "software" / "SRS-001.md", example / "copy.md")
    warm = summary(example)
    assert warm == summary(example, COLD)
    # The first path owns the id, so the original now is the duplicate.
    assert ("item/id-duplicate", "requirements/software/SRS-001.md", 2) in warm


def test_a_corrupt_cache_is_rebuilt(example: Path) -> None:
    age(example)
    cold = summary(example, COLD)
    check_project(example)
    database = example / CACHE_DIR / "cache.sqlite"
    for stale in (example / CACHE_DIR).glob("cache.sqlite-*"):
        stale.unlink()
    database.write_bytes(b"this is not a database" * 100)
    assert summary(example) == cold
    assert check_project(example).changed == 0


def test_an_unusable_cache_folder_still_gives_the_result(example: Path) -> None:
    (example / CACHE_DIR).write_text("a file where the cache folder would be", "utf-8")
    assert summary(example) == summary(example, COLD)


def test_a_changed_configuration_invalidates_the_cache(project: Path, write_item) -> None:
    write_item("UN-1", "user-need")
    age(project)
    assert structural(summary(project)) == ["item/kind-unknown"]
    config = project / "medtrace.toml"
    config.write_text(config.read_text("utf-8") + "[kinds.user-need]\nprefix = 'UN'\n", "utf-8")
    assert structural(summary(project)) == []


def test_the_cache_is_ignored_by_git(example: Path) -> None:
    check_project(example)
    assert (example / CACHE_DIR / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"


def test_load_project_gives_the_items_the_check_counted(example: Path) -> None:
    age(example)
    project = load_project(example)
    report = check_project(example)
    assert len(project.items) == report.items
    assert [item.source.path for item in project.items] == sorted(
        item.source.path for item in project.items
    )
    with open_project(example) as opened:
        assert opened.changed == 0


def test_a_cache_of_another_format_is_replaced(project: Path, write_item) -> None:
    write_item("SYS-1", "system-requirement")
    (project / CACHE_DIR).mkdir()
    database = sqlite3.connect(project / CACHE_DIR / "cache.sqlite")
    database.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('key', '0.0.1/1/old');"
        "CREATE TABLE files (path TEXT PRIMARY KEY, blob BLOB);"
    )
    database.close()
    report = check_project(project)
    assert report.items == 1
    assert structural([(f.code, f.location.path, f.location.line) for f in report.findings]) == []


def test_random_edits_always_give_what_a_cold_run_gives(project: Path, write_item) -> None:
    """Each step edits the project one way; the cached check must equal a cold one."""
    rng = random.Random(7)
    ids = [f"SYS-{n}" for n in range(6)] + [f"SRS-{n}" for n in range(10)]
    for item_id in ids[:6]:
        write_item(item_id, "system-requirement")
    for item_id in ids[6:]:
        write_item(item_id, "software-requirement", derived_from=[rng.choice(ids[:6])])
    reports = []
    for _step in range(40):
        victim = project / "items" / f"{rng.choice(ids)}.md"
        action = rng.randrange(7)
        if action == 0 and victim.exists():
            victim.unlink()
        elif action == 1:
            name = rng.choice(ids[6:])
            write_item(name, "software-requirement", derived_from=[rng.choice(ids), "NOPE-1"])
        elif action == 2:
            name = rng.choice(ids[6:])
            write_item(name, "software-requirement", derived_from=[rng.choice(ids[6:])])
        elif action == 3:
            write_item(rng.choice(ids[:6]), "hazard")
        elif action == 5:
            write_item("TC-1", "test-case", verifies=[rng.choice([*ids, "GONE-1"])])
        elif action == 4 and victim.exists():
            victim.write_text(victim.read_text("utf-8") + "\nMore text.\n", "utf-8")
        else:
            write_item(rng.choice(ids), "system-requirement", body=f"step {_step}")
        warm = check_project(project)
        cold = check_project(project, COLD)
        assert warm.findings == cold.findings, f"step {_step}, action {action}"
        reports.append(len(warm.findings))
    assert any(reports), "the edits must produce findings at some point"


def test_a_local_edit_is_checked_without_rescanning_the_index(
    project: Path, write_item, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_item("SYS-1", "system-requirement")
    write_item("TC-1", "test-case", verifies=["SYS-1"])
    age(project)
    check_project(project)
    write_item("TC-1", "test-case", verifies=["SYS-2"])

    def full_scan(*_: object) -> None:
        raise AssertionError("a local edit must patch the last findings, not rescan")

    monkeypatch.setattr("medtrace.api.check.structural_findings", full_scan)
    patched = check_project(project)
    monkeypatch.undo()
    assert [f.code for f in patched.findings if not f.code.startswith("62304.")] == [
        "link/dangling"
    ]
    assert patched.findings == check_project(project, COLD).findings


@pytest.mark.parametrize("lock", ["EXCLUSIVE", "IMMEDIATE"])
def test_a_cache_locked_by_another_process_falls_back_to_memory(
    example: Path, monkeypatch: pytest.MonkeyPatch, lock: str
) -> None:
    """EXCLUSIVE fails opening the cache; IMMEDIATE lets it read, then fails the write."""
    cold = summary(example, COLD)
    check_project(example)
    (example / "requirements" / "system" / "SYS-002.md").unlink()
    monkeypatch.setattr("medtrace.store.cache.BUSY_TIMEOUT_S", 0.05)
    holder = sqlite3.connect(example / CACHE_DIR / "cache.sqlite")
    holder.execute(f"BEGIN {lock}")
    try:
        locked = summary(example)
    finally:
        holder.rollback()
        holder.close()
    assert locked == summary(example, COLD) != cold
    assert (example / CACHE_DIR / "cache.sqlite").stat().st_size > 0  # left to its owner
    assert check_project(example).changed > 0  # the file cache catches up afterwards


def test_a_cache_that_fails_while_writing_is_replaced_by_one_in_memory(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_update = ParseCache.update
    failures: list[str] = []

    def update_failing_on_disk(self: ParseCache, *args: object) -> None:
        if not failures:
            failures.append("disk full")
            raise StoreError("the cache in .medtrace/ failed: database or disk is full")
        real_update(self, *args)  # type: ignore[arg-type]

    cold = check_project(example, COLD)
    monkeypatch.setattr(ParseCache, "update", update_failing_on_disk)
    report = check_project(example)
    assert failures == ["disk full"]
    assert (report.findings, report.items) == (cold.findings, cold.items)


def test_unchanged_runs_keep_reusing_the_rule_findings(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(example)
    first = check_project(example)

    def no_evaluation(*_: object) -> None:
        raise AssertionError("nothing changed: the rules must not run again")

    monkeypatch.setattr("medtrace.api.check.evaluate", no_evaluation)
    assert check_project(example).findings == first.findings
    assert check_project(example).findings == first.findings

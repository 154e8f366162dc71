"""Evidence an auditor can trust: every result, review and approval bound to what it covers.

Each test is one scenario of issue 17, on the example committed to a real git repository
with its own suite's results imported as the demo does it (``--revision HEAD``, then the
run committed): it holds before the defect is introduced, and the defect is caught by
``check``, ``verify``, ``gaps`` and ``release check`` alike.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.api.test_git_changes import Git, git_in, shut_out_git_configuration
from tests.conftest import shared_path

from medtrace.api import CheckOptions, LoadOptions, check_project, init_project
from medtrace.api.change_control import APPROVED_LATE, COMMIT_UNKNOWN, UNCONTROLLED, audit_changes
from medtrace.api.documents import assemble
from medtrace.api.release import release_check
from medtrace.api.results import import_results
from medtrace.api.soup import audit_soup, sync_soup
from medtrace.api.verify import verify
from medtrace.cli import cli
from medtrace.graph.verification import Status

NO_CACHE = LoadOptions(use_cache=False)
VERSION = "1.2.0"
UNIT_CODE = Path("code/src/insupump/therapy/limits.py")  # a source file of SWU-003 (class C)
PLAN = Path("plans/PLAN-001.md")  # the software development plan


def codes(project: Path) -> dict[str, set[str | None]]:
    found: dict[str, set[str | None]] = {}
    for f in check_project(project, CheckOptions(load=NO_CACHE)).findings:
        found.setdefault(f.code, set()).add(f.item)
    return found


def reasons(project: Path) -> dict[str, str]:
    """Each reason code of the release check, with its messages joined."""
    found: dict[str, str] = {}
    for r in release_check(project, VERSION, options=NO_CACHE).reasons:
        found[r.code] = f"{found[r.code]}; {r.message}" if r.code in found else r.message
    return found


def commit(git: Git, message: str) -> None:
    git("add", "-A")
    git("commit", "-qm", message)


def append(project: Path, path: Path, text: str) -> None:
    file = project / path
    file.write_text(file.read_text("utf-8") + text, "utf-8")


@pytest.fixture
def released(
    example: Path, example_report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Git]:
    """The example committed, its suite's results imported with --revision HEAD and
    committed, as scripts/demo.sh does: releasable."""
    shut_out_git_configuration(monkeypatch, tmp_path)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Tester")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    git = git_in(example)
    git("init", "-q")
    git("config", "user.name", "Ada Tester")
    git("config", "user.email", "ada@example.com")
    commit(git, "InsuPump 1.2.0")
    now = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)
    run, _, warnings = import_results(example, [example_report], revision="HEAD", now=now)
    assert run.commit == git("rev-parse", "HEAD").strip()  # the name is resolved, never kept
    assert warnings == ()
    commit(git, "Results of the release candidate")
    assert release_check(example, VERSION, options=NO_CACHE).passed
    return example, git


def test_a_code_change_after_the_run_makes_the_results_stale_and_blocks_the_release(
    released: tuple[Path, Git],
) -> None:
    project, git = released
    append(project, UNIT_CODE, "\n# a later change to the limit guard\n")
    commit(git, "Change the limit guard after the test run")

    assert "SWU-003" in codes(project)["62304.5.5.5/unit-verification-stale"]
    units = verify(project, kinds=("software-unit",), options=NO_CACHE).statuses
    stale = {s.requirement.id: s for s in units if s.status is Status.STALE}
    assert "SWU-003" in stale
    assert all("SWU-003" in e.changed for e in stale["SWU-003"].evidence if e.stale)
    # The run was of the commit before the change: it does not count for this one.
    check = release_check(project, VERSION, options=NO_CACHE)
    run_commit = git("rev-parse", "HEAD~2").strip()
    assert run_commit not in check.tested
    assert "release/verification-incomplete" in {r.code for r in check.reasons}


def test_an_edited_approved_plan_loses_its_approval_in_check_gaps_and_the_gate(
    released: tuple[Path, Git],
) -> None:
    project, git = released
    file = project / PLAN
    head, _, _ = file.read_text("utf-8").partition("\n---\n")
    file.write_text(head + "\n---\nTBD\n", "utf-8")
    commit(git, "Rewrite the development plan")

    (message,) = [
        f.message
        for f in check_project(project, CheckOptions(load=NO_CACHE)).findings
        if f.code == "62304.5.1.1/development-plan-not-approved"
    ]
    assert "PLAN-001 changed since RVW-002 was made" in message
    result = CliRunner().invoke(cli, ["gaps", "--path", str(project), "--format", "json"])
    statuses = {row["clause"]: row["status"] for row in json.loads(result.stdout)["clauses"]}
    assert statuses["5.1.1"] == "gap"
    plan = next(d for d in assemble(project, NO_CACHE).documents if d.slug == "sdp")
    (approval,) = [s for s in plan.control.approvals if s.record == "RVW-002"]
    assert approval.status == "void" and "VOID: content changed since" in approval.shown
    assert "PLAN-001" in reasons(project)["release/open-findings"]


def test_an_edited_manual_test_case_voids_its_records(released: tuple[Path, Git]) -> None:
    project, git = released
    append(project, Path("tests/system/TC-059.md"), "\nA further step: check the log.\n")
    commit(git, "Add a step to TC-059")

    requirements = verify(project, options=NO_CACHE).statuses
    stale = [s for s in requirements if s.status is Status.STALE]
    assert stale and all(
        any(e.record == "TR-001" and "TC-059" in e.changed for e in s.evidence) for s in stale
    )
    assert {s.requirement.id for s in stale} <= codes(project)[
        "62304.5.7.1/requirement-verification-stale"
    ]
    assert not release_check(project, VERSION, options=NO_CACHE).passed


def test_suspect_links_are_on_from_the_first_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shut_out_git_configuration(monkeypatch, tmp_path)
    project = tmp_path / "fresh"
    init_project(project)
    (project / "SYS-001.md").write_text(
        "---\nid: SYS-001\nkind: system-requirement\ntitle: Stop on occlusion\n---\n"
        "The pump shall stop.\n",
        "utf-8",
    )
    (project / "SRS-001.md").write_text(
        "---\nid: SRS-001\nkind: software-requirement\ntitle: Detect occlusion\n"
        "derived-from: [SYS-001]\n---\nWithin 3 s.\n",
        "utf-8",
    )
    (project / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Pump software\nsafety-class: A\n"
        "implements: [SRS-001]\n---\n",
        "utf-8",
    )
    git = git_in(project)
    git("init", "-q")
    git("-c", "user.name=T", "-c", "user.email=t@x", "add", "-A")
    git("-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "first")
    assert "62304.7.4.1/suspect-link" not in codes(project)
    append(project, Path("SYS-001.md"), "And raise an alarm.\n")
    assert codes(project)["62304.7.4.1/suspect-link"] == {"SRS-001", "SWS-001"}


def test_a_code_only_change_is_seen_by_change_control(released: tuple[Path, Git]) -> None:
    project, git = released
    git("tag", "v1.2.0")
    append(project, UNIT_CODE, "\n# an unreviewed tweak\n")
    commit(git, "Tweak the limit guard")
    audit = audit_changes(project, "v1.2.0", "HEAD")
    (change,) = audit.uncovered
    assert (change.id, change.what) == ("SWU-003", f"code changed: {UNIT_CODE.as_posix()}")
    assert [f.code for f in audit.findings()] == [UNCONTROLLED]


def test_a_request_approved_after_the_change_or_naming_no_commit_is_a_finding(
    released: tuple[Path, Git],
) -> None:
    project, git = released
    git("tag", "v1.2.0")
    append(project, Path("requirements/software/SRS-008.md"), "\nThe message names the limit.\n")
    (project / "changes" / "CR-009.md").write_text(
        "---\nid: CR-009\nkind: change-request\ntitle: Word the limit message\nstate: approved\n"
        "approved-by: Anna Keller (QA)\napproved-date: 2099-01-01\n"
        "commits: [0123456789abcdef0123]\nchanges: [SRS-008]\n---\nAlign the message.\n",
        "utf-8",
    )
    commit(git, "Reword SRS-008 (CR-009)")
    found = {(f.code, f.item) for f in audit_changes(project, "v1.2.0", "HEAD").findings()}
    assert (APPROVED_LATE, "SRS-008") in found
    assert (COMMIT_UNKNOWN, "CR-009") in found


def test_missing_attestations_a_scan_finding_and_an_unapproved_change_each_block_the_gate(
    released: tuple[Path, Git],
) -> None:
    project, git = released
    git("tag", "medtrace/baseline/rc1", "-a", "-m", "rc1")
    (project / "attestations" / "ATT-001.md").unlink()
    commit(git, "Drop an attestation")
    assert "62304.4.1/attestation-needed" in reasons(project)["release/open-findings"]

    git("revert", "--no-edit", "HEAD")
    marker = project / "code" / "src" / "insupump" / "stray.py"
    marker.write_text("# implements: SRS-999\n", "utf-8")
    commit(git, "A marker naming no item")
    assert "code/marker-unknown-id" in reasons(project)["release/code-markers"]

    marker.unlink()
    append(project, Path("requirements/software/SRS-008.md"), "\nAn unapproved change.\n")
    commit(git, "Change SRS-008 without a change request")
    gate = reasons(project)
    assert "SRS-008" in gate["release/change-uncontrolled"]
    assert release_check(project, VERSION, options=NO_CACHE).since == "medtrace/baseline/rc1"


def test_an_empty_project_has_no_met_clause(tmp_path: Path) -> None:
    init_project(tmp_path / "empty")
    result = CliRunner().invoke(
        cli, ["gaps", "--path", str(tmp_path / "empty"), "--format", "json"]
    )
    rows = json.loads(result.stdout)["clauses"]
    assert not [row["clause"] for row in rows if row["status"] == "met"]
    assert all(row["reason"] for row in rows if row["status"] in ("gap", "not applicable")
               and not row["findings"])  # fmt: skip


def test_two_shipped_versions_of_a_package_are_two_records_and_both_are_audited(
    tmp_path: Path,
) -> None:
    lock = shared_path(
        "realworld", "deps", "cyclonedx-node-npm", "with-prepared", "package-lock.json"
    )
    project = tmp_path / "npm"
    init_project(project)
    (project / "medtrace.toml").write_text(
        '[project]\nname = "npm product"\n[soup]\nsources = ["package-lock.json"]\n'
        'advisories = "osv"\nscopes = ["required", "dev", "optional"]\n',
        "utf-8",
    )
    (project / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: The product\nsafety-class: B\n---\n",
        "utf-8",
    )
    (project / "package-lock.json").write_bytes(lock.read_bytes())
    advisory = {
        "id": "GHSA-c2qf-rxjj-qqgw",
        "modified": "2024-01-01T00:00:00Z",
        "summary": "semver vulnerable to Regular Expression Denial of Service",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "semver"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "5.7.2"}]}],
            }
        ],
    }
    (project / "osv").mkdir()
    (project / "osv" / "GHSA-c2qf-rxjj-qqgw.json").write_text(json.dumps(advisory), "utf-8")

    report = sync_soup(project)
    semver = sorted(
        str(component.version) for _, component in report.created if component.name == "semver"
    )
    assert semver == ["5.1.0", "7.6.3"]
    audit = audit_soup(project)
    affected = [(e.soup.field("version"), e.match.advisory.id) for e in audit.entries]
    assert affected == [("5.1.0", "GHSA-c2qf-rxjj-qqgw")]  # 7.6.3 is audited and not affected
    assert not audit.passed

    (project / "soup" / "SOUP-900.md").write_text(
        "---\nid: SOUP-900\nkind: soup\ntitle: vendor blob\nversion: '1'\n---\n", "utf-8"
    )
    assert [(s.id, why) for s, why in audit_soup(project).not_audited] == [("SOUP-900", "no purl")]
    assert "SOUP-900" in codes(project)["62304.7.1.3/soup-not-audited"]


def test_a_test_that_failed_then_passed_in_one_run_is_a_failure_with_a_warning(
    released: tuple[Path, Git], example_report: Path, tmp_path: Path
) -> None:
    project, git = released
    text = example_report.read_text("utf-8")
    case = (
        '<testcase classname="tests.unit.test_bolus" '
        'name="test_bolus_stroke_timing_and_distribution"'
    )  # TC-006, which verifies SRS-004 and SRS-005
    start = text.index(case)
    end = text.index("</testcase>", start) + len("</testcase>")
    failed = text[start:end].replace(
        "</testcase>", '<failure message="flaky">x</failure></testcase>'
    )
    retried = tmp_path / "retried.xml"
    retried.write_text(text[:start] + failed + text[start:], "utf-8")  # failed, then passed
    later = dt.datetime(2026, 3, 15, tzinfo=dt.UTC)
    import_results(project, [retried], revision="HEAD", now=later)
    commit(git, "Results with a retried test")
    found = codes(project)
    assert "62304.5.7.4/result-outcomes-mixed" in found
    assert {"SRS-004", "SRS-005"} <= found["62304.5.7.1/requirement-test-failed"]
    gate = reasons(project)
    assert (
        "tests.unit.test_bolus::test_bolus_stroke_timing_and_distribution"
        in gate["release/result-mixed"]
    )


def test_the_test_report_names_each_results_commit_date_and_environment(
    released: tuple[Path, Git],
) -> None:
    project, git = released
    tested = git("rev-parse", "HEAD~1").strip()
    report = next(d for d in assemble(project, NO_CACHE).documents if d.slug == "test-report")
    tables = [
        block
        for section in report.sections
        for sub in (section, *section.sections)
        for block in sub.blocks
        if getattr(block, "headers", ())[:3] == ("Test case", "Title", "Latest result")
    ]
    (table,) = tables
    assert table.headers[3:] == ("Commit or record", "Date", "Environment")
    automated = [row for row in table.rows if row[3] == tested[:12]]
    assert automated and all(row[4].startswith("2026-03-14") and row[5] for row in automated)
    assert any(row[3].startswith("TR-") for row in table.rows)  # the manual records


def test_an_sbom_with_two_versions_of_a_package_gives_two_records(tmp_path: Path) -> None:
    project = tmp_path / "sbom"
    init_project(project)
    components = [
        {"type": "library", "name": "lodash", "version": v, "purl": f"pkg:npm/lodash@{v}",
         "bom-ref": f"lodash@{v}"}
        for v in ("4.17.15", "4.17.21")
    ]  # fmt: skip
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}
    (project / "bom.cdx.json").write_text(json.dumps(sbom), "utf-8")
    (project / "medtrace.toml").write_text(
        '[project]\nname = "p"\n[soup]\nsources = ["bom.cdx.json"]\n', "utf-8"
    )
    report = sync_soup(project)
    assert sorted(c.version for _, c in report.created) == ["4.17.15", "4.17.21"]
    again = sync_soup(project, dry_run=True)
    assert again.drift.clean and len(again.drift.unchanged) == 2

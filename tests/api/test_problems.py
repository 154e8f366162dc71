"""Problem reports imported from an issue tracker, kept in step with it, and their trend."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import ItemWriter

from medtrace.api import CheckOptions, LoadOptions, check_project, load_project
from medtrace.api.problems import append_history, import_problems, problem_trend
from medtrace.cli.context import Context
from medtrace.cli.problems import problems
from medtrace.errors import MedtraceError

NO_CACHE = LoadOptions(use_cache=False)
REPO = "insupump/controller"
# [problems] states and criticality, in the order of medtrace.toml
STATES = (
    ("status: investigating", "investigating"),
    ("status: fixed", "resolved"),
    ("status: verified", "verified"),
    ("status: done", "closed"),
)
CRITICALITY = (("severity: high", "high"), ("severity: medium", "medium"), ("P3", "low"))
PROBLEMS_TABLE = (
    '\n[problems]\nfolder = "problems"\n\n[problems.states]\n'
    + "".join(f'"{label}" = "{state}"\n' for label, state in STATES)
    + "\n[problems.criticality]\n"
    + "".join(f'"{label}" = "{value}"\n' for label, value in CRITICALITY)
)
TODAY = dt.date(2026, 3, 2)
# An issue of the export, as the GitHub API gives it.
Issue = dict[str, Any]
OTHER_LABELS = ("bug", "ui", "firmware", "documentation", "needs-triage")


def configure(project: Path) -> Path:
    """Add the [problems] table, and a software system so that the rules apply."""
    with (project / "medtrace.toml").open("a", encoding="utf-8") as config:
        config.write(PROBLEMS_TABLE)
    (project / "items").mkdir(exist_ok=True)
    (project / "items" / "SWS-001.md").write_text(
        "---\nid: SWS-001\nkind: software-system\ntitle: Pump software\nsafety-class: B\n---\n",
        "utf-8",
    )
    return project


def issue(number: int, rng: random.Random) -> Issue:
    created = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC) + dt.timedelta(days=number * 1.7)
    closed = rng.random() < 0.55
    labels = rng.sample(OTHER_LABELS, rng.randint(0, 2))
    labels += rng.sample([label for label, _ in STATES], rng.choice((0, 0, 1, 1, 2)))
    if rng.random() < 0.7:
        labels.append(rng.choice(CRITICALITY)[0])
    rng.shuffle(labels)
    return {
        "url": f"https://api.github.com/repos/{REPO}/issues/{number}",
        "html_url": f"https://github.com/{REPO}/issues/{number}",
        "number": number,
        "title": f"Problem {number}: {rng.choice(('alarm', 'bolus', 'basal', 'display'))} fault",
        "user": {"login": rng.choice(("lbrandt", "snovak", "jlindqvist"))},
        "labels": [{"id": hash(label) % 10**6, "name": label} for label in labels],
        "state": "closed" if closed else "open",
        "state_reason": "completed" if closed else None,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closed_at": (created + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if closed
        else None,
        "body": f"Seen on v1.2.{number % 4}.\r\n\r\n---\r\n\r\nSteps: see the log."
        if number % 5
        else None,
    }


def export(rng: random.Random, count: int = 200) -> list[Issue]:
    """A list-issues answer: issues and (every ~10th) pull requests, newest first."""
    items = []
    for number in range(count, 0, -1):
        entry = issue(number, rng)
        if rng.random() < 0.1:
            entry["pull_request"] = {"url": f"https://api.github.com/repos/{REPO}/pulls/{number}"}
        items.append(entry)
    return items


def write(path: Path, entries: list[Issue]) -> Path:
    path.write_text(json.dumps(entries, indent=2), "utf-8")
    return path


def expected_state(entry: Issue) -> str:
    names = {label["name"] for label in entry["labels"]}
    for label, state in STATES:
        if label in names:
            return state
    return "closed" if entry["state"] == "closed" else "open"


def expected_criticality(entry: Issue) -> str | None:
    names = {label["name"] for label in entry["labels"]}
    return next((value for label, value in CRITICALITY if label in names), None)


def reports(project: Path) -> dict[str, dict[str, Any]]:
    """The problem reports by tracker-id, with their id, path and fields."""
    found: dict[str, dict[str, Any]] = {}
    for item in load_project(project, NO_CACHE).items:
        if item.kind == "problem-report":
            key = str(item.field("tracker-id"))
            found[key] = {"id": item.id, "path": item.source.path, **dict(item.fields)}
            found[key].update(body=item.body, title=item.title)
    return found


def snapshot(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in project.rglob("*")
        if p.is_file() and ".medtrace" not in p.parts
    }


@pytest.fixture
def exported() -> list[Issue]:
    return export(random.Random(62304))


def test_an_export_of_200_becomes_one_report_per_issue(
    project: Path, tmp_path: Path, exported: list[Issue]
) -> None:
    configure(project)
    issues = sorted((e for e in exported if "pull_request" not in e), key=lambda e: e["number"])
    assert 150 < len(issues) < 200  # some pull requests are skipped

    report = import_problems(project, write(tmp_path / "issues.json", exported), today=TODAY)

    assert len(report.created) == len(issues) and report.updated == report.unchanged == ()
    found = reports(project)
    assert len(found) == len(issues)
    for number, entry in enumerate(issues, 1):
        key = f"github:{REPO}#{entry['number']}"
        record = found[key]
        assert record["id"] == f"PR-{number:03d}"
        assert record["path"] == f"problems/PR-{number:03d}.md"
        assert record["state"] == expected_state(entry)
        assert record.get("criticality") == expected_criticality(entry)
        assert record["title"] == entry["title"]
        assert record["reported-by"] == entry["user"]["login"]
        assert record["reported-date"] == str(entry["created_at"])[:10]
        body = str(entry["body"] or "").replace("\r\n", "\n")
        assert str(record["body"]).strip() == body.strip()
        history = record["state-history"]
        assert history[0] == f"{str(entry['created_at'])[:10]} open: reported in the tracker"
        assert len(history) == (1 if expected_state(entry) == "open" else 2)


def test_the_state_machine_rules_report_what_the_tracker_skipped(
    project: Path, tmp_path: Path, exported: list[Issue]
) -> None:
    configure(project)
    import_problems(project, write(tmp_path / "issues.json", exported), today=TODAY)
    findings = check_project(project, CheckOptions(load=NO_CACHE)).findings
    found = reports(project)
    by_id = {record["id"]: expected for record, expected in _expectations(found, exported)}

    def fired(code: str) -> set[str]:
        return {f.item for f in findings if f.code == code and f.item is not None}

    # open -> investigating is a step of the machine; open -> anything else is not
    skipped = {i for i, state in by_id.items() if state not in ("open", "investigating")}
    assert fired("62304.9.1/problem-state-transition-invalid") == skipped
    # an issue closed in the tracker has no verified fix on record (one verified there has
    # its history enter verified: the fix is on record as verified, though by a skipped path)
    unverified = {i for i, state in by_id.items() if state == "closed"}
    assert fired("62304.9.8/problem-closed-without-verified-fix") == unverified
    assert not [f for f in findings if not f.code.startswith("62304.")]


def _expectations(
    found: dict[str, dict[str, Any]], exported: list[Issue]
) -> list[tuple[dict[str, Any], str]]:
    by_key = {f"github:{REPO}#{e['number']}": e for e in exported if "pull_request" not in e}
    return [(record, expected_state(by_key[key])) for key, record in found.items()]


def test_a_reimport_updates_only_the_state_lines_of_changed_reports(
    project: Path, tmp_path: Path, exported: list[Issue]
) -> None:
    configure(project)
    import_problems(project, write(tmp_path / "issues.json", exported), today=TODAY)
    found = reports(project)
    issues = [e for e in exported if "pull_request" not in e]
    before_state = {f"github:{REPO}#{e['number']}": expected_state(e) for e in issues}
    rng = random.Random(14971)
    for entry in rng.sample(issues, 40):  # the tracker moves on
        if entry["state"] == "open":
            entry["state"], entry["closed_at"] = "closed", "2026-02-20T10:00:00Z"
        else:
            entry["labels"] = [*entry["labels"], {"name": "status: verified"}]
    new = [issue(number, rng) for number in (201, 202)]
    changed = {
        f"github:{REPO}#{e['number']}": expected_state(e)
        for e in issues
        if expected_state(e) != before_state[f"github:{REPO}#{e['number']}"]
    }
    assert 10 < len(changed) < 40
    # a person completes two reports: one the tracker changes, one it does not
    edited = [next(k for k in changed), next(k for k in found if k not in changed)]
    for key in edited:
        path = project / str(found[key]["path"])
        text = path.read_text("utf-8").replace(
            "state-history:\n",
            "root-cause: >-\n  Timer restarted by a cached notification.\nsafety-relevant: false\n"
            "state-history:\n",
        )
        path.write_text(text + "\nInvestigated with the BLE sniffer.\n", "utf-8")
    before = snapshot(project)

    report = import_problems(
        project, write(tmp_path / "issues.json", [*new, *exported]), today=TODAY
    )

    after = snapshot(project)
    updated = {p.tracker_id: (p.before, p.state) for p in report.updated}
    assert updated == {key: (before_state[key], state) for key, state in changed.items()}
    assert [(p.id, p.tracker_id) for p in report.created] == [
        (f"PR-{len(issues) + 1:03d}", f"github:{REPO}#201"),
        (f"PR-{len(issues) + 2:03d}", f"github:{REPO}#202"),
    ]
    assert len(report.unchanged) == len(issues) - len(changed)
    paths = {str(found[key]["path"]): key for key in found}
    for name, data in before.items():
        key = paths.get(name, "")
        if key not in changed:
            assert after[name] == data, name  # byte for byte
            continue
        lines = data.decode().splitlines(keepends=True)
        lines[lines.index(f"state: {before_state[key]}\n")] = f"state: {changed[key]}\n"
        end = lines.index("state-history:\n") + 1
        while lines[end].startswith("  - "):
            end += 1
        lines.insert(end, f'  - "2026-03-02 {changed[key]}: imported from tracker"\n')
        assert after[name].decode() == "".join(lines), name
    assert (
        "Timer restarted by a cached notification." in after[str(found[edited[0]]["path"])].decode()
    )


def test_a_dry_run_writes_nothing(project: Path, tmp_path: Path, exported: list[Issue]) -> None:
    configure(project)
    before = snapshot(project)
    report = import_problems(
        project, write(tmp_path / "issues.json", exported), dry_run=True, today=TODAY
    )
    assert report.dry_run and len(report.created) > 150
    assert snapshot(project) == before


def test_a_malformed_export_writes_nothing_and_exits_2(
    project: Path, tmp_path: Path, runner: CliRunner, exported: list[Issue]
) -> None:
    configure(project)
    broken = tmp_path / "issues.json"
    broken.write_text(json.dumps(exported, indent=2)[:-500], "utf-8")
    before = snapshot(project)

    result = runner.invoke(problems, ["import", str(broken), "--path", str(project)], obj=Context())

    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message
    assert f"{broken}:" in message and "not valid JSON" in message
    assert "nothing was written" in message
    assert snapshot(project) == before
    assert not (project / "problems").exists()


def test_an_issue_missing_a_field_rejects_the_whole_export(
    project: Path, tmp_path: Path, exported: list[Issue]
) -> None:
    configure(project)
    exported[-1]["state"] = "merged"
    with pytest.raises(MedtraceError, match="must be open or closed") as raised:
        import_problems(project, write(tmp_path / "issues.json", exported), today=TODAY)
    assert "nothing was written" in str(raised.value)
    assert not (project / "problems").exists()


def test_the_cli_reports_what_it_imported(
    project: Path, tmp_path: Path, runner: CliRunner, exported: list[Issue]
) -> None:
    configure(project)
    path = write(tmp_path / "issues.json", exported[:5])
    result = runner.invoke(
        problems, ["import", str(path), "--path", str(project), "--format", "json"], obj=Context()
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["tracker"] == "github"
    assert [c["id"] for c in document["created"]] == [
        f"PR-{n:03d}" for n in range(1, len(document["created"]) + 1)
    ]
    again = runner.invoke(problems, ["import", str(path), "--path", str(project)], obj=Context())
    assert again.exit_code == 0
    assert again.output.endswith(
        f"{len(document['created'])} unchanged, 0 new, 0 changed (from {path})\n"
    )


def test_two_reports_with_one_tracker_id_stop_the_import(
    project: Path, tmp_path: Path, write_item: ItemWriter
) -> None:
    configure(project)
    for item_id in ("PR-001", "PR-002"):
        write_item(item_id, "problem-report", tracker_id=f'"github:{REPO}#1"')
    path = write(tmp_path / "issues.json", [issue(1, random.Random(1))])
    with pytest.raises(MedtraceError, match="PR-001 and PR-002 both have tracker-id"):
        import_problems(project, path)


@pytest.mark.parametrize(
    ("front", "after"),
    [
        ("state: open\n", 'state: open\nstate-history:\n  - "2026-03-02 closed: x"\n'),
        (
            "state-history:\n- 2026-01-01 open\nstate: open\n",
            'state-history:\n- 2026-01-01 open\n- "2026-03-02 closed: x"\nstate: open\n',
        ),
        (
            'state-history:\n    - "2026-01-01 open"\n\n',
            'state-history:\n    - "2026-01-01 open"\n    - "2026-03-02 closed: x"\n\n',
        ),
        (
            "state-history: [2026-01-01 open]  # short\n",
            'state-history: [2026-01-01 open, "2026-03-02 closed: x"]  # short\n',
        ),
        ("state-history: []\n", 'state-history: ["2026-03-02 closed: x"]\n'),
        (
            "state-history: 2026-01-01 open\nowner: QA\n",
            'state-history:\n  - 2026-01-01 open\n  - "2026-03-02 closed: x"\nowner: QA\n',
        ),
    ],
)
def test_a_history_entry_is_appended_in_the_style_of_the_list(front: str, after: str) -> None:
    text = f"---\nid: PR-1\n{front}---\nBody\n---\n"
    assert append_history(text, "2026-03-02 closed: x") == f"---\nid: PR-1\n{after}---\nBody\n---\n"


TREND_REPORTS = {
    "PR-001": (
        "high",
        "2025-10-27",
        [
            "2025-10-27 open",
            "2025-10-28 investigating",
            "2025-11-10 resolved",
            "2025-11-19 verified",
            "2025-11-21 closed",
        ],
    ),
    "PR-002": ("low", "2025-12-02", ["2025-12-02 open", "2026-01-15 investigating"]),
    "PR-003": (None, "2026-01-05", None),
    "PR-004": ("medium", None, None),
}


def test_the_trend_counts_reports_per_month_and_criticality(
    project: Path, write_item: ItemWriter, runner: CliRunner
) -> None:
    for item_id, (criticality, reported, history) in TREND_REPORTS.items():
        front: dict[str, object] = {"state": "open" if history is None else history[-1][11:]}
        if criticality:
            front["criticality"] = criticality
        if reported:
            front["reported_date"] = reported
        if history:
            front["state_history"] = [f'"{entry}"' for entry in history]
        write_item(item_id, "problem-report", **front)

    trend = problem_trend(project, options=NO_CACHE)

    assert trend.columns == ("high", "medium", "low", "unrated")
    assert trend.undated == ("PR-004",)
    assert [(m.month, m.reported, m.open) for m in trend.months] == [
        ("2025-10", (1, 0, 0, 0), (1, 0, 0, 0)),
        ("2025-11", (0, 0, 0, 0), (0, 0, 0, 0)),  # closed on 2025-11-21
        ("2025-12", (0, 0, 1, 0), (0, 0, 1, 0)),
        ("2026-01", (0, 0, 0, 1), (0, 0, 1, 1)),
    ]
    until = problem_trend(project, until=dt.date(2026, 3, 31), options=NO_CACHE)
    assert [m.month for m in until.months][-2:] == ["2026-02", "2026-03"]

    text = runner.invoke(problems, ["trend", "--path", str(project)], obj=Context())
    assert text.exit_code == 0
    assert max(len(line) for line in text.output.splitlines()) <= 80
    assert "2025-10      1      0      0      0      1        1" in text.output
    assert "PR-004" in text.output
    document = json.loads(
        runner.invoke(
            problems, ["trend", "--path", str(project), "--format", "json"], obj=Context()
        ).output
    )
    assert document["months"][3] == {
        "month": "2026-01",
        "reported": {"high": 0, "medium": 0, "low": 0, "unrated": 1},
        "open": {"high": 0, "medium": 0, "low": 1, "unrated": 1},
    }


def test_the_example_reports_follow_the_state_machine(committed: Path) -> None:
    example = committed
    found = [i for i in load_project(example, NO_CACHE).items if i.kind == "problem-report"]
    assert {str(i.field("state")) for i in found} >= {
        "open",
        "investigating",
        "resolved",
        "verified",
        "closed",
    }
    assert all(i.field("state-history") for i in found)
    codes = {f.code for f in check_project(example, CheckOptions(load=NO_CACHE)).findings}
    assert codes == set()


def test_a_gitlab_export_is_imported_with_its_project_path(project: Path, tmp_path: Path) -> None:
    configure(project)
    (project / "medtrace.toml").write_text(
        (project / "medtrace.toml")
        .read_text("utf-8")
        .replace("status: investigating", "Status::Investigating"),
        "utf-8",
    )
    entry = {
        "iid": 7,
        "title": "Alarm\nlate",
        "description": "Seen twice.",
        "state": "opened",
        "labels": ["status::investigating", "P3"],
        "author": {"username": "snovak"},
        "created_at": "2026-02-03T10:00:00.000+01:00",
        "closed_at": None,
        "web_url": "https://gitlab.example.com/pump/firmware/-/issues/7",
    }
    path = write(tmp_path / "gl.json", [entry])
    report = import_problems(project, path, "gitlab", today=TODAY)
    assert report.tracker == "gitlab"
    [record] = reports(project).values()
    assert record["tracker-id"] == "gitlab:pump/firmware#7"
    assert (record["state"], record["criticality"]) == ("investigating", "low")  # case ignored
    assert record["title"] == "Alarm late"
    with pytest.raises(MedtraceError, match="a GitLab issue in an export of GitHub issues"):
        import_problems(project, path, "github")

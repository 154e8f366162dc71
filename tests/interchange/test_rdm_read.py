"""The Innolitics RDM data reader: the real example in ../shared, and broken files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import shared_path

from medtrace.interchange.findings import INVALID, NOT_IMPORTED, UNREADABLE
from medtrace.interchange.rdm.read import parse_rdm
from medtrace.interchange.rdm.records import RdmData
from medtrace.model import Severity


def _real() -> Path:
    return shared_path("realworld", "iec62304", "innolitics-rdm", "data")


def _yaml(root: Path, name: str) -> object:
    return yaml.safe_load((root / name).read_text("utf-8"))


def test_the_real_data_is_read_whole() -> None:
    root = _real()
    data, findings = parse_rdm({p.name: p.read_bytes() for p in root.iterdir()})
    assert findings == ()
    assert len(data.files) == 9
    requirements = _yaml(root, "requirements.yml")
    risk = _yaml(root, "risk.yml")
    history = _yaml(root, "history.yml")
    assert isinstance(requirements, list) and isinstance(risk, dict)
    assert isinstance(history, dict)
    assert [r.id for r in data.requirements] == [r["id"] for r in requirements]
    assert [r.system_requirements for r in data.requirements] == [
        tuple(r["system_requirements"]) for r in requirements
    ]
    assert [r.hazard for r in data.risks] == [r["hazard"] for r in risk["risks"]]
    assert data.risk_scales is not None
    assert {k for k, _ in data.risk_scales.values} == set(risk) - {"risks"}
    assert [s.title for s in data.soup] == [s["title"] for s in _list(root, "soup.yml")]
    unit = _yaml(root, "unit_test_record.yml")
    integration = _yaml(root, "integration_test_record.yml")
    assert isinstance(unit, dict) and isinstance(integration, dict)
    assert [t.key for t in data.test_results] == [*unit, *integration]
    assert [t.level for t in data.test_results] == ["unit"] * len(unit) + ["integration"] * len(
        integration
    )
    assert [t.name for t in data.manual_tests] == [
        t["name"] for t in _list(root, "manual_tests.yml")
    ]
    assert [len(t.steps) for t in data.manual_tests] == [
        len(t["steps"]) for t in _list(root, "manual_tests.yml")
    ]
    assert [v.release_id for v in data.versions] == [
        v["release_id"] for v in _list(root, "versions.yml")
    ]
    assert [c.id for c in data.change_requests] == [c["id"] for c in history["change_requests"]]
    assert [c.id for c in data.changes] == [c["id"] for c in history["changes"]]
    assert data.device is not None
    assert dict(data.device.values) == _yaml(root, "device.yml")


def _list(root: Path, name: str) -> list[dict[str, Any]]:
    loaded = _yaml(root, name)
    assert isinstance(loaded, list)
    return loaded


def test_entries_keep_their_lines_and_unknown_keys() -> None:
    text = b"# comment\n- id: r-1\n  title: One\n  owner: QA\n- id: r-2\n  title: Two\n"
    data, findings = parse_rdm({"requirements.yml": text})
    assert findings == ()
    assert [r.location.line for r in data.requirements] == [2, 5]
    assert dict(data.requirements[0].extra) == {"owner": "QA"}


def test_unknown_files_and_keys_are_reported_not_read() -> None:
    history = b"change_requests: []\nchanges: []\nreviews: [1]\n"
    data, findings = parse_rdm({"people.yml": b"- a\n", "history.yml": history, "soup.yml": b""})
    assert data.files == ("soup.yml", "history.yml")
    assert [(f.code, f.severity, str(f.location)) for f in findings] == [
        (NOT_IMPORTED, Severity.WARNING, "history.yml:3"),
        (NOT_IMPORTED, Severity.WARNING, "people.yml"),
    ]


BROKEN = [
    ("requirements.yml", b"- id: r-1\n  title: \xff\n", UNREADABLE, 2, "not UTF-8"),
    ("soup.yml", b"- title: A\n- title: [broken\n", UNREADABLE, 3, "not valid YAML"),
    ("soup.yml", b"- title: A\n---\n- title: B\n", UNREADABLE, 2, "not valid YAML"),
    ("versions.yml", b"- release_id: v1\n  date: 2040-13-45\n", UNREADABLE, 2, "no valid date"),
    ("requirements.yml", b"id: r-1\ntitle: A\n", INVALID, 1, "is not a list"),
    ("soup.yml", b"- title: A\n- just text\n", INVALID, 2, "is not a mapping"),
    ("requirements.yml", b"- id: r-1\n- title: B\n", INVALID, 2, "has no id"),
    ("requirements.yml", b"- id: 1 2\n", INVALID, 1, "not a valid item id"),
    ("requirements.yml", b"- id: r-1\n- id: r-1\n", INVALID, 2, "appears twice"),
    ("requirements.yml", b"- id: r-1\n  title: [a, b]\n", INVALID, 2, "title is not a text"),
    ("requirements.yml", b"- id: r-1\n  system_requirements: {a: 1}\n", INVALID, 2, "not a list"),
    ("risk.yml", b"risk_levels: []\nrisks: {a: 1}\n", INVALID, 2, "risks is not a list"),
    ("risk.yml", b"risks:\n  - severity: Minor\n", INVALID, 2, "names no hazard"),
    ("soup.yml", b"- version: '1.0'\n", INVALID, 1, "has no title"),
    ("unit_test_record.yml", b"- T1\n", INVALID, 1, "is not a mapping"),
    ("unit_test_record.yml", b"T1:\n  result: pass\n  req_ids: [SR 1]\n", INVALID, 3, "SR 1"),
    ("manual_tests.yml", b"- name: M\n  steps: [1, 2]\n", INVALID, 2, "is not a mapping"),
    ("manual_tests.yml", b"- steps: []\n", INVALID, 1, "has no name"),
    ("versions.yml", b"- date: 1-1-2040\n", INVALID, 1, "has no release_id"),
    ("history.yml", b"- id: '1'\n", INVALID, 1, "is not a mapping"),
    ("history.yml", b"change_requests:\n- title: T\n", INVALID, 2, "has no id"),
    ("history.yml", b"changes:\n- id: a b\n", INVALID, 2, "is not letters"),
    ("history.yml", b"change_requests:\n- id: '1'\n  is_problem_report: maybe\n", INVALID, 3, ""),
    ("device.yml", b"- name: X\n", INVALID, 1, "is not a mapping"),
]


@pytest.mark.parametrize(("name", "text", "code", "line", "message"), BROKEN)
def test_each_broken_file_is_one_located_finding_and_no_data(
    name: str, text: bytes, code: str, line: int, message: str
) -> None:
    good = b"- id: r-9\n  title: Fine\n"
    files = {name: text} | ({} if name == "requirements.yml" else {"requirements.yml": good})
    data, findings = parse_rdm(files)
    assert [(f.code, f.severity, f.location.path, f.location.line) for f in findings] == [
        (code, Severity.ERROR, name, line)
    ]
    assert message in findings[0].message
    assert data == RdmData(files=data.files)


def test_an_empty_or_null_file_holds_no_entries() -> None:
    data, findings = parse_rdm({"soup.yml": b"# none yet\n", "manual_tests.yml": b"null\n"})
    assert (data.soup, data.manual_tests, findings) == ((), (), ())

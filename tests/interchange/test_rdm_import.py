"""RDM import: the real example in ../shared imports whole, and check loads it."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from tests.conftest import shared_path

from medtrace.api import check_project, load_project
from medtrace.api.migrate import import_rdm
from medtrace.errors import MedtraceError
from medtrace.interchange.findings import NOT_IMPORTED
from medtrace.interchange.rdm.map import rdm_items, rdm_warnings
from medtrace.interchange.rdm.read import parse_rdm
from medtrace.model.kinds import builtin_schema

STRUCTURAL = ("file/", "item/", "link/", "config/")


def _source() -> Path:
    return shared_path("realworld", "iec62304", "innolitics-rdm")


def _load(root: Path, name: str) -> object:
    return yaml.safe_load((root / "data" / name).read_text("utf-8"))


def _expected(root: Path) -> tuple[Counter[str], int, list[str]]:
    """Items per kind, links and the link targets outside the data, counted from the
    YAML itself by the mapping the docs describe (not by the importer)."""
    requirements = _load(root, "requirements.yml")
    risks = _load(root, "risk.yml")["risks"]  # type: ignore[index]
    soup = _load(root, "soup.yml")
    unit = _load(root, "unit_test_record.yml")
    integration = _load(root, "integration_test_record.yml")
    manual = _load(root, "manual_tests.yml")
    versions = _load(root, "versions.yml")
    requests = _load(root, "history.yml")["change_requests"]  # type: ignore[index]
    assert isinstance(requirements, list) and isinstance(soup, list)
    assert isinstance(unit, dict) and isinstance(integration, dict)
    assert isinstance(manual, list) and isinstance(versions, list)
    results = [*unit.values(), *integration.values()]
    measures = [
        [m] if isinstance(m, str) else m or [] for m in (r.get("control_measures") for r in risks)
    ]
    kinds = Counter(
        {
            "software-requirement": len(requirements),
            "hazard": len({r["hazard"] for r in risks}),
            "hazardous-situation": len(risks),
            "harm": len({(r["harm"], r["severity"]) for r in risks}),
            "risk-control": len({m for row in measures for m in row}),
            "soup": len(soup),
            "test-case": len(results) + len(manual),
            "test-record": len(results) + sum(1 for t in manual if t["steps"]),
            "release": len(versions),
            "change-request": sum(1 for c in requests if not c["is_problem_report"]),
            "problem-report": sum(1 for c in requests if c["is_problem_report"]),
        }
    )
    step_ids = [{i for s in t["steps"] for i in s.get("req_ids", [])} for t in manual]
    links = (
        sum(len(r.get("system_requirements", [])) for r in requirements)
        + 2 * len(risks)  # arises-from its hazard, may-cause its harm
        + sum(len(set(row)) for row in measures)  # each control mitigates the row
        + sum(len(r["req_ids"]) + 1 for r in results)  # verifies, executes
        + sum(len(ids) + 1 for ids in step_ids)
    )
    outside = [i for r in requirements for i in r.get("system_requirements", [])]
    outside += [i for r in results for i in r["req_ids"]] + [i for ids in step_ids for i in ids]
    return +kinds, links, sorted(outside)


def _structural(root: Path) -> list[tuple[str, str]]:
    """(code, the id a link/dangling names) of each structural finding of check."""
    report = check_project(root)
    return [
        (f.code, match.group(1) if match else f.message)
        for f in report.findings
        if f.code.startswith(STRUCTURAL)
        for match in [re.search(r"(\S+), which does not exist", f.message)]
    ]


def test_the_real_rdm_data_imports_whole(project: Path) -> None:
    source = _source()
    kinds, links, outside = _expected(source)
    assert (sum(kinds.values()), links, len(outside)) == (27, 25, 16)  # RDM's example today
    report = import_rdm(project, source)
    assert Counter(item.kind for item in report.created) == kinds
    assert report.links == links
    loaded = load_project(project)
    assert Counter(item.kind for item in loaded.items) == kinds
    assert sum(len(item.links) for item in loaded.items) == links
    # The only structural findings: RDM keeps system requirements (SR-n) outside
    # its data, and its tests verify those ids. The links are kept so that they
    # equal the source's; each missing target is a link/dangling until the system
    # requirements exist in the project.
    found = _structural(project)
    assert {code for code, _ in found} == {"link/dangling"}
    assert sorted(target for _, target in found) == outside
    warned = {f.location.path for f in report.warnings}
    assert {f.code for f in report.warnings} == {NOT_IMPORTED}
    assert warned == {"data/device.yml", "data/risk.yml", "documents", "test_data"}


def test_what_has_no_field_is_kept_in_the_body(project: Path) -> None:
    report = import_rdm(project, _source())
    by_id = {item.id: item for item in load_project(project).items}
    requirement = by_id["r-1"]
    assert "## Specifications" in requirement.body and "type: Input/Output" in requirement.body
    assert by_id["r-2"].field("category") == "functional"
    situation = by_id["HS-RDM-001"]
    assert "software_item: Annotation Metric Calculator" in situation.body
    unmapped = {item.id: item.unmapped for item in report.created}
    assert unmapped["r-1"] == ("type",) and unmapped["r-2"] == ()
    assert unmapped["HS-RDM-001"] == ("software_item",)
    assert "David Giese" in by_id["CR-RDM-1"].body


def test_dry_run_writes_nothing_and_nothing_is_overwritten(project: Path) -> None:
    source = _source()
    report = import_rdm(project, source, dry_run=True)
    assert report.created and report.dry_run and not (project / "rdm").exists()
    import_rdm(project, source)
    files = sorted(p.read_bytes() for p in (project / "rdm").rglob("*.md"))
    with pytest.raises(MedtraceError, match="already an item"):
        import_rdm(project, source)
    assert sorted(p.read_bytes() for p in (project / "rdm").rglob("*.md")) == files


def test_the_data_folder_alone_imports_too(project: Path) -> None:
    report = import_rdm(project, _source() / "data", dry_run=True)
    assert {f.location.path for f in report.warnings} == {"device.yml", "risk.yml"}


def test_broken_data_writes_nothing(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "rdm" / "data"
    shutil.copytree(_source() / "data", data)
    (data / "soup.yml").write_text("- version: '1'\n", "utf-8")
    with pytest.raises(MedtraceError, match=r"data/soup.yml:1: SOUP 1 has no title"):
        import_rdm(project, tmp_path / "rdm")
    assert load_project(project).items == ()


def test_risk_rows_share_hazards_harms_and_controls() -> None:
    risk = {
        "risks": [
            {"hazard": "H", "hazardous_situation": "S1", "harm": "X", "severity": "Minor"},
            {
                "hazard": "H",
                "hazardous_situation": "S2\nmore",
                "harm": "X",
                "severity": "Serious",
                "control_measures": ["Limit", "Alarm"],
            },
            {"hazard": "H2", "harm": "X", "severity": "Minor", "control_measures": "Limit"},
        ]
    }
    data, findings = parse_rdm({"risk.yml": yaml.safe_dump(risk).encode()})
    assert findings == ()
    items = {item.id: item for item in rdm_items(data, builtin_schema())}
    assert sorted(items) == [
        "HARM-RDM-001",
        "HARM-RDM-002",
        "HAZ-RDM-001",
        "HAZ-RDM-002",
        "HS-RDM-001",
        "HS-RDM-002",
        "HS-RDM-003",
        "RC-RDM-001",
        "RC-RDM-002",
    ]
    assert items["HS-RDM-003"].links == (
        ("arises-from", ("HAZ-RDM-002",)),
        ("may-cause", ("HARM-RDM-001",)),
    )
    assert items["HS-RDM-003"].title == "H2 (RDM risk 3)"
    assert items["HS-RDM-002"].title == "S2" and "S2\nmore" in items["HS-RDM-002"].body
    assert items["HARM-RDM-002"].fields == (("severity", "Serious"),)
    assert items["RC-RDM-001"].links == (("mitigates", ("HS-RDM-002", "HS-RDM-003")),)
    assert rdm_warnings(data) == ()


def test_tests_versions_and_history_map_to_records() -> None:
    files = {
        "unit_test_record.yml": b"T.a:\n  result: weird\n  req_ids: [r-1]\n  extra: 1\n",
        "manual_tests.yml": b"- name: M\n  steps:\n  - {step: 1, result: what}\n- name: N\n",
        "versions.yml": b"- release_id: v2\n  date: 2040-01-02\n  changes: [A]\n",
        "history.yml": b"change_requests: []\nchanges:\n- id: '7'\n  content: C\n",
    }
    data, findings = parse_rdm(files)
    assert findings == ()
    items = {item.id: item for item in rdm_items(data, builtin_schema())}
    assert sorted(items) == [
        "REL-RDM-001",
        "TC-RDM-001",
        "TC-RDM-002",
        "TC-RDM-003",
        "TR-RDM-001",
        "TR-RDM-002",
    ]
    assert items["TR-RDM-001"].unmapped == ("result", "extra")
    assert items["TR-RDM-002"].unmapped == ("step-results",)
    assert dict(items["REL-RDM-001"].fields) == {"version": "v2", "date": "2040-01-02"}
    assert [w.message for w in rdm_warnings(data)] == [
        "change '7' belongs to no change request; it is not imported"
    ]


def test_other_files_in_data_are_reported_not_read(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "rdm" / "data"
    shutil.copytree(_source() / "data", data)
    (data / "people.yml").write_bytes(b"\xff not even read")
    (data / "old").mkdir()
    report = import_rdm(project, tmp_path / "rdm", dry_run=True)
    paths = {f.location.path for f in report.warnings if f.code == NOT_IMPORTED}
    assert {"data/people.yml", "data/old/"} <= paths


def _variant(tmp_path: Path) -> Path:
    """A copy of the real RDM data, its requirements.yml wrapped in a mapping and its
    risks carrying ids of their own, as RDM-derived templates have them."""
    copy = tmp_path / "variant"
    shutil.copytree(_source(), copy)
    requirements = (copy / "data" / "requirements.yml").read_text("utf-8")
    wrapped = "requirements:\n" + "".join(f"  {line}\n" for line in requirements.splitlines())
    (copy / "data" / "requirements.yml").write_text(wrapped, "utf-8")
    risk = (copy / "data" / "risk.yml").read_text("utf-8")
    numbered = iter(range(1, 1000))
    risk = re.sub(
        r"(?m)^(\s*)- hazard:",
        lambda m: f"{m.group(1)}- id: hz-{next(numbered)}\n{m.group(1)}  hazard:",
        risk,
    )
    (copy / "data" / "risk.yml").write_text(risk, "utf-8")
    return copy


def test_an_rdm_variant_with_wrapped_requirements_and_own_risk_ids_imports(
    tmp_path: Path,
) -> None:
    variant = _variant(tmp_path)
    requirements = _load(_source(), "requirements.yml")
    assert isinstance(requirements, list)
    project = tmp_path / "p"
    project.mkdir()
    (project / "medtrace.toml").write_text('[project]\nname = "R"\n', "utf-8")
    report = import_rdm(project, variant)
    ids = {item.id for item in report.created}
    assert {str(entry["id"]) for entry in requirements} <= ids  # type: ignore[index]
    assert "hz-1" in ids and "HS-RDM-001" not in ids  # the row's own id, kept
    kinds = {item.id: item.kind for item in report.created}
    assert kinds["hz-1"] == "hazardous-situation"
    wrapped = [w for w in report.warnings if w.location.path == "data/requirements.yml"]
    assert wrapped and wrapped[0].location.line == 1, report.warnings
    assert all(w.location.path for w in report.warnings)  # every warning names its file
    with pytest.raises(MedtraceError, match=r"requirements.yml:1: .*mapping"):
        import_rdm(tmp_path / "p", variant, dry_run=True, strict=True)


def test_migrate_prints_each_warning_with_its_file_and_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from medtrace.cli.main import cli

    project = tmp_path / "p"
    project.mkdir()
    (project / "medtrace.toml").write_text('[project]\nname = "R"\n', "utf-8")
    result = CliRunner().invoke(cli, ["migrate", "rdm", str(_source()), "--path", str(project)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert warnings
    assert all(
        re.match(r"warning: data/[a-z_]+\.yml(:\d+)?: ", w)
        or "documents/" in w
        or re.match(r"warning: [a-z_]+/?(:\d+)?: ", w)
        for w in warnings
    ), warnings

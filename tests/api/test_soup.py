"""SOUP kept in step with the lockfile: sync, the rules it feeds, SBOM and VEX export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtrace.api import CheckOptions, LoadOptions, check_project
from medtrace.api.load import load_project
from medtrace.api.soup import audit_soup, export_sbom, sync_soup
from medtrace.errors import MedtraceError
from medtrace.export.front_matter import set_front_matter
from medtrace.export.soup import schema_errors
from medtrace.graph import TraceGraph

NO_CACHE = CheckOptions(load=LoadOptions(use_cache=False))
LOCK = "code/requirements.txt"


def bump(example: Path, old: str, new: str) -> None:
    lock = example / LOCK
    text = lock.read_text("utf-8")
    assert old in text
    lock.write_text(text.replace(old, new), "utf-8")


def codes(example: Path) -> list[tuple[str, str | None]]:
    report = check_project(example, NO_CACHE)
    return sorted((f.code, f.item) for f in report.findings)


def test_the_example_is_in_step_with_its_lockfile(committed: Path) -> None:
    example = committed
    report = sync_soup(example, dry_run=True)
    assert report.drift.clean
    # 10 packages in the lockfile, each with its record; the 3 generic ones are not compared.
    lines = [
        line
        for line in (example / LOCK).read_text("utf-8").splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    assert len(report.drift.unchanged) == len(lines) == 10
    assert codes(example) == []


def test_a_bumped_version_marks_exactly_its_record_and_users(committed: Path) -> None:
    example = committed
    record = example / "soup/SOUP-003.md"
    before = record.read_text("utf-8").splitlines()
    others = {p: p.read_bytes() for p in (example / "soup").glob("*.md") if p != record}
    bump(example, "cryptography==42.0.5", "cryptography==43.0.1")

    report = sync_soup(example)

    assert [(c.record.id, c.before, c.component.version) for _, c in report.updated] == [
        ("SOUP-003", "42.0.5", "43.0.1")
    ]
    assert report.users == {"SOUP-003": ("SWI-007", "SWI-008")}
    assert report.created == () and report.drift.removed == ()
    after = record.read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ('version: "42.0.5"', 'version: "43.0.1"'),
        ('purl: "pkg:pypi/cryptography@42.0.5"', 'purl: "pkg:pypi/cryptography@43.0.1"'),
    ]
    assert {p: p.read_bytes() for p in others} == others  # no other record touched
    # The evaluation (for 42.0.5) is out of date: the record and its users are reported.
    # 43.0.1 is where GHSA-h4gh-qq45-vh27 is fixed, so no advisory affects it. The
    # test case that verifies the component was reviewed against 42.0.5: suspect.
    assert codes(example) == [
        ("62304.7.1.3/soup-evaluation-outdated", "SOUP-003"),
        ("62304.7.4.1/soup-change-not-analysed", "SWI-007"),
        ("62304.7.4.1/soup-change-not-analysed", "SWI-008"),
        ("62304.7.4.1/suspect-link", "TC-052"),
    ]
    project = load_project(example)
    graph = TraceGraph(project.items, project.config.schema)
    assert [t.id for t in graph.sources("SOUP-003", "verifies")] == ["TC-052"]


def test_before_sync_the_check_names_the_drift(committed: Path) -> None:
    example = committed
    bump(example, "pyserial==3.5", "pyserial==3.5.1")
    assert codes(example) == [("62304.8.1.2/soup-version-drift", "SOUP-002")]


def test_new_and_removed_components(example: Path) -> None:
    bump(example, "pyserial==3.5\n", "crcmod==1.7\n")
    report = sync_soup(example)
    assert [(path, c.name, c.version) for path, c in report.created] == [
        ("soup/SOUP-014.md", "crcmod", "1.7")
    ]
    assert [r.id for r in report.drift.removed] == ["SOUP-002"]
    draft = (example / "soup/SOUP-014.md").read_text("utf-8")
    assert "status: draft" in draft and 'purl: "pkg:pypi/crcmod@1.7"' in draft
    found = codes(example)
    assert ("62304.8.1.2/soup-not-in-sources", "SOUP-002") in found
    assert ("62304.7.1.3/soup-anomalies-not-evaluated", "SOUP-014") in found
    # A second sync finds nothing new to write.
    again = sync_soup(example, dry_run=True)
    assert again.created == () and [r.id for r in again.drift.removed] == ["SOUP-002"]


def test_a_broken_source_writes_nothing(example: Path) -> None:
    (example / LOCK).write_text("pydantic==2.6.4\n-r missing.txt\n", "utf-8")
    before = {p: p.read_bytes() for p in (example / "soup").rglob("*") if p.is_file()}
    with pytest.raises(MedtraceError, match=r"requirements.txt:2"):
        sync_soup(example)
    assert {p: p.read_bytes() for p in (example / "soup").rglob("*") if p.is_file()} == before


def test_set_front_matter_keeps_every_other_byte() -> None:
    text = '---\r\nid: X\r\nversion: >-\r\n  1.0\r\nnote: "a: b"\r\n---\r\nBody\r\n'
    got = set_front_matter(text, {"version": '"2.0"', "purl": '"pkg:pypi/x@2.0"'})
    assert got == (
        '---\r\nid: X\r\nversion: "2.0"\r\nnote: "a: b"\r\npurl: "pkg:pypi/x@2.0"\r\n---\r\n'
        "Body\r\n"
    )


def test_the_sbom_and_vex_are_valid_cyclonedx_and_deterministic(example: Path) -> None:
    sbom = export_sbom(example)
    assert schema_errors(sbom) == []
    assert export_sbom(example) == sbom
    document = json.loads(sbom)
    assert document["specVersion"] == "1.6"
    names = sorted((c["name"], c.get("version")) for c in document["components"])
    records = sorted((example / "soup").glob("SOUP-*.md"))
    assert len(names) == len(records) == 13
    assert ("cryptography", "42.0.5") in names
    vex = json.loads(export_sbom(example, vex=True))
    assert schema_errors(json.dumps(vex)) == []
    (entry,) = vex["vulnerabilities"]
    assert entry["id"] == "GHSA-h4gh-qq45-vh27"
    assert entry["analysis"]["state"] == "not_affected"
    assert entry["analysis"]["justification"] == "code_not_reachable"
    assert [a["ref"] for a in entry["affects"]] == ["SOUP-003"]


def test_the_audit_finds_the_one_advisory_and_its_evaluation(example: Path) -> None:
    audit = audit_soup(example)
    assert audit.findings == ()
    assert [
        (e.soup.id, e.match.advisory.id, e.evaluation and e.evaluation.id) for e in audit.entries
    ] == [("SOUP-003", "GHSA-h4gh-qq45-vh27", "VE-001")]


def _unsafe_archive(path: Path) -> Path:
    import zipfile

    record = {"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z", "affected": []}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("GHSA-x.json", json.dumps(record))
        archive.writestr("../../escape.json", json.dumps(record))
    return path


def test_an_audit_against_a_refused_archive_fails(example: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from medtrace.cli.main import cli

    archive = _unsafe_archive(tmp_path / "all.zip")
    result = CliRunner().invoke(
        cli, ["soup", "audit", "--advisories", str(archive), "--path", str(example)]
    )
    assert result.exit_code == 2, result.output
    assert "osv/archive-unsafe" in result.stderr or "escapes the archive" in result.stderr
    assert "0 affecting advisories" not in result.stdout


def test_an_audit_with_unreadable_records_is_not_clean(example: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from medtrace.cli.main import cli

    folder = tmp_path / "osv"
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", "utf-8")
    result = CliRunner().invoke(
        cli, ["soup", "audit", "--advisories", str(folder), "--path", str(example)]
    )
    assert result.exit_code == 1, result.output
    assert "error: " in result.stderr and "broken.json" in result.stderr
    assert "1 record(s) could not be read" in result.stdout


def test_the_audit_is_read_at_80_columns_and_says_whole_what_each_record_follows(
    example: Path,
) -> None:
    from click.testing import CliRunner

    from medtrace.cli.main import cli

    result = CliRunner().invoke(cli, ["soup", "audit", "--path", str(example)])
    assert result.exit_code in (0, 1), result.output
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []
    flat = " ".join(result.stdout.split())
    assert "not in OSV; followed by: The linux-cve-announce list" in flat
    assert "(only enabled drivers and subsystems are assessed)." in flat


ODD = {
    "name": "evil\nkind: hazard\x1b[31m",
    "version": "1.0\r\n\x07beta\u2028x\x85",
    "supplier": "ACME\x00 Corp\ttabbed",
}


def test_sync_from_an_sbom_with_line_breaks_and_control_characters_writes_records_that_parse(
    project: Path, tmp_path: Path
) -> None:
    from medtrace.api import load_project
    from medtrace.api.soup import sync_soup

    component = {
        "type": "library",
        "name": ODD["name"],
        "version": ODD["version"],
        "supplier": {"name": ODD["supplier"]},
    }
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [component]}
    source = tmp_path / "bom.cdx.json"
    source.write_text(json.dumps(sbom), "utf-8")
    report = sync_soup(project, sources=[source])
    assert len(report.created) == 1
    loaded = load_project(project)
    assert [f.code for f in loaded.diagnostics if f.code.startswith(("file/", "item/"))] == []
    (record,) = loaded.items
    assert record.kind == "soup"
    assert record.title == "evil kind: hazard[31m"  # one line, no control characters
    assert record.field("version") == "1.0 beta x"  # one line, as a version is
    assert record.field("manufacturer") == "ACME Corp tabbed"


def test_a_malformed_osv_record_is_a_finding_of_audit_and_check(example: Path) -> None:
    from click.testing import CliRunner

    from medtrace.cli.main import cli

    record = {
        "id": "GHSA-bad",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "click"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": {"a": 1}}]}],
            }
        ],
    }
    (example / "soup" / "advisories" / "GHSA-bad.json").write_text(json.dumps(record), "utf-8")
    runner = CliRunner()
    for command in (["soup", "audit", "--path", str(example)], ["check", "--path", str(example)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "GHSA-bad.json" in result.output


def test_an_spdx_source_without_spdxids_syncs_leniently_and_is_refused_strictly(
    project: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner
    from tests.ingest.test_sbom import _spdx_document

    from medtrace.cli.main import cli

    source = tmp_path / "scan.spdx.json"
    source.write_bytes(_spdx_document("SPDXID"))
    runner = CliRunner()
    args = ["soup", "sync", str(source), "--dry-run", "--path", str(project)]
    lenient = runner.invoke(cli, args)
    assert lenient.exit_code == 1, lenient.output  # two new components to record
    assert "warning: " in lenient.stderr and "SPDXID" in lenient.stderr
    assert "would write draft" in lenient.stdout
    strict = runner.invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 2, strict.output
    assert "SPDXID" in strict.stderr and "nothing was written" in strict.stderr
    imported = runner.invoke(cli, ["soup", "import", str(source), "--strict"])
    assert imported.exit_code == 2 and "error: " in imported.stderr

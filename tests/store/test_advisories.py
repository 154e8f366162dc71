"""Reading an OSV database: a folder or a zip archive, read in memory, unsafe archives refused."""

from __future__ import annotations

import gc
import json
import zipfile
from pathlib import Path

import pytest
from tests.conftest import shared_path

from medtrace.errors import MedtraceError
from medtrace.ingest.osv import parse_advisory
from medtrace.model.advisories import Advisory
from medtrace.model.finding import Finding
from medtrace.store.advisories import MEMBER_LIMIT, read_advisories, unsafe_member


def read(source: Path) -> tuple[tuple[Advisory, ...], tuple[Finding, ...]]:
    return read_advisories(source, parse=parse_advisory)


def record(record_id: str) -> bytes:
    return json.dumps({"id": record_id, "modified": "2024-01-01T00:00:00Z"}).encode()


def archive(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as written:
        for name, data in members.items():
            written.writestr(name, data)
    return path


def real_records() -> dict[str, bytes]:
    root = shared_path("realworld", "osv", "osv-schema")
    paths = (p for p in root.rglob("*.json") if p.name != "schema.json")
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in paths}


def test_a_folder_and_a_zip_of_the_real_records_read_the_same(tmp_path: Path) -> None:
    members = real_records()
    folder = tmp_path / "osv"
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "README.md").write_text("not a record")
    zipped = archive(tmp_path / "all.zip", members)
    from_folder, folder_findings = read(folder)
    from_zip, zip_findings = read(zipped)
    assert folder_findings == zip_findings == ()
    assert len(from_folder) == len(from_zip) == len(members) == 18
    assert [a.id for a in from_folder] == [a.id for a in from_zip]
    assert [a.path for a in from_folder] == [f"{folder.as_posix()}/{n}" for n in sorted(members)]
    assert [a.path for a in from_zip] == [f"{zipped.as_posix()}/{n}" for n in sorted(members)]
    strip = [(a.id, a.affected, a.withdrawn) for a in from_folder]
    assert strip == [(a.id, a.affected, a.withdrawn) for a in from_zip]


def test_a_corrupt_record_among_good_ones(tmp_path: Path) -> None:
    members = {"A-1.json": record("A-1"), "B-1.json": b'{"id": "B-1",\n', "C-1.json": record("C-1")}
    members["notes.txt"] = b"ignored"
    members["sub/"] = b""
    advisories, findings = read(archive(tmp_path / "all.zip", members))
    assert [a.id for a in advisories] == ["A-1", "C-1"]
    (finding,) = findings
    assert finding.code == "osv/unreadable"
    assert finding.location.path == f"{(tmp_path / 'all.zip').as_posix()}/B-1.json"
    assert finding.location.line == 2


@pytest.mark.parametrize("evil", ["../evil.json", "/abs.json", "C:/x.json", "a\\..\\b.json"])
def test_an_archive_with_an_escaping_member_is_refused_whole(tmp_path: Path, evil: str) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    members = {"A-1.json": record("A-1"), evil: record("EVIL"), "Z-1.json": record("Z-1")}
    source = archive(workdir / "all.zip", members)
    advisories, findings = read(source)
    assert advisories == ()
    (finding,) = findings
    assert finding.code == "osv/archive-unsafe" and finding.location.path == source.as_posix()
    assert repr(evil) in finding.message
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["all.zip", "work"]  # nothing written


def test_unsafe_member_names() -> None:
    for name in (
        "../x.json",
        "a/../../x.json",
        "/x.json",
        "\\x.json",
        "C:x.json",
        "d:/x",
        "a\\..\\x",
    ):
        assert unsafe_member(name), name
    for name in ("x.json", "a/b/x.json", "..x.json", "a/..b/c.json", "GHSA-x..y.json"):
        assert not unsafe_member(name), name


def test_a_corrupt_member_is_a_finding_and_the_others_are_read(tmp_path: Path) -> None:
    source = archive(tmp_path / "all.zip", {"A-1.json": record("A-1"), "B-1.json": record("B-1")})
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as opened:
        member = opened.getinfo("A-1.json")
    start = member.header_offset + 30 + len(member.filename.encode())
    data[start + 2] ^= 0xFF  # inside the compressed bytes of A-1.json
    source.write_bytes(bytes(data))
    advisories, findings = read(source)
    assert [a.id for a in advisories] == ["B-1"]
    (finding,) = findings
    assert finding.code == "osv/unreadable" and finding.location.path.endswith("/A-1.json")
    assert finding.message.startswith("cannot be decompressed")


def test_stored_members_and_unsupported_compression(tmp_path: Path) -> None:
    stored = archive(tmp_path / "stored.zip", {"A-1.json": record("A-1")}, zipfile.ZIP_STORED)
    assert [a.id for a in read(stored)[0]] == ["A-1"]
    bzipped = archive(tmp_path / "bz.zip", {"A-1.json": record("A-1")}, zipfile.ZIP_BZIP2)
    advisories, (finding,) = read(bzipped)
    assert advisories == () and "compression method 12" in finding.message


def test_a_member_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    source = archive(tmp_path / "big.zip", {"A-1.json": record("A-1")})
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as opened:
        member = opened.getinfo("A-1.json")
    central = data.rindex(b"PK\x01\x02")  # the one central directory entry
    data[central + 24 : central + 28] = (MEMBER_LIMIT + 1).to_bytes(4, "little")
    assert member.file_size < MEMBER_LIMIT
    source.write_bytes(bytes(data))
    advisories, (finding,) = read(source)
    assert advisories == () and "larger than" in finding.message


def test_a_folder_is_read_recursively_and_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "Z-1.json").write_bytes(record("Z-1"))
    (tmp_path / "A-1.json").write_bytes(record("A-1"))
    (tmp_path / "b" / "bad.json").write_bytes(b"[]")
    advisories, findings = read(tmp_path)
    assert [a.id for a in advisories] == ["A-1", "Z-1"]
    assert [(f.code, Path(f.location.path).name) for f in findings] == [
        ("osv/unreadable", "bad.json")
    ]


def test_sources_that_cannot_be_read_raise_one_line(tmp_path: Path) -> None:
    not_zip = tmp_path / "all.zip"
    not_zip.write_text("hello")
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    other = tmp_path / "records.tar"
    other.write_bytes(b"x")
    for source in (tmp_path / "missing", tmp_path / "missing.zip", not_zip, empty, other):
        with pytest.raises(MedtraceError) as raised:
            read(source)
        message = str(raised.value)
        assert str(source) in message and "\n" not in message


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(tmp_path: Path, enabled: bool) -> None:
    source = archive(tmp_path / "all.zip", {"A-1.json": record("A-1")})
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        read(source)
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()

"""Read an OSV vulnerability database: a folder of records, or a zip archive of them.

The zip form is what OSV publishes per ecosystem (``all.zip``: a flat archive
of ``<id>.json`` files). It is memory-mapped and its members are decompressed
one by one in memory, never extracted to disk. An archive with any member whose
name could escape a folder (an absolute path, a drive letter, a ``..`` segment)
is refused as a whole: one ``osv/archive-unsafe`` finding and no records, since
such an archive did not come from the database it claims to be. A member that cannot be decompressed
or is larger than :data:`MEMBER_LIMIT` is an ``osv/unreadable`` finding.

Each record is parsed by the ``parse`` function the caller passes in
(:func:`medtrace.ingest.osv.parse_advisory`); the store does not import the
parsers. Records that do not parse are findings; the others are still read.
A source that is missing or cannot be read at all raises
:class:`~medtrace.errors.MedtraceError`.
"""

from __future__ import annotations

import mmap
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

from medtrace.errors import MedtraceError
from medtrace.model.advisories import Advisory
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation
from medtrace.store.collector import collector_paused
from medtrace.store.containment import is_inside
from medtrace.store.zips import ZIP_ERRORS, is_folder

AdvisoryParser = Callable[[bytes, str], tuple[Advisory | None, tuple[Finding, ...]]]
MEMBER_LIMIT = 64 * 1024 * 1024  # bytes of one decompressed record; OSV records are far smaller
SETTLE_AFTER = 5_000  # records read, from which one full cycle collection follows the reading

_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field
_LOCAL_SIGNATURE = b"PK\x03\x04"


def read_advisories(
    source: Path, *, parse: AdvisoryParser, fence: Path | None = None
) -> tuple[tuple[Advisory, ...], tuple[Finding, ...]]:
    """Every ``*.json`` record under the folder ``source`` (recursively) or in the zip
    archive ``source``, sorted by path, and the findings about those that could not be read.
    A record under the folder that links outside ``fence`` (the project) is not read: an
    ``osv/outside-project`` finding."""
    if source.is_dir():
        records = _folder(source, fence)
    elif source.is_file() and source.suffix.lower() == ".zip":
        records = _archive(source)
    elif source.exists():
        raise MedtraceError(f"{source}: not a folder or a .zip archive of OSV records")
    else:
        raise MedtraceError(f"{source}: no such folder or archive of OSV records")
    advisories: list[Advisory] = []
    findings: list[Finding] = []
    with collector_paused(settle=lambda: len(advisories) >= SETTLE_AFTER):
        for path, data in records:
            if isinstance(data, Finding):
                findings.append(data)
                continue
            advisory, problems = parse(data, path)
            if advisory is not None:
                advisories.append(advisory)
            findings.extend(problems)
    return tuple(advisories), tuple(findings)


def unsafe_member(name: str) -> bool:
    """Whether a member name could escape the folder it is extracted into."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


Records = Iterator[tuple[str, bytes | Finding]]


def _folder(source: Path, fence: Path | None) -> Records:
    try:
        paths = sorted(path for path in source.rglob("*.json") if path.is_file())
    except OSError as error:
        raise MedtraceError(f"{source}: cannot be read ({error.strerror or error})") from error
    for path in paths:
        name = path.as_posix()
        if fence is not None and not is_inside(fence, path):
            message = "a link to a record outside the project; not read"
            yield name, _finding("osv/outside-project", name, message)
            continue
        try:
            yield name, path.read_bytes()
        except OSError as error:
            yield name, _finding("osv/unreadable", name, f"cannot be read: {error.strerror}")


def _archive(source: Path) -> Records:
    try:
        with source.open("rb") as stream:
            data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as error:  # ValueError: an empty file cannot be mapped
        raise MedtraceError(f"{source}: not a readable zip archive ({error})") from error
    with data:
        try:
            with zipfile.ZipFile(cast("IO[bytes]", data)) as archive:  # mmap reads like a file
                members = archive.infolist()
        except ZIP_ERRORS as error:
            raise MedtraceError(f"{source}: not a readable zip archive ({error})") from error
        yield from _members(source, data, members)


def _members(source: Path, data: mmap.mmap, members: list[zipfile.ZipInfo]) -> Records:
    prefix = source.as_posix()
    for member in members:
        if unsafe_member(member.filename):
            message = f"the member {member.filename!r} escapes the archive; nothing was read"
            yield prefix, _finding("osv/archive-unsafe", prefix, message)
            return
    wanted = (m for m in members if not is_folder(m) and m.filename.lower().endswith(".json"))
    for member in sorted(wanted, key=lambda m: m.filename):
        path = f"{prefix}/{member.filename}"
        try:
            content: bytes | Finding = _member(data, member)
        except ZIP_ERRORS as error:
            content = _finding("osv/unreadable", path, f"cannot be decompressed: {error}")
        yield path, content


def _member(data: mmap.mmap, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes, decompressed straight from the memory-mapped archive.

    The local header is checked, the size bounded and the CRC verified, as
    :mod:`zipfile` would; only stored and deflated members are supported (all
    that OSV archives hold)."""
    start = member.header_offset
    header = data[start : start + _LOCAL_HEADER]
    if len(header) < _LOCAL_HEADER or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile("bad local file header")
    if member.flag_bits & 0x1:
        raise zipfile.BadZipFile("the member is encrypted")
    if member.file_size > MEMBER_LIMIT:
        raise zipfile.BadZipFile(f"the member is larger than {MEMBER_LIMIT} bytes")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    offset = start + _LOCAL_HEADER + name_length + extra_length
    raw = data[offset : offset + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        content = raw
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        content = inflater.decompress(raw, MEMBER_LIMIT + 1)
    else:
        raise zipfile.BadZipFile(f"compression method {member.compress_type} is not supported")
    if len(content) != member.file_size or zlib.crc32(content) != member.CRC:
        raise zipfile.BadZipFile("the member is corrupt (size or CRC mismatch)")
    return content


def _finding(code: str, path: str, message: str) -> Finding:
    return Finding(
        code=code, severity=Severity.ERROR, message=message, location=SourceLocation(path=path)
    )

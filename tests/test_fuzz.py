"""Fuzz tests: one per parser. Whatever bytes a parser is given, it answers with a result,
findings, or a one-line error of its own; never another exception, and within a time
and a memory bound.

Inputs are random bytes, and valid documents of the parser's format mutated: bytes
cut, dropped, repeated, or replaced by tokens that break parsers (brackets, quotes,
entity and DOCTYPE declarations, NUL, invalid UTF-8, bidirectional overrides), and,
for JSON, a part of the document replaced by another JSON value (the type confusions
real files have: an object where a string is expected). 2,000 examples per parser by
default (the ``fuzz`` profile of tests/conftest.py), 20,000 with ``pytest --slow``.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import resource
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtrace.errors import MedtraceError
from medtrace.ingest import parse_config, parse_item
from medtrace.ingest.components import parse_components
from medtrace.ingest.issues import parse_issues
from medtrace.ingest.junit import parse_results
from medtrace.ingest.markers import find_markers
from medtrace.ingest.osv import parse_advisory
from medtrace.ingest.reviews import parse_reviews
from medtrace.interchange.doorstop.read import parse_doorstop
from medtrace.interchange.needs.read import parse_needs
from medtrace.interchange.rdm.read import parse_rdm
from medtrace.interchange.reqif.read import parse_reqif
from medtrace.interchange.strictdoc.read import parse_sdoc
from medtrace.interchange.tables.read import read_table
from medtrace.model import Finding, builtin_schema
from medtrace.model.results import Outcome, ReportFile, ResultRun, TestResult, Totals
from medtrace.store.advisories import read_advisories
from medtrace.store.runs import encode_run, load_runs

TIME_LIMIT = 5.0  # seconds of CPU one example may take (inputs are at most a few KB; CPU
# time, not the clock's: other processes share the machine)
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes a worker's address space may grow by
SCHEMA = builtin_schema()
EXAMPLE = package_files.files("medtrace.examples").joinpath("infusion-pump")
SCRATCH = Path(tempfile.mkdtemp(prefix="medtrace-fuzz-"))  # (files for file readers)


def _example(*parts: str) -> bytes:
    return EXAMPLE.joinpath(*parts).read_bytes()


# --- seeds: a small valid document of each format --------------------------------------

JUNIT = b"""<?xml version="1.0"?>
<testsuites><testsuite name="s" tests="2" failures="1">
<testcase classname="tests.test_a" name="test_one" time="0.1" file="tests/test_a.py">
<properties><property name="verifies" value="SRS-001"/></properties>
<system-out>[[ATTACHMENT|logs/a.txt]]</system-out></testcase>
<testcase classname="tests.test_a" name="test_two"><failure message="no">trace</failure>
</testcase></testsuite></testsuites>"""
NUNIT = b"""<test-run id="1" testcasecount="1" result="Passed"><test-suite type="Assembly"
name="a.dll"><test-case id="2" name="T" fullname="N.C.T" result="Passed" duration="0.1">
<properties><property name="Requirement" value="SRS-002"/></properties></test-case>
</test-suite></test-run>"""
TRX = b"""<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
<Results><UnitTestResult testId="a" testName="T" outcome="Failed" duration="00:00:01.5">
<Output><ErrorInfo><Message>m</Message></ErrorInfo></Output></UnitTestResult></Results>
<TestDefinitions><UnitTest id="a" name="T"><TestMethod className="N.C" name="T"/>
</UnitTest></TestDefinitions></TestRun>"""
CYCLONEDX_JSON = json.dumps(
    {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "pump"}},
        "components": [
            {
                "type": "library",
                "name": "click",
                "version": "8.1.7",
                "purl": "pkg:pypi/click@8.1.7",
                "licenses": [{"license": {"id": "BSD-3-Clause"}}],
                "hashes": [{"alg": "SHA-256", "content": "ab" * 32}],
                "supplier": {"name": "Pallets"},
            }
        ],
    }
).encode()
CYCLONEDX_XML = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>
<component type="library"><name>rich</name><version>13.7.0</version>
<purl>pkg:pypi/rich@13.7.0</purl></component></components></bom>"""
SPDX_JSON = json.dumps(
    {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "x",
        "documentNamespace": "https://example.com/x",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]},
        "packages": [
            {
                "name": "click",
                "SPDXID": "SPDXRef-click",
                "versionInfo": "8.1.7",
                "downloadLocation": "NOASSERTION",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": "pkg:pypi/click@8.1.7",
                    }
                ],
            }
        ],
        "relationships": [
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": "SPDXRef-click",
            }
        ],
    }
).encode()
SPDX_TAG_VALUE = b"""SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: x
DocumentNamespace: https://example.com/x
Creator: Tool: t
Created: 2024-01-01T00:00:00Z

PackageName: click
SPDXID: SPDXRef-click
PackageVersion: 8.1.7
PackageDownloadLocation: NOASSERTION
FilesAnalyzed: false
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/click@8.1.7
"""
SPDX3 = json.dumps(
    {
        "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
        "@graph": [
            {
                "type": "software_Package",
                "spdxId": "urn:p",
                "name": "click",
                "software_packageVersion": "8.1.7",
                "creationInfo": "_:c",
            },
            {
                "type": "CreationInfo",
                "@id": "_:c",
                "specVersion": "3.0.1",
                "created": "2024-01-01T00:00:00Z",
                "createdBy": ["urn:a"],
            },
        ],
    }
).encode()
PIPFILE_LOCK = json.dumps(
    {
        "_meta": {"sources": [{"name": "pypi", "url": "https://pypi.org/simple"}]},
        "default": {"click": {"version": "==8.1.7", "hashes": ["sha256:" + "ab" * 32]}},
        "develop": {"pytest": {"version": "==8.0.0"}},
    }
).encode()
POETRY_LOCK = b"""[[package]]
name = "click"
version = "8.1.7"
optional = false
groups = ["main"]
files = [{file = "click.whl", hash = "sha256:abab"}]

[metadata]
lock-version = "2.0"
"""
PDM_LOCK = b"""[metadata]
lock_version = "4.4"
groups = ["default"]

[[package]]
name = "click"
version = "8.1.7"
groups = ["default"]
"""
UV_LOCK = b"""version = 1

[[package]]
name = "pump"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "click" }]

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
"""
PACKAGE_LOCK = json.dumps(
    {
        "name": "app",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "app"},
            "node_modules/left-pad": {"version": "1.3.0", "integrity": "sha512-AAAA"},
            "node_modules/@scope/dev": {"version": "2.0.0", "dev": True},
        },
    }
).encode()
NUGET_LOCK = json.dumps(
    {
        "version": 1,
        "dependencies": {
            "net8.0": {
                "Serilog": {"type": "Direct", "resolved": "2.12.0", "contentHash": "AAAA"},
                "App.Core": {"type": "Project"},
            }
        },
    }
).encode()
OSV = json.dumps(
    {
        "id": "GHSA-1",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2024-1"],
        "summary": "s",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "click"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9"}]}],
                "versions": ["8.1.7"],
            }
        ],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}],
        "references": [{"type": "WEB", "url": "https://example.com"}],
    }
).encode()
GITHUB_ISSUES = json.dumps(
    [
        {
            "number": 3,
            "html_url": "https://github.com/o/r/issues/3",
            "title": "Crash",
            "user": {"login": "a"},
            "labels": [{"name": "bug"}],
            "state": "closed",
            "created_at": "2025-01-01T00:00:00Z",
            "closed_at": "2025-01-02T00:00:00Z",
            "body": "b",
        }
    ]
).encode()
GITLAB_ISSUES = json.dumps(
    [
        {
            "iid": 4,
            "web_url": "https://gitlab.com/g/p/-/issues/4",
            "title": "Slow",
            "author": {"username": "b"},
            "labels": ["bug"],
            "state": "opened",
            "created_at": "2025-01-01T00:00:00Z",
            "closed_at": None,
            "description": "d",
        }
    ]
).encode()
NEEDS = json.dumps(
    {
        "current_version": "1.0",
        "project": "p",
        "versions": {
            "1.0": {
                "needs": {
                    "R_1": {"id": "R_1", "type": "req", "title": "A", "links": ["R_2"]},
                    "R_2": {"id": "R_2", "type": "spec", "title": "B", "links_back": ["R_1"]},
                }
            }
        },
    }
).encode()
SDOC = b"""[DOCUMENT]
TITLE: Pump
PREFIX: SRS-

[SECTION]
TITLE: Alarms

[REQUIREMENT]
UID: SRS-1
TITLE: Alarm
STATEMENT: >>>
Sound it.
<<<
RELATIONS:
- TYPE: Parent
  VALUE: SYS-1

[/SECTION]
"""
DOORSTOP_DOCUMENT = b"settings:\n  digits: 3\n  prefix: REQ\n  sep: ''\n"
DOORSTOP_ITEM = b"active: true\nheader: H\ntext: Some text.\nlinks:\n- REQ002: abc\n"
DOORSTOP_MARKDOWN = b"---\nactive: true\nlinks: []\nlevel: 1.1\n---\n\n# Head\n\nText.\n"
RDM_REQUIREMENTS = (
    b"- id: r-1\n  title: T\n  type: Functional\n  system_requirements: [SR-1]\n"
    b"  description: D\n  specifications: S\n"
)
RDM_RISK = (
    b"risks:\n  - hazard: H\n    harm: X\n    severity: High\n    probability: Low\n"
    b"    control_measures: [C]\n"
)
REQIF = b"""<?xml version="1.0" encoding="UTF-8"?>
<REQ-IF xmlns="http://www.omg.org/spec/ReqIF/20110401/reqif.xsd">
<THE-HEADER><REQ-IF-HEADER IDENTIFIER="h"><TITLE>T</TITLE></REQ-IF-HEADER></THE-HEADER>
<CORE-CONTENT><REQ-IF-CONTENT>
<DATATYPES><DATATYPE-DEFINITION-STRING IDENTIFIER="s" LONG-NAME="S" MAX-LENGTH="99"/>
<DATATYPE-DEFINITION-XHTML IDENTIFIER="x" LONG-NAME="X"/></DATATYPES>
<SPEC-TYPES><SPEC-OBJECT-TYPE IDENTIFIER="t" LONG-NAME="Requirement"><SPEC-ATTRIBUTES>
<ATTRIBUTE-DEFINITION-STRING IDENTIFIER="n" LONG-NAME="ReqIF.Name">
<TYPE><DATATYPE-DEFINITION-STRING-REF>s</DATATYPE-DEFINITION-STRING-REF></TYPE>
</ATTRIBUTE-DEFINITION-STRING><ATTRIBUTE-DEFINITION-XHTML IDENTIFIER="b" LONG-NAME="ReqIF.Text">
<TYPE><DATATYPE-DEFINITION-XHTML-REF>x</DATATYPE-DEFINITION-XHTML-REF></TYPE>
</ATTRIBUTE-DEFINITION-XHTML></SPEC-ATTRIBUTES></SPEC-OBJECT-TYPE>
<SPEC-RELATION-TYPE IDENTIFIER="r" LONG-NAME="derived-from"/></SPEC-TYPES>
<SPEC-OBJECTS><SPEC-OBJECT IDENTIFIER="o1"><VALUES>
<ATTRIBUTE-VALUE-STRING THE-VALUE="One"><DEFINITION>
<ATTRIBUTE-DEFINITION-STRING-REF>n</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION>
</ATTRIBUTE-VALUE-STRING><ATTRIBUTE-VALUE-XHTML><DEFINITION>
<ATTRIBUTE-DEFINITION-XHTML-REF>b</ATTRIBUTE-DEFINITION-XHTML-REF></DEFINITION>
<THE-VALUE><xhtml:div xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>A <xhtml:b>b</xhtml:b>
</xhtml:p></xhtml:div></THE-VALUE></ATTRIBUTE-VALUE-XHTML></VALUES>
<TYPE><SPEC-OBJECT-TYPE-REF>t</SPEC-OBJECT-TYPE-REF></TYPE></SPEC-OBJECT>
<SPEC-OBJECT IDENTIFIER="o2"><TYPE><SPEC-OBJECT-TYPE-REF>t</SPEC-OBJECT-TYPE-REF></TYPE>
</SPEC-OBJECT></SPEC-OBJECTS>
<SPEC-RELATIONS><SPEC-RELATION IDENTIFIER="l"><SOURCE><SPEC-OBJECT-REF>o2</SPEC-OBJECT-REF>
</SOURCE><TARGET><SPEC-OBJECT-REF>o1</SPEC-OBJECT-REF></TARGET>
<TYPE><SPEC-RELATION-TYPE-REF>r</SPEC-RELATION-TYPE-REF></TYPE></SPEC-RELATION></SPEC-RELATIONS>
<SPECIFICATIONS><SPECIFICATION IDENTIFIER="sp" LONG-NAME="Doc"><CHILDREN>
<SPEC-HIERARCHY IDENTIFIER="h1"><OBJECT><SPEC-OBJECT-REF>o1</SPEC-OBJECT-REF></OBJECT>
<CHILDREN><SPEC-HIERARCHY IDENTIFIER="h2"><OBJECT><SPEC-OBJECT-REF>o2</SPEC-OBJECT-REF>
</OBJECT></SPEC-HIERARCHY></CHILDREN></SPEC-HIERARCHY></CHILDREN></SPECIFICATION>
</SPECIFICATIONS></REQ-IF-CONTENT></CORE-CONTENT></REQ-IF>"""
CSV = b'id,title,status,derived-from,body\nSRS-1,"A, b",draft,"SYS-1\nSYS-2",Text\n'
MARKERS = b"# implements: SRS-001\ndef f():  # verifies: SRS-002, SRS-003\n    pass\n"
RUN = encode_run(
    ResultRun(
        revision="v1",
        commit=None,
        imported="2026-01-01T00:00:00+00:00",
        environment="ci",
        reports=(ReportFile(path="r.xml", sha256="0", format="junit", totals=Totals(tests=1)),),
        results=(
            TestResult(suite="s", classname="c", name="t", test_id="c::t", outcome=Outcome.PASSED),
        ),
    )
)


def _zip(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "title", "body"])
    sheet.append(["SRS-1", "T", "B"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the parsers -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parser:
    """A parser as a function of one input's bytes, valid inputs to mutate, and the
    error it may raise instead of answering (always one line)."""

    name: str
    call: Callable[[bytes], object]
    seeds: tuple[bytes, ...]
    raises: tuple[type[BaseException], ...] = ()


def _scratch(name: str, data: bytes) -> Path:
    path = SCRATCH / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _runs(data: bytes) -> object:
    folder = SCRATCH / "runs"
    _scratch("runs/20260101T000000Z-v1.json", data)
    return load_runs(SCRATCH, folder)


PARSERS = (
    Parser(
        "item",
        lambda d: parse_item(d, "x.md", SCHEMA),
        (_example("requirements", "software", "SRS-001.md"),),
    ),
    Parser("config", lambda d: parse_config(d), (_example("medtrace.toml"),), (MedtraceError,)),
    Parser("reviews", parse_reviews, (_example("medtrace-reviews.yaml")[:4000],)),
    Parser("junit", lambda d: parse_results(d, "r.xml"), (JUNIT, NUNIT, TRX)),
    Parser("osv", lambda d: parse_advisory(d, "osv/X.json"), (OSV,)),
    Parser("issues", lambda d: parse_issues(d, "issues.json"), (GITHUB_ISSUES, GITLAB_ISSUES)),
    Parser("markers", lambda d: find_markers(d.decode("utf-8", "replace"), "a.py"), (MARKERS,)),
    Parser("cyclonedx", lambda d: parse_components(d, "bom.json"), (CYCLONEDX_JSON, CYCLONEDX_XML)),
    Parser("spdx", lambda d: parse_components(d, "sbom.spdx"), (SPDX_JSON, SPDX_TAG_VALUE, SPDX3)),
    Parser(
        "requirements",
        lambda d: parse_components(d, "requirements.txt"),
        (_example("code", "requirements.txt"),),
    ),
    Parser("pipfile-lock", lambda d: parse_components(d, "Pipfile.lock"), (PIPFILE_LOCK,)),
    Parser("poetry-lock", lambda d: parse_components(d, "poetry.lock"), (POETRY_LOCK,)),
    Parser("pdm-lock", lambda d: parse_components(d, "pdm.lock"), (PDM_LOCK,)),
    Parser("uv-lock", lambda d: parse_components(d, "uv.lock"), (UV_LOCK,)),
    Parser("package-lock", lambda d: parse_components(d, "package-lock.json"), (PACKAGE_LOCK,)),
    Parser("nuget-lock", lambda d: parse_components(d, "packages.lock.json"), (NUGET_LOCK,)),
    Parser("reqif", lambda d: parse_reqif(d, "x.reqif"), (REQIF,)),
    Parser("reqifz", lambda d: parse_reqif(d, "x.reqifz"), (_zip(("a.reqif", REQIF)),)),
    Parser("strictdoc", lambda d: parse_sdoc(d, "x.sdoc"), (SDOC,)),
    Parser("needs", lambda d: parse_needs(d, "needs.json"), (NEEDS,)),
    Parser(
        "doorstop",
        lambda d: parse_doorstop({".doorstop.yml": DOORSTOP_DOCUMENT, "REQ001.yml": d}),
        (DOORSTOP_ITEM,),
    ),
    Parser(
        "doorstop-markdown",
        lambda d: parse_doorstop({".doorstop.yml": DOORSTOP_DOCUMENT, "REQ001.md": d}),
        (DOORSTOP_MARKDOWN,),
    ),
    Parser(
        "rdm",
        lambda d: parse_rdm({"requirements.yml": d, "risk.yml": RDM_RISK}),
        (RDM_REQUIREMENTS, RDM_RISK),
    ),
    Parser("csv", lambda d: read_table(_scratch("t.csv", d)), (CSV,), (MedtraceError,)),
    Parser("xlsx", lambda d: read_table(_scratch("t.xlsx", d)), (_xlsx(),), (MedtraceError,)),
    Parser(
        "osv-archive",
        lambda d: read_advisories(_scratch("all.zip", d), parse=parse_advisory),
        (_zip(("GHSA-1.json", OSV)),),
        (MedtraceError,),
    ),
    Parser("runs", _runs, (RUN,)),
)


# --- inputs ----------------------------------------------------------------------------

TOKENS = (
    b"{", b"}", b"[", b"]", b"<", b">", b"</", b"/>", b'"', b"'", b":", b",", b"\n", b"\r\n",
    b"\t", b" ", b"- ", b"---\n", b"...", b"\x00", b"\xff\xfe", b"\xc3", b"\xe2\x80\xae",
    b"\x1b[2J", b"&amp;", b"&x;", b"<!DOCTYPE x [<!ENTITY e 'e'>]>", b"<![CDATA[", b"]]>",
    b"null", b"true", b"1e999", b"-1", b"0", b"2024-02-30", b"=", b"#", b"*a", b"&a ", b"!!",
    b"::", b"/", b"..", b"PK\x03\x04", b"[[package]]\n", b">>>\n", b"<<<\n", b"[/SECTION]\n",
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _mutate(data: bytearray, rng: random.Random) -> bytes:
    """Up to six bytes-level mutations of ``data``, chosen by ``rng``."""
    for _ in range(rng.randint(0, 6)):
        at = rng.randint(0, len(data))
        end = min(len(data), at + rng.randint(0, 40))
        operation = rng.choice(("cut", "drop", "insert", "replace", "repeat"))
        if operation == "cut":
            del data[at:]
        elif operation == "drop":
            del data[at:end]
        elif operation == "repeat":
            data[at:at] = data[at:end] * rng.randint(1, 4)
        else:
            token = rng.choice(TOKENS) if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 8))
            data[at : end if operation == "replace" else at] = token
    return bytes(data)


def mutated(seeds: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    """A seed with up to six bytes-level mutations (one random generator draws them:
    generating an example costs little, which lets each parser see thousands)."""
    return st.builds(
        lambda seed, rng: _mutate(bytearray(seed), rng),
        st.sampled_from(seeds),
        st.randoms(use_true_random=False),
    )


def _replace_part(document: object, value: object, rng: random.Random) -> object:
    """``document`` with the part a random walk reaches replaced by ``value``."""
    holder: dict[str, object] | list[object] | None = None
    key: str | int = 0
    node = document
    for _ in range(rng.randint(0, 8)):
        if isinstance(node, dict) and node:
            holder, key = node, rng.choice(sorted(node))
            node = node[key]
        elif isinstance(node, list) and node:
            holder, key = node, rng.randrange(len(node))
            node = node[key]
        else:
            break
    if holder is None:
        return value
    holder[key] = value  # type: ignore[index]
    return document


def json_mutated(seeds: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    """A JSON seed with one part (reached by a random walk) replaced by another value."""
    return st.builds(
        lambda seed, value, rng: json.dumps(_replace_part(json.loads(seed), value, rng)).encode(),
        st.sampled_from(seeds),
        JSON_VALUES,
        st.randoms(use_true_random=False),
    )


def _is_json(seed: bytes) -> bool:
    try:
        json.loads(seed)
    except ValueError:
        return False
    return True


def inputs(parser: Parser) -> st.SearchStrategy[bytes]:
    json_seeds = tuple(seed for seed in parser.seeds if _is_json(seed))
    choices = [st.binary(max_size=512), mutated(parser.seeds), mutated(parser.seeds)]
    if json_seeds:
        choices += [json_mutated(json_seeds), json_mutated(json_seeds)]
    return st.one_of(choices)


# --- what an answer is -----------------------------------------------------------------


def _findings(answer: object) -> Iterator[Finding]:
    if isinstance(answer, Finding):
        yield answer
    elif isinstance(answer, tuple | list):
        for part in answer:
            yield from _findings(part)
    else:
        found = getattr(answer, "findings", None)
        if isinstance(found, tuple):
            yield from found


def _check(parser: Parser, data: bytes) -> None:
    started = time.process_time()
    try:
        answer = parser.call(data)
    except parser.raises as error:  # the parser's own error: one line
        assert str(error) and "\n" not in str(error), (parser.name, str(error))
        answer = None
    took = time.process_time() - started
    for finding in _findings(answer):
        assert finding.code and finding.message and "\n" not in finding.message, finding
        assert finding.location.line is None or finding.location.line >= 1, finding
    assert took < TIME_LIMIT, f"{parser.name}: {took:.1f} s of CPU for {len(data)} bytes"


# --- running them: in worker processes with bounded memory ------------------------------

BY_NAME = {parser.name: parser for parser in PARSERS}


def _bound_memory() -> None:
    """A worker's address space may grow by :data:`MEMORY_LIMIT` (a parser that takes
    more raises MemoryError, which fails its test)."""
    with open("/proc/self/status", encoding="ascii") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_LIMIT, hard))


def _fuzz(name: str) -> tuple[str, str | None]:
    """Fuzz one parser: ``None`` when it held, else what broke and on which input."""
    parser = BY_NAME[name]

    @settings(settings.get_profile("fuzz"))
    @given(data=inputs(parser))
    def fuzz(data: bytes) -> None:
        _check(parser, data)

    try:
        for seed in parser.seeds:  # the seeds are valid: they parse without an error
            _check(parser, seed)
        fuzz()
    except BaseException as error:  # (reported to the test in the parent process)
        notes = "\n".join(getattr(error, "__notes__", ()))
        return name, "".join(traceback.format_exception(error, limit=-4)) + notes
    return name, None


@pytest.fixture(scope="module")
def fuzzed(request: pytest.FixtureRequest) -> dict[str, str | None]:
    """The parsers these tests were selected for, fuzzed in worker processes (one a
    core, up to four; in this process where processes cannot be forked)."""
    names = sorted(
        getattr(item, "callspec").params["parser"].name  # noqa: B009 - (a pytest.Function)
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_a_parser_answers_any_input"
    )
    if "fork" not in multiprocessing.get_all_start_methods() or not Path("/proc").is_dir():
        return dict(map(_fuzz, names))
    workers = max(1, min(4, os.cpu_count() or 1, len(names)))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_bound_memory) as pool:
        return dict(pool.imap_unordered(_fuzz, names))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda parser: parser.name)
def test_a_parser_answers_any_input(parser: Parser, fuzzed: dict[str, str | None]) -> None:
    """A result, findings with one-line messages, or the parser's one-line error; never
    another exception, in less than :data:`TIME_LIMIT` and :data:`MEMORY_LIMIT`."""
    assert fuzzed[parser.name] is None, fuzzed[parser.name]

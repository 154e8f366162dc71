"""Parse a test report (JUnit XML and its dialects, NUnit 3 and 2, MSTest TRX) into a ResultFile.

Pure: bytes in, a :class:`ResultFile` and findings out; it never raises on
what a file holds. The XML parser is hardened: no entity is ever expanded
(references stay as literal ``&name;`` text, and libxml2 rejects entity
amplification outright), no DTD is loaded, nothing is fetched from the
network, and libxml2's size limits stay on. A file that is not XML or not a
test report yields no ResultFile and one ``results/...`` finding at ``path:line``.

Outcome of a JUnit ``<testcase>``: an ``<error>`` child -> error, else
``<failure>`` -> failed, else ``<skipped>`` (or gtest/tst ``status="notrun"``
or ``"disabled"``, ``result="skipped"`` or ``"suppressed"``) -> skipped, else
passed. A test case with several of these children counts once, with the worst.

A TRX test's name is its ``testName`` less a leading ``<class name>.``, so that
one test has the same ``test_id`` whichever logger reported it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TypeVar, cast

from lxml import etree

from medtrace.ingest.sniff import document_kind
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation
from medtrace.model.results import Outcome, ResultFile, TestResult, Totals

TRX_NAMESPACE = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
REQUIREMENT_PROPERTIES = frozenset({"requirement", "requirements", "verifies", "covers"})
ATTACHMENT = re.compile(r"\[\[ATTACHMENT\|([^\]\r\n]+)\]\]")  # the Jenkins convention
MESSAGE_LIMIT = 200
DETAILS_LIMIT = 64 * 1024  # characters of a failure's text a run keeps
START_TAG_LIMIT = 65536  # bytes searched back for where a multi-line start tag begins

_WORST = {Outcome.ERROR: 3, Outcome.FAILED: 2, Outcome.SKIPPED: 1, Outcome.PASSED: 0}
_VERDICTS = {"error": Outcome.ERROR, "failure": Outcome.FAILED, "skipped": Outcome.SKIPPED}
_NOT_RUN_STATUS = frozenset({"notrun", "disabled"})
_NOT_RUN_RESULT = frozenset({"skipped", "suppressed"})
_NUNIT_OUTCOMES = {
    # NUnit 3 "result" (its "label": Error, Invalid... is not read: the run's "failed"
    # total counts those tests as failed too), then NUnit 2's
    **dict.fromkeys(("Passed", "Warning", "Success"), Outcome.PASSED),
    **dict.fromkeys(("Failed", "Failure"), Outcome.FAILED),
    **dict.fromkeys(("Error", "Cancelled", "NotRunnable"), Outcome.ERROR),
    **dict.fromkeys(("Skipped", "Inconclusive", "Ignored"), Outcome.SKIPPED),
}
_TRX_PASSED = ("Passed", "PassedButRunAborted", "Warning")
_TRX_ERRORS = ("Error", "Timeout", "Aborted", "Disconnected", "NotRunnable")
_TRX_OUTCOMES = {
    **dict.fromkeys(_TRX_PASSED, Outcome.PASSED),
    "Failed": Outcome.FAILED,
    **dict.fromkeys(_TRX_ERRORS, Outcome.ERROR),
    # "Completed" ran but gave no verdict: no evidence of a pass
    **dict.fromkeys(
        ("NotExecuted", "Inconclusive", "Pending", "InProgress", "Completed"), Outcome.SKIPPED
    ),
}
_JUNIT_COUNTS = ("tests", "failures", "errors", "skipped", "disabled")
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_TIMESPAN = re.compile(r"(?:([0-9]+)\.)?([0-9]+):([0-9]{2}):([0-9]{2}(?:\.[0-9]+)?)")

Element = etree._Element
Pairs = tuple[tuple[str, str], ...]
T = TypeVar("T")


def parse_results(data: bytes, path: str) -> tuple[ResultFile | None, tuple[Finding, ...]]:
    """Parse the report at ``path`` (relative to the project root) from its bytes."""
    if not data.strip():
        return None, (_error(path, 1, "results/xml-invalid", "the file is empty"),)
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as problem:
        kind = document_kind(data, path)
        if kind is not None:
            message = f"{kind}, not a test report (JUnit, NUnit or TRX XML)"
            return None, (_error(path, 1, "results/not-junit", message),)
        message = f"not valid XML: {' '.join(str(problem.msg).split())}"
        return None, (_error(path, problem.lineno or 1, "results/xml-invalid", message),)
    reader = _Reader(path, _Lines(data))
    result = reader.read(root)
    if result is not None and getattr(root.getroottree().docinfo, "internalDTD", None) is not None:
        line = data[: max(data.find(b"<!DOCTYPE"), 0)].count(b"\n") + 1
        reader.warn("results/dtd-ignored", "the DTD is ignored and no entity expanded", line)
    return result, tuple(reader.findings)


def _parse(data: bytes) -> Element:
    """The root of the report, parsed with no entity expanded and no DTD or network
    read. libxml2's limits stay on, but for one: a text longer than 10 MB (the captured
    output of a chatty test) is read rather than refusing the whole report."""
    for huge in (False, True):
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=huge,
            remove_blank_text=False,
        )
        try:
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as problem:
            if huge or "Text node too long" not in str(problem.msg):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _error(path: str, line: int, code: str, message: str) -> Finding:
    location = SourceLocation(path=path, line=line)
    return Finding(code=code, severity=Severity.ERROR, message=message, location=location)


class _Reader:
    """Reads one parsed document, collecting findings on the way."""

    def __init__(self, path: str, lines: _Lines) -> None:
        self.path = path
        self.line = lines.start
        self.findings: list[Finding] = []

    def warn(self, code: str, message: str, line: int | None) -> None:
        location = SourceLocation(path=self.path, line=line)
        finding = Finding(code=code, severity=Severity.WARNING, message=message, location=location)
        self.findings.append(finding)

    def read(self, root: Element) -> ResultFile | None:
        namespace, name = _split(root.tag)
        if not namespace and name in ("testsuites", "testsuite"):
            made = self._junit(root)
        elif not namespace and name in ("test-run", "test-results"):
            made = self._nunit(root)
        elif name == "TestRun" and namespace in (TRX_NAMESPACE, ""):
            made = self._trx(root, namespace)
        else:
            message = f"<{root.tag[:80]}> is not the root of a JUnit, NUnit or TRX test report"
            self.findings.append(
                _error(self.path, self.line(root) or 1, "results/not-junit", message)
            )
            return None
        if made.declared is not None and made.declared != made.totals:
            message = f"the file declares {made.declared} but holds {made.totals}"
            self.warn("results/totals-mismatch", message, self.line(root))
        return made

    def _kept(self, details: str, line: int | None) -> str:
        """A failure's text as the run keeps it: at most :data:`DETAILS_LIMIT` characters,
        the rest left out with a note (and a warning)."""
        if len(details) <= DETAILS_LIMIT:
            return details
        left = len(details) - DETAILS_LIMIT
        self.warn(
            "results/output-truncated",
            f"a failure's text of {len(details):,} characters is kept to its first "
            f"{DETAILS_LIMIT:,}",
            line,
        )
        return f"{details[:DETAILS_LIMIT]}\n[... {left:,} characters left out by medtrace]"

    def _identify(self, classname: str, name: str, line: int | None) -> str:
        if not name:
            self.warn("results/test-unnamed", "a test case has no name", line)
        return f"{classname}::{name}" if classname else name

    def _known(self, table: dict[str, Outcome], value: str, line: int | None) -> Outcome:
        outcome = table.get(value)
        if outcome is None:
            message = f"unknown outcome {value[:40]!r}, read as skipped"
            self.warn("results/outcome-unknown", message, line)
            return Outcome.SKIPPED
        return outcome

    # JUnit ------------------------------------------------------------------

    def _junit(self, root: Element) -> ResultFile:
        top = (_attr(root, "name"),) if root.tag == "testsuite" else ()
        suites = list(root.iter("testsuites", "testsuite"))
        return ResultFile(
            format="junit",
            path=self.path,
            results=tuple(self._junit_suite(root, top)),
            declared=_junit_declared(root),
            timestamp=_first(suites, "timestamp"),
            hostname=_first(suites, "hostname"),
            properties=_unique(pair for suite in suites for pair in _properties(suite)),
        )

    def _junit_suite(self, suite: Element, names: tuple[str, ...]) -> Iterator[TestResult]:
        for child in suite:
            if child.tag == "testcase":
                yield self._junit_case(child, " / ".join(name for name in names if name))
            elif child.tag == "testsuite":
                yield from self._junit_suite(child, (*names, _attr(child, "name")))

    def _junit_case(self, case: Element, suite: str) -> TestResult:
        outcome, verdict = Outcome.PASSED, None
        output: list[str] = []
        for child in case:
            kind = _VERDICTS.get(child.tag) if isinstance(child.tag, str) else None
            if kind is not None and _WORST[kind] > _WORST[outcome]:
                outcome, verdict = kind, child
            elif child.tag in ("system-out", "system-err"):
                output.append(_text(child))
        if outcome is Outcome.PASSED and (
            case.get("status") in _NOT_RUN_STATUS or case.get("result") in _NOT_RUN_RESULT
        ):
            outcome = Outcome.SKIPPED
        message, details = _verdict(verdict)
        properties = _properties(case)
        classname, name, line = _attr(case, "classname"), _attr(case, "name"), self.line(case)
        details = self._kept(details, self.line(verdict) if verdict is not None else line)
        return TestResult(
            suite=suite,
            classname=classname,
            name=name,
            test_id=self._identify(classname, name, line),
            outcome=outcome,
            duration=_seconds(case.get("time")),
            message=message,
            details=details if outcome in (Outcome.FAILED, Outcome.ERROR) else "",
            properties=properties,
            attachments=_attachments(output, (v for k, v in properties if k == "attachment")),
            requirements=_requirements(properties),
            line=line,
        )

    # NUnit ------------------------------------------------------------------

    def _nunit(self, root: Element) -> ResultFile:
        environment = next(root.iter("environment"), None)
        if root.tag == "test-run":
            timestamp = root.get("start-time")
        else:
            date, time = root.get("date"), root.get("time")
            timestamp = f"{date}T{time}" if date and time else date
        return ResultFile(
            format="nunit",
            path=self.path,
            results=tuple(self._nunit_suite(root, ())),
            declared=_nunit_declared(root),
            timestamp=timestamp,
            hostname=environment.get("machine-name") if environment is not None else None,
            properties=_items(environment) if environment is not None else (),
        )

    def _nunit_suite(self, suite: Element, names: tuple[str, ...]) -> Iterator[TestResult]:
        for child in suite:
            if child.tag == "test-case":
                yield self._nunit_case(child, " / ".join(name for name in names if name))
            elif child.tag == "test-suite":
                yield from self._nunit_suite(child, (*names, _attr(child, "name")))
            elif child.tag == "results":  # NUnit 2 wraps the children of a suite
                yield from self._nunit_suite(child, names)

    def _nunit_case(self, case: Element, suite: str) -> TestResult:
        line = self.line(case)
        result = case.get("result")
        if result is not None:
            outcome = self._known(_NUNIT_OUTCOMES, result, line)
        elif case.get("executed") == "False":  # NUnit 2.2 has only these two flags
            outcome = Outcome.SKIPPED
        else:
            outcome = Outcome.FAILED if case.get("success") == "False" else Outcome.PASSED
        verdict = case.find("failure")
        if verdict is None:
            verdict = case.find("reason")
        message = _text(verdict.find("message")) if verdict is not None else ""
        trace = _text(verdict.find("stack-trace")) if verdict is not None else ""
        files = (_text(path) for path in case.iterfind("attachments/attachment/filePath"))
        properties = _properties(case)
        classname, name = _attr(case, "classname"), _attr(case, "name")
        return TestResult(
            suite=suite,
            classname=classname,
            name=name,
            test_id=self._identify(classname, name, line),
            outcome=outcome,
            duration=_seconds(case.get("duration") or case.get("time")),
            message=_first_line(message),
            details=_join(message, trace) if outcome in (Outcome.FAILED, Outcome.ERROR) else "",
            properties=properties,
            attachments=_attachments([_text(case.find("output"))], files),
            requirements=_requirements(properties),
            line=line,
        )

    # TRX --------------------------------------------------------------------

    def _trx(self, root: Element, namespace: str) -> ResultFile:
        ns = f"{{{namespace}}}" if namespace else ""
        definitions = _trx_definitions(root, ns)
        container = root.find(f"{ns}Results")
        elements = [e for e in container if isinstance(e.tag, str)] if container is not None else []
        times = root.find(f"{ns}Times")
        return ResultFile(
            format="trx",
            path=self.path,
            results=tuple(self._trx_result(e, ns, definitions) for e in elements),
            declared=_trx_declared(root.find(f"{ns}ResultSummary/{ns}Counters")),
            timestamp=(times.get("start") or times.get("creation")) if times is not None else None,
            hostname=_first(elements, "computerName"),
        )

    def _trx_result(
        self, element: Element, ns: str, definitions: dict[str, _TrxTest]
    ) -> TestResult:
        line = self.line(element)
        classname, suite, properties = definitions.get(_attr(element, "testId"), ("", "", ()))
        outcome = self._known(_TRX_OUTCOMES, element.get("outcome") or "(none)", line)
        message = _text(element.find(f"{ns}Output/{ns}ErrorInfo/{ns}Message"))
        trace = _text(element.find(f"{ns}Output/{ns}ErrorInfo/{ns}StackTrace"))
        streams = [_text(element.find(f"{ns}Output/{ns}{name}")) for name in ("StdOut", "StdErr")]
        files = (_attr(f, "path") for f in element.iterfind(f"{ns}ResultFiles/{ns}ResultFile"))
        name = _attr(element, "testName")
        if classname and name.startswith(f"{classname}."):  # as NUnit and JUnit name the test
            name = name[len(classname) + 1 :]
        return TestResult(
            suite=suite,
            classname=classname,
            name=name,
            test_id=self._identify(classname, name, line),
            outcome=outcome,
            duration=_timespan(element.get("duration")),
            message=_first_line(message),
            details=_join(message, trace) if outcome in (Outcome.FAILED, Outcome.ERROR) else "",
            properties=properties,
            attachments=_attachments(streams, files),
            requirements=_requirements(properties),
            line=line,
        )


# A TRX test definition: (class name, suite = the test assembly's file name, properties).
_TrxTest = tuple[str, str, Pairs]


def _trx_definitions(root: Element, ns: str) -> dict[str, _TrxTest]:
    definitions: dict[str, _TrxTest] = {}
    for unit in root.iterfind(f"{ns}TestDefinitions/*"):
        method = unit.find(f"{ns}TestMethod")
        # older MSTest writes an assembly-qualified class name: "Ns.Class, Assembly, Version=..."
        classname = _attr(method, "className").split(",")[0].strip() if method is not None else ""
        storage = re.split(r"[\\/]", _attr(unit, "storage"))[-1]
        properties = tuple(
            (_text(prop.find(f"{ns}Key")), _text(prop.find(f"{ns}Value")))
            for prop in unit.iterfind(f"{ns}Properties/{ns}Property")
        )
        definitions[_attr(unit, "id")] = (classname, storage, properties)
    return definitions


# Declared totals ------------------------------------------------------------


def _junit_declared(root: Element) -> Totals | None:
    """The counts the root states. A <testsuites> root that leaves a count out (jest-junit
    omits "skipped"; pytest and JUnit 4 omit them all) states the sum of its suites'."""
    suites = list(root.iterchildren("testsuite")) if root.tag == "testsuites" else []
    if not all(suite.get("tests") is not None for suite in suites):
        suites = []
    counts = [_junit_count(root, suites, name) for name in _JUNIT_COUNTS]
    tests, failures, errors, skipped, disabled = (count or 0 for count in counts)
    if counts[0] is None:
        return None
    return Totals(tests=tests, failures=failures, errors=errors, skipped=skipped + disabled)


def _junit_count(root: Element, suites: list[Element], name: str) -> int | None:
    value = root.get(name)
    if value is not None:
        return _count(value)
    if not suites:
        return None
    parts = [_count(suite.get(name, "0")) for suite in suites]
    return None if None in parts else sum(part or 0 for part in parts)


def _nunit_declared(root: Element) -> Totals | None:
    """NUnit 3's run totals. NUnit 2 writers disagree on what "total" counts: none there."""
    if root.tag != "test-run" or root.get("total") is None:
        return None
    counts = [
        _count(root.get(name, "0")) for name in ("total", "failed", "skipped", "inconclusive")
    ]
    if None in counts:
        return None
    total, failed, skipped, inconclusive = (count or 0 for count in counts)
    return Totals(tests=total, failures=failed, skipped=skipped + inconclusive)


def _trx_declared(counters: Element | None) -> Totals | None:
    """TRX counters. Writers leave ``notExecuted`` at 0 for skipped tests, so whatever
    is neither passed, failed nor an error counts as skipped."""
    if counters is None or counters.get("total") is None:
        return None
    counts = {name: _count(value) for name, value in _items(counters)}
    if None in counts.values():
        return None
    number = {name: count or 0 for name, count in counts.items()}
    passed = sum(number.get(_counter(name), 0) for name in _TRX_PASSED)
    errors = sum(number.get(_counter(name), 0) for name in _TRX_ERRORS)
    total, failures = number["total"], number.get("failed", 0)
    skipped = total - passed - failures - errors
    return Totals(tests=total, failures=failures, errors=errors, skipped=skipped)


# Small readers --------------------------------------------------------------


class _Lines:
    """Where elements start. libxml2 gives the line a start tag *ends* on; a test case whose
    attributes span several lines starts on an earlier one."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ends = array("q", (match.start() for match in re.finditer(b"\n", data)))

    def start(self, element: Element) -> int | None:
        line = _line(element)
        if line is None or line > len(self.ends) + 1:
            return line
        begin = self.ends[line - 2] + 1 if line > 1 else 0
        end = self.ends[line - 1] if line <= len(self.ends) else len(self.data)
        tag = b"<" + _split(element.tag)[1].encode("ascii", "replace")
        if self.data.find(tag, begin, end) >= 0:
            return line
        # the nearest such tag before is this one (attribute values hold no "<"); bounded,
        # so that a file where the tag never shows (UTF-16, a prefix) stays linear
        found = self.data.rfind(tag, max(begin - START_TAG_LIMIT, 0), begin)
        return bisect_left(self.ends, found) + 1 if found >= 0 else line


def _counter(outcome: str) -> str:
    """The TRX counter of an outcome: ``NotRunnable`` -> ``notRunnable``."""
    return outcome[0].lower() + outcome[1:]


def _split(tag: str) -> tuple[str, str]:
    """(namespace or "", local name) of an element's tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _line(element: Element) -> int | None:
    line = getattr(element, "sourceline", None)  # the stubs type it as a bare "..."
    return line if isinstance(line, int) else None


def _items(element: Element) -> Pairs:
    return tuple((str(name), str(value)) for name, value in element.items())


def _attr(element: Element, name: str) -> str:
    return element.get(name) or ""


def _text(element: Element | None) -> str:
    """All text inside ``element``: comments left out, entity references kept literal."""
    return "".join(cast(Iterator[str], element.itertext())) if element is not None else ""


def _first(elements: Iterable[Element], name: str) -> str | None:
    return next((value for element in elements if (value := element.get(name))), None)


def _count(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _seconds(value: str | None) -> float | None:
    """Seconds from a ``time`` attribute: ``"0.25"``, ``"0."``, Surefire's ``"1,234.5"``."""
    if value is None:
        return None
    value = value.strip()
    if _THOUSANDS.fullmatch(value):
        value = value.replace(",", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < float("inf") else None


def _timespan(value: str | None) -> float | None:
    """Seconds from a .NET TimeSpan such as ``"00:00:00.0010000"`` or ``"1.02:00:00"``."""
    match = _TIMESPAN.fullmatch(value.strip()) if value is not None else None
    if match is None:
        return _seconds(value)
    days, hours, minutes, seconds = match.groups()
    return ((int(days or 0) * 24 + int(hours)) * 60 + int(minutes)) * 60 + float(seconds)


def _properties(element: Element) -> Pairs:
    """``<properties><property name=".." value=".."/>`` pairs; a value may be the text."""
    pairs = []
    for prop in element.iterfind("properties/property"):
        value = prop.get("value")
        pairs.append((_attr(prop, "name"), value if value is not None else _text(prop).strip()))
    return tuple(pairs)


def _requirements(properties: Pairs) -> tuple[str, ...]:
    if not properties:
        return ()
    found = (
        part
        for name, value in properties
        if name.strip().lower() in REQUIREMENT_PROPERTIES
        for part in re.split(r"[,\s]+", value)
    )
    return _unique(part for part in found if part)


def _attachments(streams: Iterable[str], declared: Iterable[str]) -> tuple[str, ...]:
    """Paths from ``[[ATTACHMENT|path]]`` markers in captured output, then declared files."""
    marked = [
        match.strip() for text in streams if "[[" in text for match in ATTACHMENT.findall(text)
    ]
    return _unique(path for path in (*marked, *(d.strip() for d in declared)) if path)


def _unique(values: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(values))


def _verdict(element: Element | None) -> tuple[str, str]:
    """(first line of the message, full text) of a ``<failure>``, ``<error>`` or ``<skipped>``."""
    if element is None:
        return "", ""
    message = _attr(element, "message")
    text = _text(element)
    details = text if text.strip() else message
    return _first_line(message) or _first_line(text), details.lstrip("\r\n").rstrip()


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 3] + "..."


def _join(message: str, trace: str) -> str:
    return "\n".join(part.strip("\r\n").rstrip() for part in (message, trace) if part.strip())

"""The test report parser: every real report in ../shared, hostile XML, and each field."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import shared_path

from medtrace.ingest.junit import parse_results
from medtrace.model.finding import Finding, Severity
from medtrace.model.results import Outcome, ResultFile, TestResult, Totals

TRX = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
ROOTS = {"testsuites", "testsuite", "test-run", "test-results", f"{{{TRX}}}TestRun"}
MALFORMED = {  # the corpus's deliberately broken files: (code, line)
    "publish-unit-test-result-action/junit-xml/pytest/corrupt-xml.xml": ("results/xml-invalid", 11),
    "publish-unit-test-result-action/junit-xml/non-junit.xml": ("results/not-junit", 2),
}
# Real files whose own totals disagree with their test cases (trimmed fixtures, pytest
# counting subtests, a hand-edited "failures"): a warning each, never an error.
DISAGREEING = {
    "dorny-test-reporter/python-xunit-pytest.xml",
    "junitparser/no_fails.xml",
    "publish-unit-test-result-action/junit-xml/xunit/xunit.xml",
    "strictdoc/junit_xml/ctest/02_failed_test/reports/tests_unit.ctest.junit.xml",
    "strictdoc/junit_xml/ctest/03_skipped_test/reports/tests_unit.ctest.junit.xml",
    "strictdoc/junit_xml/lit/02_failed_test/reports/tests_integration.lit.junit.xml",
}


def parse(text: str | bytes, path: str = "reports/junit.xml") -> ResultFile:
    result, findings = parse_results(text.encode() if isinstance(text, str) else text, path)
    assert result is not None, findings
    return result


def findings_of(text: str | bytes) -> tuple[Finding, ...]:
    return parse_results(text.encode() if isinstance(text, str) else text, "r.xml")[1]


def only(text: str) -> TestResult:
    (result,) = parse(text).results
    return result


def reports() -> dict[str, bytes]:
    """Every XML or TRX file of the corpus by its path under realworld/junit."""
    root = shared_path("realworld", "junit")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".trx") and p.is_file())
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in files}


def counted(data: bytes) -> Totals | None:
    """The file's test cases counted with XPath, independently of the parser."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))

    def count(expression: str) -> int:
        value = root.xpath(f"count({expression})", namespaces={"t": TRX})
        assert isinstance(value, float)
        return int(value)

    if root.tag in ("testsuites", "testsuite"):
        case, not_run = "//testcase", "@status='notrun' or @status='disabled'"
        not_run += " or @result='skipped' or @result='suppressed'"
        return Totals(
            tests=count(case),
            errors=count(f"{case}[error]"),
            failures=count(f"{case}[failure and not(error)]"),
            skipped=count(f"{case}[not(failure) and not(error)][skipped or {not_run}]"),
        )
    if root.tag in ("test-run", "test-results"):
        case = "//test-case"
        return Totals(
            tests=count(case),
            failures=count(f"{case}[@result='Failed' or @result='Failure']"),
            errors=count(f"{case}[@result='Error' or @result='Cancelled']"),
            skipped=count(f"{case}[@result='Skipped' or @result='Inconclusive']"),
        )
    if root.tag == f"{{{TRX}}}TestRun":
        result = "/t:TestRun/t:Results/*"
        return Totals(
            tests=count(result),
            failures=count(f"{result}[@outcome='Failed']"),
            errors=count(f"{result}[@outcome='Error' or @outcome='Timeout']"),
            skipped=count(f"{result}[@outcome='NotExecuted' or @outcome='Inconclusive']"),
        )
    return None


# The corpus -------------------------------------------------------------------


def test_every_real_report_parses_to_its_own_counts() -> None:
    problems, disagreeing = [], set()
    files = reports()
    for name, data in files.items():
        if name in MALFORMED:
            continue
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        result, findings = parse_results(data, f"junit/{name}")
        if root.tag not in ROOTS:  # well-formed, but some other format (Robot Framework)
            if result is not None or [f.code for f in findings] != ["results/not-junit"]:
                problems.append(f"{name}: expected results/not-junit, got {findings}")
            continue
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if result is None or errors:
            problems.append(f"{name}: {errors}")
            continue
        if result.totals != counted(data):
            problems.append(f"{name}: parsed {result.totals}, the file holds {counted(data)}")
        if any(r.line is None or not r.test_id for r in result.results):
            problems.append(f"{name}: a result without a line or an id")
        codes = {f.code for f in findings}
        assert codes <= {"results/totals-mismatch"}, (name, findings)
        if codes:
            disagreeing.add(name)
    assert len(files) > 40, "the corpus is smaller than expected"
    assert not problems, "\n".join(problems)
    assert disagreeing == DISAGREEING


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_the_malformed_real_files_give_one_finding_with_a_line(name: str) -> None:
    path = shared_path("realworld", "junit", *name.split("/"))
    result, findings = parse_results(path.read_bytes(), f"junit/{name}")
    assert result is None
    (finding,) = findings
    assert (finding.code, finding.location.line) == MALFORMED[name]
    assert finding.severity is Severity.ERROR
    assert finding.location.path == f"junit/{name}"
    assert finding.message and "\n" not in finding.message


def test_the_multiresult_file_counts_each_test_once_with_its_worst_outcome() -> None:
    path = shared_path(
        "realworld",
        "junit",
        "publish-unit-test-result-action",
        "junit-xml",
        "junit.multiresult.xml",
    )
    result = parse(path.read_bytes())
    outcomes = [(r.name, r.outcome) for r in result.results]
    assert outcomes == [
        ("test that errors", Outcome.ERROR),
        ("test that fails", Outcome.FAILED),
        ("test that is skipped", Outcome.SKIPPED),
        ("test that succeeds", Outcome.PASSED),
    ]
    assert result.results[0].message == "test teardown failure"
    assert result.results[0].details == "stdout"


def test_real_nunit_and_trx_files_give_the_same_test_ids() -> None:
    folder = shared_path("realworld", "junit", "dorny-test-reporter")
    nunit = parse((folder / "dotnet-nunit.xml").read_bytes())
    trx = parse((folder / "dotnet-trx.trx").read_bytes())
    assert nunit.format == "nunit" and trx.format == "trx"
    common = {r.test_id for r in nunit.results} & {r.test_id for r in trx.results}
    assert "DotnetTests.XUnitTests.CalculatorTests::Failing_Test" in common
    assert nunit.hostname == "DORNY-PC" and trx.hostname == "DORNY-PC"
    failing = next(r for r in trx.results if r.name == "Failing_Test")
    assert failing.message == "Assert.Equal() Failure"
    assert "CalculatorTests.cs:line 27" in failing.details
    assert failing.suite == "dotnettests.xunittests.dll"


# Hostile XML ------------------------------------------------------------------


def billion_laughs(use: str) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    ]
    return '<?xml version="1.0"?>\n<!DOCTYPE testsuite [\n' + "\n".join(entities) + "\n]>\n" + use


@pytest.mark.parametrize(
    "use",
    [
        '<testsuite name="s"><testcase name="t"><failure>&lol9;</failure></testcase></testsuite>',
        '<testsuite name="s"><testcase name="&lol9;"/></testsuite>',
    ],
    ids=["in-text", "in-attribute"],
)
def test_a_billion_laughs_is_never_expanded(use: str) -> None:
    result, findings = parse_results(billion_laughs(use).encode(), "laughs.xml")
    assert "lollollol" not in repr(result) + repr(findings)
    if result is None:  # libxml2 refuses the amplification outright
        assert [f.code for f in findings] == ["results/xml-invalid"]
    else:
        assert "results/dtd-ignored" in [f.code for f in findings]


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", "utf-8")
    for uri in (secret.as_uri(), "file:///etc/passwd"):
        for use in (
            '<testsuite name="s"><testcase name="t"><failure>&x;</failure></testcase></testsuite>',
            '<testsuite name="s"><testcase name="&x;"/></testsuite>',
            '<testsuite name="s"><testcase name="t"><system-out>&x;</system-out></testcase>'
            "</testsuite>",
        ):
            document = f'<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY x SYSTEM "{uri}">]>\n{use}'
            result, findings = parse_results(document.encode(), "xxe.xml")
            shown = repr(result) + repr(findings)
            assert "TOP-SECRET" not in shown and "root:" not in shown


def test_an_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY x "TOP-SECRET-VALUE">', "utf-8")
    document = (
        f'<?xml version="1.0"?>\n<!DOCTYPE testsuite SYSTEM "{dtd.as_uri()}">\n'
        '<testsuite name="s"><testcase name="t"><failure>&x;</failure></testcase></testsuite>'
    )
    result, findings = parse_results(document.encode(), "dtd.xml")
    assert "TOP-SECRET" not in repr(result) + repr(findings)


def test_a_harmless_dtd_is_reported_and_its_entities_stay_literal() -> None:
    document = (
        '<?xml version="1.0"?>\n<!DOCTYPE testsuite [<!ENTITY who "world">]>\n'
        '<testsuite name="s"><testcase name="t"><failure>hello &who;</failure></testcase>'
        "</testsuite>"
    )
    result, findings = parse_results(document.encode(), "dtd.xml")
    assert result is not None
    assert result.results[0].details == "hello &who;"
    assert [(f.code, f.severity, f.location.line) for f in findings] == [
        ("results/dtd-ignored", Severity.WARNING, 2)
    ]


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"", "results/xml-invalid", 1),
        (b"  \n ", "results/xml-invalid", 1),
        (b"\xef\xbb\xbf", "results/xml-invalid", 1),
        (b"<testsuite>\n<testcase name='a'>\n</testsuite>", "results/xml-invalid", 3),
        (b'{"tests": 1}', "results/xml-invalid", 1),
        (b"<html>\n<body/></html>", "results/not-junit", 1),
        (b'<suites xmlns="urn:x"><testsuite/></suites>', "results/not-junit", 1),
        (b'<testsuites xmlns="urn:x"/>', "results/not-junit", 1),
        (b"<testsuite>" * 300 + b"</testsuite>" * 300, "results/xml-invalid", 1),
    ],
)
def test_what_is_not_a_report_gives_one_error_with_a_line(
    data: bytes, code: str, line: int
) -> None:
    result, findings = parse_results(data, "reports/x.xml")
    assert result is None
    (finding,) = findings
    assert (finding.code, finding.location.line, finding.location.path) == (
        code,
        line,
        "reports/x.xml",
    )
    assert finding.severity is Severity.ERROR
    assert "\n" not in finding.message


# Anything at all ----------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=20)
children = st.lists(
    st.sampled_from(["<failure/>", "<error message='e'>x</error>", "<skipped/>", "<junk/>"])
    | texts.map(lambda text: f"<system-out>{escape(text)}</system-out>")
    | texts.map(
        lambda text: f"<properties><property name='verifies' value={quoteattr(text)}/></properties>"
    ),
    max_size=4,
)
cases = st.builds(
    lambda name, time, status, inner: (
        f"<testcase name={quoteattr(name)} time={quoteattr(time)} status={quoteattr(status)}>"
        f"{''.join(inner)}</testcase>"
    ),
    texts,
    texts | st.floats(allow_nan=True).map(str),
    st.sampled_from(["run", "notrun", "disabled", ""]),
    children,
)


def assert_well_formed(findings: tuple[Finding, ...]) -> None:
    for finding in findings:
        assert finding.code.startswith("results/") and finding.message
        assert "\n" not in finding.message
        assert finding.location.line is None or finding.location.line >= 1


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    result, findings = parse_results(data, "x.xml")
    assert_well_formed(findings)
    assert result is not None or len(findings) == 1


@settings(max_examples=200)
@given(st.lists(st.lists(cases, max_size=5), max_size=4), st.booleans())
def test_generated_reports_count_like_xpath(suites: list[list[str]], bare: bool) -> None:
    body = "".join(f"<testsuite name='s{i}'>{''.join(c)}</testsuite>" for i, c in enumerate(suites))
    data = (body if bare and len(suites) == 1 else f"<testsuites>{body}</testsuites>").encode()
    result, findings = parse_results(data, "x.xml")
    assert_well_formed(findings)
    assert result is not None
    assert result.totals == counted(data)


# Fields -----------------------------------------------------------------------


def test_a_test_case_reads_every_field() -> None:
    result = only(
        """<testsuites><testsuite name="pump">
  <testcase classname="tests.test_bolus" name="test_rejects_large_bolus" time="0.25"
            file="tests/test_bolus.py">
    <properties>
      <property name="requirement" value="SRS-012, SRS-013"/>
      <property name="Verifies" value="SRS-014 SRS-012"/>
      <property name="covers" value="RC-003"/>
      <property name="owner" value="team-a"/>
      <property name="description">
          Text as the value.
      </property>
    </properties>
    <failure message="assert 11 &lt;= 10&#10;second line" type="AssertionError">def test():
&gt;   assert bolus &lt;= 10
E   assert 11 &lt;= 10
</failure>
    <system-out>[[ATTACHMENT|screens/bolus.png]] and [[ATTACHMENT| logs/run.txt ]]</system-out>
    <system-err>[[ATTACHMENT|screens/bolus.png]]</system-err>
  </testcase>
</testsuite></testsuites>"""
    )
    assert result.suite == "pump"
    assert result.test_id == "tests.test_bolus::test_rejects_large_bolus"
    assert result.outcome is Outcome.FAILED
    assert result.duration == 0.25
    assert result.message == "assert 11 <= 10"
    assert result.details == "def test():\n>   assert bolus <= 10\nE   assert 11 <= 10"
    assert result.requirements == ("SRS-012", "SRS-013", "SRS-014", "RC-003")
    assert ("owner", "team-a") in result.properties
    assert ("description", "Text as the value.") in result.properties
    assert result.attachments == ("screens/bolus.png", "logs/run.txt")
    assert result.line == 2


def test_a_test_without_a_class_name_is_known_by_its_name() -> None:
    result = only('<testsuite name="jest"><testcase classname="" name="renders"/></testsuite>')
    assert (result.test_id, result.outcome, result.duration) == ("renders", Outcome.PASSED, None)


def test_a_test_without_a_name_is_kept_with_a_warning() -> None:
    document = '<testsuite name="s">\n<testcase classname="c"/></testsuite>'
    assert parse(document).totals.tests == 1
    assert [(f.code, f.location.line) for f in findings_of(document)] == [
        ("results/test-unnamed", 2)
    ]


@pytest.mark.parametrize(
    ("time", "seconds"),
    [
        ("1.5", 1.5),
        ("0.", 0.0),
        ("12", 12.0),
        (" 0.004 ", 0.004),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("0,5", None),
        ("abc", None),
        ("", None),
        ("-1", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_durations_are_seconds_or_none(time: str, seconds: float | None) -> None:
    assert only(f'<testsuite><testcase name="t" time="{time}"/></testsuite>').duration == seconds


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        ("00:00:00.0010000", 0.001),
        ("00:01:02.5", 62.5),
        ("1.02:00:00", 93600.0),
        ("later", None),
    ],
)
def test_trx_durations_are_timespans(duration: str, seconds: float | None) -> None:
    document = f"""<TestRun xmlns="{TRX}"><Results>
      <UnitTestResult testName="T" outcome="Passed" duration="{duration}"/>
    </Results></TestRun>"""
    assert only(document).duration == pytest.approx(seconds)


def test_nested_suites_are_joined_outermost_first() -> None:
    result = parse(
        """<testsuites name="the run">
  <testsuite name="unit">
    <testsuite name="dose"><testcase name="a"/></testsuite>
    <testsuite><testcase name="b"/></testsuite>
    <testcase name="c"/>
  </testsuite>
  <testcase name="d"/>
</testsuites>"""
    )
    assert [(r.suite, r.name) for r in result.results] == [
        ("unit / dose", "a"),
        ("unit", "b"),
        ("unit", "c"),
        ("", "d"),
    ]
    root = parse(
        '<testsuite name="all"><testsuite name="x"><testcase name="a"/></testsuite></testsuite>'
    )
    assert root.results[0].suite == "all / x"


def test_not_run_statuses_are_skipped_but_a_failure_wins() -> None:
    result = parse(
        """<testsuite name="gtest">
  <testcase name="a" status="notrun" result="suppressed"/>
  <testcase name="b" status="disabled"/>
  <testcase name="c" status="run" result="skipped"/>
  <testcase name="d" status="run" result="completed"/>
  <testcase name="e" status="notrun"><failure message="boom"/></testcase>
  <testcase name="f"><skipped message="later"/><error message="crash"/></testcase>
</testsuite>"""
    )
    assert [r.outcome for r in result.results] == [
        Outcome.SKIPPED,
        Outcome.SKIPPED,
        Outcome.SKIPPED,
        Outcome.PASSED,
        Outcome.FAILED,
        Outcome.ERROR,
    ]
    assert result.results[-1].message == "crash"


def test_the_line_is_where_a_multi_line_start_tag_begins() -> None:
    result = parse(
        '<testsuites>\n<testsuite name="s">\n<testcase classname="c"\n   name="t"\n   time="1">'
        '\n</testcase>\n<testcase name="u"/>\n</testsuite></testsuites>'
    )
    assert [r.line for r in result.results] == [3, 7]


def test_long_messages_are_cut_to_one_line() -> None:
    result = only(
        f'<testsuite><testcase name="t"><error>\n\n  {"x" * 500}\n</error></testcase></testsuite>'
    )
    assert len(result.message) == 200 and result.message.endswith("...")
    assert result.details == f"  {'x' * 500}"


# Totals -------------------------------------------------------------------------


def test_declared_totals_come_from_the_root() -> None:
    document = """<testsuites tests="3" failures="1" errors="0" skipped="0" disabled="1">
      <testsuite name="s" tests="99"><testcase name="a"><failure/></testcase>
        <testcase name="b" status="disabled"/><testcase name="c"/></testsuite>
    </testsuites>"""
    result = parse(document)
    assert result.declared == Totals(tests=3, failures=1, skipped=1)
    assert result.totals == result.declared
    assert findings_of(document) == ()


def test_a_bare_testsuites_root_declares_the_sum_of_its_suites() -> None:
    result = parse(
        """<testsuites tests="3">
      <testsuite name="a" tests="1" failures="1"><testcase name="x"><failure/></testcase>
      </testsuite>
      <testsuite name="b" tests="2" skipped="1"><testcase name="y"><skipped/></testcase>
        <testcase name="z"/></testsuite>
    </testsuites>"""
    )
    assert result.declared == Totals(tests=3, failures=1, skipped=1)
    unknown = parse('<testsuites><testsuite name="a"><testcase name="x"/></testsuite></testsuites>')
    assert unknown.declared is None and unknown.totals == Totals(tests=1)


def test_declared_totals_that_disagree_give_one_warning_naming_both() -> None:
    document = (
        '<testsuites tests="5" failures="0">\n<testsuite><testcase name="a"/></testsuite>'
        "</testsuites>"
    )
    (finding,) = findings_of(document)
    assert (finding.code, finding.severity, finding.location.line) == (
        "results/totals-mismatch",
        Severity.WARNING,
        1,
    )
    assert "5 tests" in finding.message and "1 tests" in finding.message


def test_totals_count_each_outcome() -> None:
    results = [
        TestResult(suite="", classname="", name=n, test_id=n, outcome=o)
        for n, o in [("a", Outcome.PASSED), ("b", Outcome.FAILED), ("c", Outcome.SKIPPED)]
    ]
    totals = Totals.count(results)
    assert totals == Totals(tests=3, failures=1, skipped=1)
    assert totals.passed == 1
    assert str(totals) == "3 tests (1 failed, 0 errors, 1 skipped)"


# NUnit and TRX ------------------------------------------------------------------


def test_nunit_3_cases_with_properties_attachments_and_run_totals() -> None:
    result = parse(
        """<test-run total="3" passed="1" failed="1" skipped="0" inconclusive="1"
                     start-time="2024-01-02 03:04:05Z">
  <test-suite type="Assembly" name="Pump.Tests.dll">
    <environment machine-name="ci-7" os-version="Linux"/>
    <test-suite type="TestFixture" name="BolusTests">
      <test-case name="Rejects" classname="Pump.BolusTests" result="Failed" duration="0.5">
        <properties><property name="Requirement" value="SRS-1"/></properties>
        <failure><message>Expected 10</message><stack-trace>at Rejects()</stack-trace></failure>
        <output>[[ATTACHMENT|out.txt]]</output>
        <attachments><attachment><filePath>C:\\shots\\a.png</filePath></attachment></attachments>
      </test-case>
      <test-case name="Accepts" classname="Pump.BolusTests" result="Passed" duration="0.1"/>
      <test-case name="Maybe" classname="Pump.BolusTests" result="Inconclusive"/>
    </test-suite>
  </test-suite>
</test-run>"""
    )
    rejects, accepts, maybe = result.results
    assert rejects.suite == "Pump.Tests.dll / BolusTests"
    assert rejects.test_id == "Pump.BolusTests::Rejects"
    assert (rejects.outcome, rejects.duration, rejects.message) == (
        Outcome.FAILED,
        0.5,
        "Expected 10",
    )
    assert rejects.details == "Expected 10\nat Rejects()"
    assert rejects.requirements == ("SRS-1",)
    assert rejects.attachments == ("out.txt", "C:\\shots\\a.png")
    assert (accepts.outcome, maybe.outcome) == (Outcome.PASSED, Outcome.SKIPPED)
    assert result.declared == result.totals == Totals(tests=3, failures=1, skipped=1)
    assert (result.hostname, result.timestamp) == ("ci-7", "2024-01-02 03:04:05Z")
    assert ("os-version", "Linux") in result.properties


def test_nunit_2_cases_and_no_declared_totals() -> None:
    result = parse(
        """<test-results name="Pump.Tests.dll" total="2" errors="1" failures="0" not-run="1"
                         date="2024-01-02" time="03:04:05">
  <test-suite name="Pump.Tests.dll"><results>
    <test-suite name="BolusTests"><results>
      <test-case name="Pump.BolusTests.Rejects" result="Error" time="0.010">
        <failure><message><![CDATA[NullReferenceException]]></message></failure>
      </test-case>
      <test-case name="Pump.BolusTests.Later" executed="False" result="Ignored">
        <reason><message>not yet</message></reason>
      </test-case>
      <test-case name="Pump.BolusTests.Old" executed="True" success="True"/>
    </results></test-suite>
  </results></test-suite>
</test-results>"""
    )
    assert [(r.suite, r.test_id, r.outcome, r.message) for r in result.results] == [
        (
            "Pump.Tests.dll / BolusTests",
            "Pump.BolusTests.Rejects",
            Outcome.ERROR,
            "NullReferenceException",
        ),
        ("Pump.Tests.dll / BolusTests", "Pump.BolusTests.Later", Outcome.SKIPPED, "not yet"),
        ("Pump.Tests.dll / BolusTests", "Pump.BolusTests.Old", Outcome.PASSED, ""),
    ]
    assert (result.format, result.declared, result.timestamp) == (
        "nunit",
        None,
        "2024-01-02T03:04:05",
    )


def test_trx_results_definitions_and_counters() -> None:
    document = f"""<?xml version="1.0" encoding="utf-8"?>
<TestRun xmlns="{TRX}">
  <Times creation="2024-01-02T03:04:00" start="2024-01-02T03:04:05"/>
  <Results>
    <UnitTestResult testId="1" testName="Pump.Tests.BolusTests.Rejects" computerName="ci-7"
        outcome="Failed" duration="00:00:00.5000000">
      <Output><ErrorInfo><Message>Assert.Equal() Failure&#xD;
Expected: 10</Message><StackTrace>at Rejects()</StackTrace></ErrorInfo>
        <StdOut>[[ATTACHMENT|log.txt]]</StdOut></Output>
      <ResultFiles><ResultFile path="shots/a.png"/></ResultFiles>
    </UnitTestResult>
    <UnitTestResult testId="2" testName="Pump.Tests.BolusTests.Later" outcome="NotExecuted"/>
    <UnitTestResult testId="3" testName="Weird" outcome="Exploded"/>
  </Results>
  <TestDefinitions>
    <UnitTest id="1" storage="C:\\build\\Pump.Tests.dll">
      <Properties><Property><Key>covers</Key><Value>SRS-1,SRS-2</Value></Property></Properties>
      <TestMethod className="Pump.Tests.BolusTests, Pump.Tests, Version=1.0.0.0" name="Rejects"/>
    </UnitTest>
  </TestDefinitions>
  <ResultSummary outcome="Failed">
    <Counters total="3" executed="2" passed="0" failed="1" error="0" notExecuted="0"/>
  </ResultSummary>
</TestRun>"""
    result = parse(document, "reports/run.trx")
    rejects, later, weird = result.results
    assert (rejects.classname, rejects.name, rejects.suite) == (
        "Pump.Tests.BolusTests",
        "Rejects",
        "Pump.Tests.dll",
    )
    assert rejects.test_id == "Pump.Tests.BolusTests::Rejects"
    assert (rejects.outcome, rejects.duration, rejects.message) == (
        Outcome.FAILED,
        0.5,
        "Assert.Equal() Failure",
    )
    assert rejects.requirements == ("SRS-1", "SRS-2")
    assert rejects.attachments == ("log.txt", "shots/a.png")
    assert (later.test_id, later.outcome) == ("Pump.Tests.BolusTests.Later", Outcome.SKIPPED)
    assert weird.outcome is Outcome.SKIPPED
    assert result.declared == Totals(tests=3, failures=1, skipped=2)
    assert result.totals == result.declared
    assert (result.timestamp, result.hostname) == ("2024-01-02T03:04:05", "ci-7")
    assert [(f.code, f.location.line) for f in findings_of(document)] == [
        ("results/outcome-unknown", 13)
    ]


def test_every_finding_code_is_a_results_code() -> None:
    documents = [
        b"",
        b"<x/>",
        b'<testsuite tests="9"><testcase/></testsuite>',
        f'<TestRun xmlns="{TRX}"><Results><UnitTestResult/></Results></TestRun>'.encode(),
        billion_laughs('<testsuite name="&lol9;"/>').encode(),
    ]
    codes = {f.code for data in documents for f in parse_results(data, "r.xml")[1]}
    assert len(codes) >= 5
    assert all(code.startswith("results/") for code in codes)


# Scale --------------------------------------------------------------------------


def generated_report(count: int) -> bytes:
    """A pytest-like report of ``count`` test cases in suites of 100, every 10th failing."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<testsuites tests="{count}">']
    for start in range(0, count, 100):
        numbers = range(start, min(start + 100, count))
        failures = sum(1 for number in numbers if number % 10 == 0)
        lines.append(
            f'<testsuite name="suite{start // 100}" tests="{len(numbers)}" failures="{failures}">'
        )
        for number in numbers:
            verdict = '<failure message="assert 1 == 2">trace</failure>' if number % 10 == 0 else ""
            lines.append(
                f'<testcase classname="tests.test_{number // 100}" name="test_{number}" '
                f'time="0.{number % 1000:03d}">{verdict}</testcase>'
            )
        lines.append("</testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines).encode()


def test_a_report_of_100000_test_cases_parses_completely() -> None:
    data = generated_report(100_000)
    result, findings = parse_results(data, "big.xml")
    assert findings == ()
    assert result is not None
    assert result.totals == Totals(tests=100_000, failures=10_000)
    assert result.declared == result.totals
    last = result.results[-1]
    assert (last.suite, last.test_id, last.duration) == (
        "suite999",
        "tests.test_999::test_99999",
        0.999,
    )
    assert last.line == data.count(b"\n") - 1


def test_a_report_with_more_than_10_mb_of_output_keeps_its_results() -> None:
    big = "x" * (11 * 1024 * 1024)
    data = (
        '<?xml version="1.0"?>\n<testsuite name="s" tests="3" failures="1">\n'
        '<testcase classname="c" name="quiet"/>\n'
        f'<testcase classname="c" name="loud"><system-out>{big}\n'
        "[[ATTACHMENT|logs/loud.txt]]</system-out></testcase>\n"
        f'<testcase classname="c" name="fails"><failure message="boom">{big}</failure>'
        "</testcase>\n</testsuite>\n"
    ).encode()
    result, findings = parse_results(data, "big.xml")
    assert result is not None, findings
    assert [(r.name, r.outcome.value) for r in result.results] == [
        ("quiet", "passed"),
        ("loud", "passed"),
        ("fails", "failed"),
    ]
    assert result.results[1].attachments == ("logs/loud.txt",)  # found past 10 MB
    fails = result.results[2]
    assert len(fails.details) < 100_000 and "left out" in fails.details
    assert fails.details.startswith("x" * 1000)
    truncated = [f for f in findings if f.code == "results/output-truncated"]
    assert [f.location.line for f in truncated] == [6], findings
    assert all(f.location.path == "big.xml" for f in truncated)


@pytest.mark.parametrize("name", ["mig-srs.md", "third-party-licenses.md"])
def test_a_markdown_file_given_as_a_test_report_says_what_it_is(name: str) -> None:
    path = shared_path("realworld", "iec62304", "monai-deploy-informatics-gateway", name)
    result, findings = parse_results(path.read_bytes(), name)
    assert result is None
    (finding,) = findings
    assert finding.code == "results/not-junit"
    assert "Markdown" in finding.message and "not a test report" in finding.message

"""The pytest plugin writes @pytest.mark.verifies ids into the JUnit report."""

from __future__ import annotations

import pytest
from lxml import etree


def test_marked_tests_carry_their_requirements_into_junit_xml(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.verifies("SRS-012", "SRS-013")
        def test_bolus_limit():
            assert True

        @pytest.mark.verifies("SRS-020")
        def test_suspend_fails():
            assert False

        def test_unmarked():
            pass
        """
    )
    report = pytester.path / "report.xml"
    # The inner run is a user's own suite: without pytest-django, which the web tests of
    # this process have set up already (it cannot be set up twice in one process).
    result = pytester.runpytest("-p", "no:django", f"--junitxml={report}")
    result.assert_outcomes(passed=2, failed=1)
    tree = etree.parse(str(report), etree.XMLParser(resolve_entities=False, no_network=True))
    found = {
        case.get("name"): [
            p.get("value") for p in case.iter("property") if p.get("name") == "verifies"
        ]
        for case in tree.iter("testcase")
    }
    assert found == {
        "test_bolus_limit": ["SRS-012", "SRS-013"],
        "test_suspend_fails": ["SRS-020"],
        "test_unmarked": [],
    }


def test_a_marker_without_string_ids_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.verifies(12)
        def test_wrong():
            pass
        """
    )
    result = pytester.runpytest()
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*verifies takes requirement ids as strings*"])


def test_the_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.verifies(*ids):*"])

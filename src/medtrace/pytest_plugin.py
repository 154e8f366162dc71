"""medtrace's pytest plugin: ``@pytest.mark.verifies("SRS-012")`` in a JUnit report.

Registered through the ``pytest11`` entry point, so it is active wherever
medtrace is installed. A test marked ``verifies`` gets one ``verifies``
property per requirement id; pytest's ``--junitxml`` report writes them as
``<property name="verifies" value="SRS-012"/>``, which ``medtrace results
import`` maps to the requirements the test verifies.

    @pytest.mark.verifies("SRS-012", "SRS-013")
    def test_bolus_above_the_maximum_is_rejected(): ...
"""

from __future__ import annotations

import pytest

PROPERTY = "verifies"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "verifies(*ids): the requirement ids this test verifies (written to the JUnit report)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers(name=PROPERTY):
        for requirement in marker.args:
            if not isinstance(requirement, str) or not requirement.strip():
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.verifies takes requirement ids as strings, "
                    f"got {requirement!r}"
                )
            pair = (PROPERTY, requirement.strip())
            if pair not in item.user_properties:
                item.user_properties.append(pair)

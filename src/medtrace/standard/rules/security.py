"""Rules of cybersecurity: what the FDA's premarket cybersecurity guidance (September 2023,
updated June 2025) and IEC 81001-5-1 ask of SOUP records and security risk management.

SOUP is identified under 8.1.2; the FDA asks the SBOM to give each component's level of
support and end-of-support date, so a SOUP record of software at class B or C names both.
"""

from __future__ import annotations

from collections.abc import Iterator

from medtrace.model import SafetyClass
from medtrace.standard.context import RuleContext
from medtrace.standard.registry import Violation, rule
from medtrace.standard.rules.fields import blank_fields

_BC = frozenset({SafetyClass.B, SafetyClass.C})


@rule(
    code="62304.8.1.2/soup-support-missing",
    clause="8.1.2",
    summary="A SOUP record of class B or C software names its support-level and "
    "end-of-support date, which the SBOM carries (FDA premarket cybersecurity guidance, SBOM "
    "elements).",
    classes=_BC,
)
def soup_support_is_known(ctx: RuleContext) -> Iterator[Violation]:
    for soup in ctx.items("soup"):
        if soup.field("status") == "obsolete":
            continue
        missing = blank_fields(soup, ("support-level", "end-of-support"))
        if missing:
            yield Violation(soup, f"{soup.id} does not set {' or '.join(missing)}")

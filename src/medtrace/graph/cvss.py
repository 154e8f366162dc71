"""CVSS base scores of the vectors OSV advisories carry (with the ``cvss`` library)."""

from __future__ import annotations

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError


def base_score(vector: str) -> float | None:
    """The base score of a CVSS 2, 3.x or 4.0 vector; None when it does not read as one."""
    text = vector.strip()
    try:
        if text.startswith("CVSS:4"):
            return float(CVSS4(text).base_score)
        if text.startswith("CVSS:3"):
            return float(CVSS3(text).base_score)
        return float(CVSS2(text).base_score)
    except (CVSSError, ValueError, KeyError):
        return None

"""The registered rules, one module per clause of IEC 62304. Importing this registers them."""

from medtrace.standard.rules import (
    ai,
    change,
    classification,
    clause_4,
    clause_5,
    clause_6,
    clause_7,
    clause_8,
    clause_9,
    evidence,
    problems,
    risk,
    security,
    signatures,
    soup,
    verification,
)

__all__ = [
    "ai",
    "change",
    "classification",
    "clause_4",
    "clause_5",
    "clause_6",
    "clause_7",
    "clause_8",
    "clause_9",
    "evidence",
    "problems",
    "risk",
    "security",
    "signatures",
    "soup",
    "verification",
]

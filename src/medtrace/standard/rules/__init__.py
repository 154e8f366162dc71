"""The registered rules, one module per clause of IEC 62304. Importing this registers them."""

from medtrace.standard.rules import (
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
    signatures,
    soup,
    verification,
)

__all__ = [
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
    "signatures",
    "soup",
    "verification",
]

"""IEC 62304 as code: the clause table, safety classes, and the registered rules.

Importing this package registers every rule (:mod:`medtrace.standard.rules`)
and the attestation rule of every clause no data can decide.
"""

from medtrace.standard import attestations, rules
from medtrace.standard.clause import Clause, Method
from medtrace.standard.clauses import CLAUSES, clause
from medtrace.standard.engine import evaluate
from medtrace.standard.registry import Rule, Violation, all_rules

__all__ = [
    "CLAUSES",
    "Clause",
    "Method",
    "Rule",
    "Violation",
    "all_rules",
    "attestations",
    "clause",
    "evaluate",
    "rules",
]

"""What the rules of each clause read: the kinds and fields (for docs/rules.md).

A test keeps it in step with the clauses decided by rules.
"""

from __future__ import annotations

READS: dict[str, str] = {
    "4.2": (
        "plan: plan-type; hazard, hazardous-situation, harm: severity, probability, residual-"
        "probability; risk-control: introduces; safety-classification: contributes-to-"
        "hazardous-situation, rationale, planned-in"
    ),
    "4.3": (
        "software-system, software-item, software-unit: safety-class, segregation, part-of; "
        "safety-classification: its answers, safety-class, initial-class, rationale, "
        "considers, credits (Edition 2: contributes-to-harm, rigor-level)"
    ),
    "4.4.1": "software-system, software-item: legacy; legacy-assessment: assesses",
    "4.4.2": "legacy-assessment: feedback-review, considers",
    "4.4.3": "legacy-assessment: gap-analysis",
    "4.4.4": "legacy-assessment: gap-analysis; change-request: resolves",
    "4.4.5": "legacy-assessment: legacy-version, rationale, its approval",
    "5.1.1": "plan: plan-type, its approval, the section headed (5.1.1)",
    "5.1.3": "plan: plan-type, the section headed (5.1.3)",
    "5.1.4": "plan: plan-type, the section headed (5.1.4)",
    "5.1.5": "plan: plan-type, the section headed (5.1.5)",
    "5.1.6": "plan: plan-type, the section headed (5.1.6)",
    "5.1.7": "plan: plan-type, the section headed (5.1.7)",
    "5.1.8": "plan: plan-type, the section headed (5.1.8)",
    "5.1.9": "plan: plan-type, the section headed (5.1.9)",
    "5.1.10": "plan: plan-type, the section headed (5.1.10)",
    "5.1.11": (
        "plan: plan-type, the section headed (5.1.11); imported test runs: commit, "
        "uncommitted files"
    ),
    "5.1.12": "plan: plan-type, the section headed (5.1.12)",
    "5.2.1": "software-requirement: derived-from",
    "5.2.2": (
        "software-requirement: category; software-system: categories-not-applicable, "
        "categories-rationale"
    ),
    "5.2.3": "risk-control: implemented-in; software-requirement: implements-risk-control",
    "5.2.6": "software-requirement: its approval; review-record: reviews, meaning, fingerprints",
    "5.3.1": "software-requirement; software-system, software-item, software-unit: implements",
    "5.3.2": "software-item: interfaces",
    "5.3.3": "soup: functional-requirements",
    "5.3.4": "soup: system-requirements",
    "5.3.5": "software-item, software-unit: safety-class, segregation, segregation-evidence",
    "5.3.6": (
        "software-system, software-item: their approval; review-record: reviews, meaning, "
        "fingerprints"
    ),
    "5.4.1": "software-item, software-unit: part-of",
    "5.4.2": "software-unit; detailed-design: design-of",
    "5.4.3": "detailed-design: interfaces",
    "5.4.4": "detailed-design: its approval; review-record: reviews, meaning, fingerprints",
    "5.5.1": "software-unit: source-files",
    "5.5.2": "plan: plan-type, the section headed (5.5.2)",
    "5.5.3": "plan: plan-type, the section headed (5.5.3)",
    "5.5.4": "plan: plan-type, the section headed (5.5.4)",
    "5.5.5": "software-unit, detailed-design; test-case: verifies; test results and records",
    "5.6.3": "software-item; test-case: level, verifies; test results and records",
    "5.6.4": "risk-control: implemented-in; test-case: level, verifies",
    "5.6.5": "test-case: level, its approval",
    "5.6.6": (
        "change-request: state, changes, approved-date; test-case: level, verifies; test "
        "results and records"
    ),
    "5.6.7": "test-record: tester, date, revision, outcome, environment (of integration tests)",
    "5.6.8": (
        "test-case: level; test results and records: outcome, anomalies; problem-report: affects"
    ),
    "5.7.1": "software-requirement; test-case: verifies; test results and records",
    "5.7.2": (
        "test-case: level; test results and records: outcome, anomalies; problem-report: affects"
    ),
    "5.7.3": (
        "change-request: state, changes, approved-date; test-case: level, verifies; test "
        "results and records"
    ),
    "5.7.4": "test results (outcomes within a run); review-record: reviews, fingerprints",
    "5.7.5": (
        "test-case: method, steps; test-record: tester, date, revision, outcome, environment,"
        " step-results, attachments"
    ),
    "5.8.1": "release: overridden, justification",
    "5.8.2": (
        "release: version, date, known-anomalies; problem-report: reported-date, state, "
        "state-history, affected-versions"
    ),
    "5.8.3": "release: known-anomalies; problem-report: evaluation, evaluated-by, evaluated-date",
    "5.8.4": "release: version, date",
    "5.8.5": "release: build",
    "5.8.6": "release: overridden, justification",
    "5.8.7": "release: archive",
    "5.8.8": "release: artifacts",
    "6.1": "plan: plan-type, the section headed (6.1)",
    "6.2.1.3": (
        "release: date, version; problem-report: affected-versions, reported-date, safety-"
        "relevant, state, decision; change-request: resolves"
    ),
    "6.2.3": "release: date; change-request: state, approved-date, impact-analysis",
    "6.2.4": "release: date; change-request: state, approved-date, commits (their dates in git)",
    "6.2.5": "release: date, version; problem-report: safety-relevant, state, parties-advised",
    "7.1.1": "hazardous-situation: caused-by, software-contributes",
    "7.1.3": (
        "soup: anomaly-list, anomaly-evaluation, version, evaluated-version, purl, "
        "vulnerability-monitoring; vulnerability-evaluation: state, reason, risk-assessment, "
        "mitigation"
    ),
    "7.1.4": "hazardous-situation: sequence-of-events",
    "7.2.1": "hazardous-situation: caused-by; risk-control: mitigates",
    "7.2.2": (
        "risk-control: mitigates; harm: injury; software-item, software-unit: safety-class, "
        "implements-risk-control"
    ),
    "7.3.1": (
        "risk-control: implemented-in, verification; test-case: verifies; review-record: "
        "reviews; test results"
    ),
    "7.3.3": "hazardous-situation: arises-from, may-cause",
    "7.4.1": (
        "change-request: state, safety-impact; soup: version, evaluated-version, used-by; "
        "trace links and their reviews"
    ),
    "7.4.2": (
        "change-request: state, safety-impact, changes; the risk controls what it changes "
        "carries out"
    ),
    "8.1.1": "the project's git repository",
    "8.1.2": "soup: manufacturer, version; the lockfiles and SBOMs of [soup] sources",
    "8.1.3": "release: revision",
    "8.2.1": "change-request: state, approved-by, approved-date, commits (their dates in git)",
    "8.2.2": "change-request: state, changes",
    "8.2.3": (
        "change-request: state, verification, changes, approved-date; test results and records"
    ),
    "8.2.4": "change-request: state, commits",
    "8.3": "change-request: state",
    "9.1": "problem-report: state, criticality, state-history, reported-date",
    "9.2": (
        "problem-report: state, root-cause, safety-relevant, affects; change-request: "
        "resolves, safety-impact"
    ),
    "9.3": "problem-report: state, parties-advised",
    "9.4": (
        "problem-report: state, decision; change-request: resolves, state, approved-by, "
        "approved-date"
    ),
    "9.5": "problem-report: state-history",
    "9.7": "problem-report: state, fix-verification; change-request: resolves, state, verification",
    "9.8": (
        "problem-report: state, state-history, affects; change-request: resolves, changes, "
        "approved-date; test results and records"
    ),
}

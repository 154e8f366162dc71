"""The built-in catalogue of kinds and link types (IEC 62304 and ISO 14971).

Clause numbers in the descriptions say where the standard asks for the record;
the rules that check the records live in :mod:`medtrace.standard`.
"""

from __future__ import annotations

from medtrace.model.item import Item
from medtrace.model.kinds_ai import AI_KINDS, AI_LINK_TYPES, with_added_fields
from medtrace.model.kinds_security import SECURITY_KINDS, SECURITY_LINK_TYPES, with_security_links
from medtrace.model.schema import ANY_KIND, FieldSpec, FieldType, KindSpec, LinkType, Schema

_S, _T, _E, _L, _D = (
    FieldType.STRING,
    FieldType.TEXT,
    FieldType.ENUM,
    FieldType.LIST,
    FieldType.DATE,
)

SAFETY_CLASSES = ("A", "B", "C")
# Worst harm categories of the 4.3 decision procedure, mildest first.
INJURY_LEVELS = ("none", "non-serious-injury", "serious-injury-or-death")
SOFTWARE_KINDS = frozenset({"software-system", "software-item", "software-unit"})
REQUIREMENT_KINDS = frozenset({"system-requirement", "software-requirement"})
VULNERABILITY_STATES = ("not-affected", "affected", "fixed", "under-investigation")
VEX_JUSTIFICATIONS = (
    "code-not-present",
    "code-not-reachable",
    "requires-configuration",
    "requires-dependency",
    "requires-environment",
    "protected-by-compiler",
    "protected-at-runtime",
    "protected-at-perimeter",
    "protected-by-mitigating-control",
)


def _f(
    name: str,
    type_: FieldType,
    description: str,
    *,
    values: tuple[str, ...] = (),
    required: bool = False,
) -> FieldSpec:
    return FieldSpec(
        name=name, type=type_, description=description, values=values, required=required
    )


COMMON_FIELDS = (
    _f(
        "status",
        _E,
        "Where the item is in its own life: draft, in review, approved or obsolete.",
        values=("draft", "in-review", "approved", "obsolete"),
    ),
    _f("tags", _L, "Free labels for filtering."),
    _f("owner", _S, "The person or role responsible for the item."),
    _f(
        "fingerprints",
        FieldType.FINGERPRINTS,
        "What a record vouches for, as it was when recorded: one `ID@FINGERPRINT` per item "
        "(written by `medtrace approve` and `medtrace bind`); evidence whose item has changed "
        "since is void. Never part of a fingerprint itself.",
    ),
)

_LEGACY = _f(
    "legacy",
    FieldType.BOOLEAN,
    "true for legacy software (4.4): on the market already but not developed to IEC 62304; "
    "clauses 4.4.1 to 4.4.5 then ask for a legacy-assessment of it.",
)
PLAN_PURPOSES = (
    "development",
    "maintenance",
    "risk-management",
    "configuration-management",
    "problem-resolution",
    "verification",
    "integration",
    "vulnerability-disclosure",
    "other",
)
RIGOR_LEVELS = ("I", "II")
DECISIONS = ("change", "no-change", "deferred")

_CLASS_FIELDS = (
    _f(
        "safety-class",
        _E,
        "Software safety class (4.3); inherited from the parent when absent.",
        values=SAFETY_CLASSES,
    ),
    _f("segregation", _T, "Why this item may have a lower class than its parent (4.3, 5.3.5)."),
    _f("segregation-evidence", _S, "Where the segregation is shown to work (5.3.5)."),
)

_VERIFIABLE = frozenset(
    {
        "system-requirement",
        "software-requirement",
        "risk-control",
        "software-system",
        "software-item",
        "software-unit",
        "detailed-design",
        "soup",
    }
)
_CAUSES = SOFTWARE_KINDS | {"soup", "ml-model", "data-set"}
_CHANGEABLE = frozenset(
    {
        "system-requirement",
        "software-requirement",
        "software-system",
        "software-item",
        "software-unit",
        "detailed-design",
        "risk-control",
        "soup",
        "test-case",
        "plan",
        "ml-model",
        "data-set",
    }
)

LINK_TYPES = (
    LinkType(
        name="derived-from",
        targets=REQUIREMENT_KINDS,
        reverse="derives",
        acyclic=True,
        description="A requirement refines a higher one (5.2.1, 5.1.3).",
    ),
    LinkType(
        name="part-of",
        targets=frozenset({"software-system", "software-item"}),
        reverse="contains",
        acyclic=True,
        description="Architecture decomposition: item into system, unit into item (5.3.1, 5.4.1).",
    ),
    LinkType(
        name="implements",
        targets=REQUIREMENT_KINDS,
        reverse="implemented-by",
        description="A software item or unit realises a requirement (5.3.1, 7.3.3).",
    ),
    LinkType(
        name="implements-risk-control",
        targets=frozenset({"risk-control"}),
        reverse="carried-out-by",
        description="A requirement or item carries out a risk control measure (5.2.3, 7.2.2).",
    ),
    LinkType(
        name="design-of",
        targets=frozenset({"software-unit", "software-item"}),
        reverse="designed-by",
        description="Detailed design of a unit or its interfaces (5.4.2, 5.4.3).",
    ),
    LinkType(
        name="arises-from",
        targets=frozenset({"hazard"}),
        reverse="leads-to",
        description="A hazardous situation arises from a hazard (ISO 14971, 7.1).",
    ),
    LinkType(
        name="may-cause",
        targets=frozenset({"harm"}),
        reverse="caused-by-situation",
        description="A hazardous situation may result in a harm (ISO 14971).",
    ),
    LinkType(
        name="caused-by",
        targets=_CAUSES,
        reverse="contributes-to",
        description="Software or SOUP in the sequence of events of a hazardous situation (7.1.1).",
    ),
    LinkType(
        name="mitigates",
        targets=frozenset({"hazardous-situation", "hazard"}),
        reverse="mitigated-by",
        description="A risk control reduces the risk of a hazardous situation (7.2.1).",
    ),
    LinkType(
        name="introduces",
        targets=frozenset({"hazard", "hazardous-situation"}),
        reverse="introduced-by",
        description="A risk control gives rise to a new hazard or situation (7.3.1).",
    ),
    LinkType(
        name="evaluates",
        targets=frozenset({"soup"}),
        reverse="evaluated-by",
        description="A vulnerability evaluation of a SOUP component (7.1.3).",
    ),
    LinkType(
        name="used-by",
        targets=SOFTWARE_KINDS,
        reverse="uses-soup",
        description="Which software items use a SOUP component; sets its class (5.3.3, 4.3).",
    ),
    LinkType(
        name="verifies",
        targets=_VERIFIABLE,
        reverse="verified-by",
        description="A test case verifies a requirement, control, design or unit (5.5-5.7, 7.3.1).",
    ),
    LinkType(
        name="executes",
        targets=frozenset({"test-case"}),
        reverse="executed-by",
        description="A test execution record of a test case (5.7.5).",
    ),
    LinkType(
        name="affects",
        targets=_CHANGEABLE | {"release"},
        reverse="affected-by",
        description="A problem report names what it affects (9.1, 9.2).",
    ),
    LinkType(
        name="resolves",
        targets=frozenset({"problem-report", "legacy-assessment"}),
        reverse="resolved-by",
        description="A change request fixes a problem report (9.4, 8.2.4), or closes gaps a "
        "legacy assessment found (4.4.4).",
    ),
    LinkType(
        name="changes",
        targets=_CHANGEABLE,
        reverse="changed-by",
        description="A change request names the configuration items it changes (8.2.1, 6.2.4).",
    ),
    LinkType(
        name="supersedes",
        targets=frozenset({"release", "plan"}),
        reverse="superseded-by",
        acyclic=True,
        description="A release or plan replaces an earlier one.",
    ),
    LinkType(
        name="classifies",
        targets=frozenset({"software-system"}),
        reverse="classified-by",
        description="A safety classification record decides a software system's class (4.3).",
    ),
    LinkType(
        name="considers",
        targets=frozenset({"hazard", "hazardous-situation", "harm"}),
        reverse="considered-by",
        description="The hazards a classification or documentation level decision weighed (4.3).",
    ),
    LinkType(
        name="credits",
        targets=frozenset({"risk-control"}),
        reverse="credited-by",
        description="Risk controls outside the software credited to lower its class (4.3).",
    ),
    LinkType(
        name="planned-in",
        targets=frozenset({"plan"}),
        reverse="plans",
        description="The risk management plan a classification was decided under (4.2, 4.3).",
    ),
    LinkType(
        name="assesses",
        targets=SOFTWARE_KINDS,
        reverse="assessed-by",
        description="A legacy assessment of legacy software (4.4).",
    ),
    LinkType(
        name="known-anomalies",
        targets=frozenset({"problem-report"}),
        reverse="known-in",
        description="The problem reports still open when a release was made: its known "
        "residual anomalies (5.8.2).",
    ),
    LinkType(
        name="documented-in",
        targets=frozenset({ANY_KIND}),
        reverse="documents",
        description="Where an attestation's evidence is: a plan, a review, any record.",
    ),
    LinkType(
        name="reviews",
        targets=frozenset({ANY_KIND}),
        reverse="reviewed-by",
        description="A review or signature record of items (5.1.1, 8.2.3).",
    ),
    LinkType(
        name="signs",
        targets=frozenset({ANY_KIND}),
        reverse="signed-by",
        description="The item an electronic signature is on (21 CFR 11.70).",
    ),
)

KINDS = (
    KindSpec(
        name="system-requirement",
        title="System requirement",
        prefix="SYS",
        description="A requirement of the medical device or health software system (5.1.3, 5.2.1).",
        fields=(_f("rationale", _T, "Why the requirement exists."),),
        links=("derived-from",),
    ),
    KindSpec(
        name="software-requirement",
        title="Software requirement",
        prefix="SRS",
        description="A software requirement derived from system requirements (5.2).",
        fields=(
            _f(
                "category",
                _E,
                "Which content of 5.2.2 the requirement covers.",
                values=(
                    "functional",
                    "performance",
                    "interface",
                    "alarm",
                    "security",
                    "usability",
                    "data",
                    "installation",
                    "operation",
                    "maintenance",
                    "network",
                    "regulatory",
                ),
            ),
            _f("rationale", _T, "Why the requirement exists."),
        ),
        links=("derived-from", "implements-risk-control"),
    ),
    KindSpec(
        name="software-system",
        title="Software system",
        prefix="SWS",
        description="The software system that receives the first safety class (4.3).",
        fields=(
            *_CLASS_FIELDS[:1],
            _f("classification-rationale", _T, "Why the system has its class (4.3)."),
            _f(
                "categories-not-applicable",
                _L,
                "The 5.2.2 requirement categories (values of a software requirement's "
                "category) that do not apply to this software, e.g. [installation, network].",
            ),
            _f("categories-rationale", _T, "Why those categories do not apply (5.2.2)."),
            _LEGACY,
        ),
        links=("implements",),
    ),
    KindSpec(
        name="software-item",
        title="Software item",
        prefix="SWI",
        description="An identifiable part of the software system (5.3.1).",
        fields=(
            *_CLASS_FIELDS,
            _f(
                "interfaces",
                _T,
                "Interfaces with other items and with hardware and software outside (5.3.2).",
            ),
            _LEGACY,
        ),
        links=("part-of", "implements", "implements-risk-control"),
    ),
    KindSpec(
        name="software-unit",
        title="Software unit",
        prefix="SWU",
        description="A software item not further decomposed (5.4.1).",
        fields=(*_CLASS_FIELDS, _f("source-files", _L, "Source files of the unit.")),
        links=("part-of", "implements", "implements-risk-control"),
    ),
    KindSpec(
        name="detailed-design",
        title="Detailed design",
        prefix="DD",
        description="Detailed design of a software unit and its interfaces (5.4.2, 5.4.3).",
        fields=(
            _f(
                "interfaces",
                _T,
                "The design of the unit's interfaces, to other units and to outside components "
                "(5.4.3).",
            ),
        ),
        links=("design-of",),
    ),
    KindSpec(
        name="hazard",
        title="Hazard",
        prefix="HAZ",
        description="A potential source of harm (ISO 14971).",
        fields=(_f("category", _S, "Energy, biological, chemical, operational, information..."),),
    ),
    KindSpec(
        name="hazardous-situation",
        title="Hazardous situation",
        prefix="HS",
        description="Circumstances in which people are exposed to a hazard (ISO 14971, 7.1).",
        fields=(
            _f("sequence-of-events", _T, "How the situation comes about (7.1.1-7.1.4)."),
            _f(
                "software-contributes",
                FieldType.BOOLEAN,
                "false when no software or SOUP can contribute (hardware or use only; 7.1.1).",
            ),
            _f("probability", _S, "Probability of harm before risk control, on the [risk] scale."),
            _f("residual-probability", _S, "Probability of harm after risk control."),
            _f(
                "residual-severity",
                _S,
                "Severity after risk control, when a control lessens the harm itself "
                "(default: the worst harm's severity).",
            ),
        ),
        links=("arises-from", "may-cause", "caused-by"),
    ),
    KindSpec(
        name="harm",
        title="Harm",
        prefix="HARM",
        description="Injury or damage to the health of people (ISO 14971).",
        fields=(
            _f("severity", _S, "Severity of the harm on the project's scale."),
            _f(
                "injury",
                _E,
                "The 4.3 category of the harm; sets the class of risks leading to it.",
                values=INJURY_LEVELS,
            ),
        ),
    ),
    KindSpec(
        name="risk-control",
        title="Risk control measure",
        prefix="RC",
        description="A measure that reduces risk (7.2, ISO 14971 7.1).",
        fields=(
            _f(
                "control-type",
                _E,
                "Option of ISO 14971 7.1 the measure belongs to.",
                values=(
                    "inherent-safety-by-design",
                    "protective-measure",
                    "information-for-safety",
                ),
            ),
            _f(
                "implemented-in",
                _E,
                "Where the measure is carried out; IEC 62304 5.2.3 and 7.3.1 concern software.",
                values=("software", "hardware", "labelling", "procedure"),
            ),
            _f(
                "verification",
                _T,
                "How the control itself was verified when no test case verifies it (an "
                "inspection, an analysis, a named test report) (7.3.1).",
            ),
        ),
        links=("mitigates", "introduces"),
    ),
    KindSpec(
        name="soup",
        title="SOUP component",
        prefix="SOUP",
        description="Software of unknown provenance (8.1.2, 5.3.3, 5.3.4, 7.1.2, 7.1.3).",
        fields=(
            _f("manufacturer", _S, "Who makes it (8.1.2)."),
            _f("version", _S, "The exact version designator (8.1.2)."),
            _f("purl", _S, "Package URL."),
            _f("license", _S, "Licence expression."),
            _f("functional-requirements", _T, "Functional and performance requirements (5.3.3)."),
            _f("system-requirements", _T, "Hardware and software it needs (5.3.4)."),
            _f(
                "anomaly-list",
                _S,
                "Where its known anomalies are published: a URL, a file in the repository, an "
                "item id, or a named document with its revision (7.1.3).",
            ),
            _f("anomaly-evaluation", _T, "Evaluation of known anomalies for this version (7.1.3)."),
            _f(
                "evaluated-version",
                _S,
                "The version the anomaly evaluation was made for; when `version` moves on, "
                "the evaluation and the users' change impact are due again (7.1.3, 7.4.1).",
            ),
            _f(
                "vulnerability-monitoring",
                _T,
                "How known vulnerabilities are followed for a component the OSV advisories "
                "cannot be matched against (no purl, a pkg:generic purl): the source (NVD by "
                "CPE, the vendor's security bulletins) and how often (7.1.3).",
            ),
        ),
        links=("used-by",),
    ),
    KindSpec(
        name="vulnerability-evaluation",
        title="Vulnerability evaluation",
        prefix="VE",
        description=(
            "The evaluation of one published vulnerability (an OSV record) for a SOUP "
            "component at one version (7.1.3; FDA premarket cybersecurity, IEC 81001-5-1)."
        ),
        fields=(
            _f("vulnerability", _S, "The OSV, GHSA, CVE or other id evaluated.", required=True),
            _f("soup-version", _S, "The SOUP version the evaluation holds for."),
            _f(
                "state",
                _E,
                "The outcome: not affected, affected, fixed, or still under investigation.",
                values=VULNERABILITY_STATES,
            ),
            _f(
                "justification",
                _E,
                "Why the product is not affected (the CycloneDX VEX justifications).",
                values=VEX_JUSTIFICATIONS,
            ),
            _f("reason", _T, "Why not affected, in words."),
            _f("risk-assessment", _T, "What the vulnerability means for safety and security."),
            _f("mitigation", _T, "What controls it, or the fix and when it ships."),
            _f("date", _D, "When it was evaluated."),
        ),
        links=("evaluates",),
    ),
    KindSpec(
        name="test-case",
        title="Test case",
        prefix="TC",
        description="A unit, integration or system test, automated or manual (5.5-5.7).",
        fields=(
            _f("level", _E, "Test level.", values=("unit", "integration", "system")),
            _f("method", _E, "How it runs.", values=("automated", "manual")),
            _f("test-id", _S, "Name of the automated test in the runner's report."),
            _f("steps", _L, "Steps of a manual test."),
            _f("expected-result", _T, "Pass criteria (5.5.3, 5.7.1)."),
        ),
        links=("verifies",),
    ),
    KindSpec(
        name="test-record",
        title="Test execution record",
        prefix="TR",
        description="A record of running a test at a revision (5.7.5).",
        fields=(
            _f("tester", _S, "Who ran it."),
            _f("date", _D, "When it ran."),
            _f("revision", _S, "Software version or git revision under test."),
            _f(
                "outcome",
                _E,
                "Result.",
                values=("passed", "failed", "error", "skipped", "blocked"),
            ),
            _f("environment", _S, "Hardware and software set-up and tools it ran with."),
            _f(
                "step-results",
                _L,
                "One entry per step of the executed test, in order: an outcome (passed, "
                "failed, blocked, skipped), optionally followed by ': what was observed'.",
            ),
            _f("anomalies", _T, "Anomalies seen, with their problem reports (5.7.2, 9.8)."),
            _f(
                "attachments",
                _L,
                "Evidence files (screenshots, logs, measurements), relative to the project.",
            ),
        ),
        links=("executes",),
    ),
    KindSpec(
        name="problem-report",
        title="Problem report",
        prefix="PR",
        description="Actual or potential unsafe, unexpected or unspecified behaviour (9.1).",
        fields=(
            _f(
                "state",
                _E,
                "Problem resolution state (9).",
                values=("open", "investigating", "resolved", "verified", "closed"),
            ),
            _f("criticality", _E, "Effect on safety (9.1).", values=("low", "medium", "high")),
            _f("reported-by", _S, "Who reported it."),
            _f("reported-date", _D, "When it was reported."),
            _f("affected-versions", _L, "Released versions it affects."),
            _f("root-cause", _T, "Result of the investigation (9.2)."),
            _f("safety-relevant", FieldType.BOOLEAN, "Relevance to safety (9.2)."),
            _f(
                "state-history",
                _L,
                "Each state the report entered, oldest first: 'YYYY-MM-DD state', optionally "
                "followed by ': who and why'; transitions are checked (9.1-9.8).",
            ),
            _f("fix-verification", _T, "How the fix was verified (9.7)."),
            _f(
                "decision",
                _E,
                "The outcome of the investigation (9.2): a change (a change request resolves "
                "it), no change (say why in the body or root-cause), or deferred.",
                values=DECISIONS,
            ),
            _f(
                "parties-advised",
                _T,
                "Who was told about the problem, when and how (users, regulators, other "
                "teams), or why nobody needs to be (9.3, 6.2.5).",
            ),
            _f(
                "evaluation",
                _T,
                "For a known residual anomaly, why it does not contribute to an unacceptable "
                "risk (5.8.3).",
            ),
            _f("evaluated-by", _S, "Who evaluated the anomaly (5.8.3)."),
            _f("evaluated-date", _D, "When."),
            _f("tracker-id", _S, "The issue in the team's tracker (github:owner/repo#12)."),
        ),
        links=("affects",),
    ),
    KindSpec(
        name="change-request",
        title="Change request",
        prefix="CR",
        description="A documented change to the software (8.2, 6.2.4).",
        fields=(
            _f(
                "state",
                _E,
                "Change control state (8.2).",
                values=("proposed", "approved", "implemented", "verified", "closed", "rejected"),
            ),
            _f("safety-impact", _T, "Analysis of the change for safety (7.4)."),
            _f("approved-by", _S, "Who approved it (8.2.1)."),
            _f("approved-date", _D, "When it was approved."),
            _f("commits", _L, "Commits that implement it (8.2.4)."),
            _f("verification", _T, "How the change was verified (8.2.3)."),
            _f(
                "impact-analysis",
                _T,
                "For a change to released software, what it means for the organisation, the "
                "released versions and the systems it connects to (6.2.3).",
            ),
        ),
        links=("resolves", "changes"),
    ),
    KindSpec(
        name="release",
        title="Release",
        prefix="REL",
        description="A released version of the software (5.8, 6.3).",
        fields=(
            _f("version", _S, "The version released (5.8.4)."),
            _f("date", _D, "Release date."),
            _f("revision", _S, "The git revision released."),
            _f("build", _T, "How the release was built (5.8.5)."),
            _f("archive", _S, "Where the release archive is kept, with its SHA-256 (5.8.7)."),
            _f(
                "artifacts",
                _L,
                "The files delivered, one 'NAME sha256:HEX' each, so that they can be checked "
                "where they are used (5.8.8).",
            ),
            _f(
                "overridden",
                _L,
                "The reasons of the release check the release was made over, with a "
                "justification (written by release make; 5.8.1, 5.8.6).",
            ),
            _f("justification", _T, "Why the release was made over those reasons."),
        ),
        links=("supersedes", "known-anomalies"),
    ),
    KindSpec(
        name="plan",
        title="Plan document",
        prefix="PLAN",
        description="Development, maintenance, risk, configuration or other plan (5.1, 6.1).",
        fields=(
            _f(
                "plan-type",
                _L,
                "What the plan covers: one purpose or a list of them, for a plan that serves "
                "several (4.2, 5.1, 6.1). A section of the plan addresses a clause when its "
                "heading names it in parentheses, e.g. '## 9 Configuration management (5.1.9)'.",
                values=PLAN_PURPOSES,
            ),
            _f("version", _S, "Document version."),
        ),
        links=("supersedes",),
    ),
    KindSpec(
        name="review-record",
        title="Review or signature record",
        prefix="RVW",
        description="Who reviewed, approved or signed which items, and when.",
        fields=(
            _f("reviewer", _S, "Name of the reviewer or signer."),
            _f("role", _S, "Role in which they sign."),
            _f("date", _D, "When."),
            _f(
                "meaning",
                _E,
                "What the signature means.",
                values=("reviewed", "approved", "authored"),
            ),
            _f("revision", _S, "Git revision reviewed."),
        ),
        links=("reviews",),
    ),
    KindSpec(
        name="signature",
        title="Electronic signature",
        prefix="SIG",
        description="An electronic signature on one item, bound to its content and signed "
        "with Ed25519 (written by medtrace sign and the web application, never by hand).",
        fields=(
            _f("signer", _S, "The signer's unique id (their account name).", required=True),
            _f("name", _S, "The signer's printed name.", required=True),
            _f("role", _S, "The role in which they sign."),
            _f("meaning", _S, "What the signature means (authored, approved...).", required=True),
            _f("signed-at", _S, "When, in UTC (ISO 8601).", required=True),
            _f("commit", _S, "The git commit the item was signed at."),
            _f("reason", _S, "The signer's reason or comment."),
            _f("authenticated", _S, "How the signer was authenticated.", required=True),
            _f("key", _S, "The SHA-256 fingerprint of the public key that signed."),
            _f("signature", _S, "The Ed25519 signature (base64).", required=True),
            _f(
                "document",
                _S,
                "The generated document signed (srs, sad...): it signs the "
                "items the document showed.",
            ),
        ),
        links=("signs",),
    ),
)


_DECISIONS = (
    KindSpec(
        name="safety-classification",
        title="Software safety classification record",
        prefix="SCL",
        description="The 4.3 decision for a software system: the answers, hazards and rationale.",
        fields=(
            _f(
                "contributes-to-hazardous-situation",
                FieldType.BOOLEAN,
                "Q1: can the software system contribute to a hazardous situation?",
            ),
            _f(
                "unacceptable-risk",
                FieldType.BOOLEAN,
                "Q2: does its failure lead to unacceptable risk after external risk controls?",
            ),
            _f("worst-harm", _E, "Q3: the worst possible harm.", values=INJURY_LEVELS),
            _f("safety-class", _E, "The class decided.", values=SAFETY_CLASSES),
            _f(
                "initial-class",
                _E,
                "The class before external risk controls were credited, if it was higher.",
                values=SAFETY_CLASSES,
            ),
            _f("rationale", _T, "Why: the reasoning an auditor reads."),
            _f(
                "contributes-to-harm",
                FieldType.BOOLEAN,
                "Edition 2 draft: can the software contribute to harm (worst case; only "
                "negligible harm or very unlikely scenarios excluded)?",
            ),
            _f(
                "rigor-level",
                _E,
                "Edition 2 draft: the process rigor level decided (I or II).",
                values=RIGOR_LEVELS,
            ),
        ),
        links=("classifies", "considers", "credits", "planned-in"),
    ),
    KindSpec(
        name="legacy-assessment",
        title="Legacy software assessment",
        prefix="LEG",
        description="The 4.4 route for legacy software: feedback and risk review, gap "
        "analysis, gap closure and the rationale for continued use.",
        fields=(
            _f("legacy-version", _S, "The version of the legacy software assessed (4.4.5)."),
            _f(
                "feedback-review",
                _T,
                "What post-production feedback (incidents, near misses, complaints) was "
                "reviewed and what it showed (4.4.2).",
            ),
            _f(
                "gap-analysis",
                _L,
                "One entry per clause compared, 'CLAUSE: close|accept: why', for 5.2, 5.7 "
                "and, at Class B and C, 5.3 and 7 (4.4.3).",
            ),
            _f("rationale", _T, "Why the legacy software may go on being used (4.4.5)."),
        ),
        links=("assesses", "considers"),
    ),
    KindSpec(
        name="attestation",
        title="Attestation",
        prefix="ATT",
        description="A signed statement that a plan section or checklist entry meets clauses "
        "no data can decide.",
        fields=(
            _f("clauses", _L, "The IEC 62304 clauses attested, e.g. [5.1.4, 5.1.5]."),
            _f("evidence", _S, "The named plan section or checklist entry that shows it."),
            _f("signed-by", _S, "Who signed the attestation off."),
            _f("signed-date", _D, "When."),
        ),
        links=("documented-in",),
    ),
    KindSpec(
        name="risk-evaluation",
        title="Overall residual risk evaluation",
        prefix="ORR",
        description="The evaluation of the overall residual risk against the criteria of the "
        "risk management plan, with the benefit-risk conclusion (ISO 14971 7.4, 8).",
        fields=(
            _f(
                "overall-residual-risk",
                _E,
                "The conclusion: the overall residual risk is acceptable or not.",
                values=("acceptable", "not-acceptable"),
            ),
            _f(
                "benefit-risk",
                _T,
                "The benefit-risk statement: why the medical benefits outweigh the residual "
                "risk (needed when a residual risk is not acceptable on its own).",
            ),
            _f("method", _T, "How the overall residual risk was evaluated."),
            _f("evaluated-by", _S, "Who evaluated it."),
            _f("date", _D, "When."),
        ),
        links=("considers",),
    ),
    KindSpec(
        name="risk-management-review",
        title="Risk management review",
        prefix="RMR",
        description="The review before release that the risk management plan was carried out, "
        "the overall residual risk is acceptable and methods are in place to collect "
        "production and post-production information (ISO 14971 9).",
        fields=(
            _f("plan-carried-out", FieldType.BOOLEAN, "The risk management plan was carried out."),
            _f(
                "overall-residual-risk-acceptable",
                FieldType.BOOLEAN,
                "The overall residual risk is acceptable.",
            ),
            _f(
                "post-production-methods",
                FieldType.BOOLEAN,
                "Methods are in place to collect and review production and post-production "
                "information.",
            ),
            _f("reviewed-by", _S, "Who carried out the review (the people responsible)."),
            _f("date", _D, "When."),
        ),
        links=("reviews",),
    ),
    KindSpec(
        name="documentation-level",
        title="FDA documentation level decision",
        prefix="DOCL",
        description="Basic or Enhanced documentation for an FDA premarket submission (2023).",
        fields=(
            _f("level", _E, "The level decided.", values=("basic", "enhanced")),
            _f(
                "probable-serious-harm",
                FieldType.BOOLEAN,
                "Could a software failure, before risk controls, present a probable risk of "
                "death or serious injury?",
            ),
            _f(
                "enhanced-device-type",
                FieldType.BOOLEAN,
                "Is the device of a type FDA says generally warrants Enhanced documentation?",
            ),
            _f("rationale", _T, "Why."),
        ),
        links=("considers",),
    ),
)


def plan_purposes(plan: Item) -> tuple[str, ...]:
    """The purposes a plan serves (its ``plan-type``, one or a list); none when unset."""
    value = plan.field("plan-type")
    if isinstance(value, tuple):
        return tuple(part.strip() for part in value if part.strip())
    return (str(value).strip(),) if value is not None and str(value).strip() else ()


def serves(plan: Item, purpose: str) -> bool:
    """Whether ``plan`` (a plan item) serves ``purpose``, alone or among others."""
    return plan.kind == "plan" and purpose in plan_purposes(plan)


def builtin_schema() -> Schema:
    """The schema of a project whose ``medtrace.toml`` adds nothing."""
    kinds = (*with_added_fields(KINDS), *_DECISIONS, *AI_KINDS, *SECURITY_KINDS)
    links = (*with_security_links(LINK_TYPES), *AI_LINK_TYPES, *SECURITY_LINK_TYPES)
    return Schema.build(kinds, links, COMMON_FIELDS)

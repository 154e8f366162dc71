"""The clause table: every requirement of IEC 62304:2006+A1:2015 clauses 4-9, one entry each.

Each entry is a sub-clause (4.1 to 9.8) with its title, the process it belongs
to, a summary of what it asks, the safety classes it applies to, the evidence
that shows it, and how medtrace decides it (registered rules, rules and a signed
attestation, a signed attestation alone, or not at all for 7.3.2, which
Amendment 1 removed); a clause a person attests says what they attest and why
no data can show it.

Basis: class applicability follows the Amendment 1 summary table; where
published guides read a clause differently, ``note`` records the reading chosen
(disagreements D1-D7). Titles follow the standard's clause titles; summaries
are medtrace's own paraphrases, not the standard's text, and the purchased
standard is what rules. docs/standard.md explains the encoding for readers.
"""

from __future__ import annotations

from types import MappingProxyType

from medtrace.model import SafetyClass
from medtrace.standard.clause import Clause, Method

_ABC = frozenset(SafetyClass)
_BC = frozenset({SafetyClass.B, SafetyClass.C})
_C = frozenset({SafetyClass.C})

CLAUSES: tuple[Clause, ...] = (
    Clause(
        number="4.1",
        title="Quality management system",
        process="general",
        summary=(
            "Show that the organisation can reliably produce software that meets customer and "
            "regulatory needs; a quality management system such as ISO 13485 is the usual proof."
        ),
        classes=_ABC,
        evidence=("QMS certificate or manual", "procedures the plan cites"),
        method=Method.ATTESTATION,
        attest=(
            "that the software is developed within a quality management system (ISO 13485 "
            "or an equivalent) whose procedures the plans cite"
        ),
        attest_reason=(
            "The quality management system, its certificate and its procedures live "
            "outside the project's files."
        ),
    ),
    Clause(
        number="4.2",
        title="Risk management",
        process="general",
        summary=(
            "Run an ISO 14971 risk management process over the whole device, its software included."
        ),
        classes=_ABC,
        evidence=("risk management plan", "risk management file", "risk management report"),
        method=Method.RULES,
        note=(
            "At Class A, a classification recording that the software cannot contribute to a "
            "hazardous situation, with its rationale and the risk management plan it was decided "
            "under (planned-in), meets 4.2 without hazard items; a plan serving several purposes "
            "counts as the risk management plan."
        ),
    ),
    Clause(
        number="4.3",
        title="Software safety classification",
        process="general",
        summary=(
            "Give every software system class A, B or C by the harm its failure could contribute "
            "to, record why in the risk management file, and keep item classes consistent with "
            "their parents."
        ),
        classes=_ABC,
        evidence=("classification record", "item class table", "segregation rationale"),
        method=Method.RULES,
        note=(
            "The 2006 rule that risk-control software takes the class of the risk it controls is "
            "checked under 7.2.2, where Amendment 1 keeps it (D4)."
        ),
    ),
    Clause(
        number="4.4.1",
        title="Legacy software - general",
        process="general",
        summary=(
            "Software already on the market but not built to this standard may show conformity "
            "through the legacy route of 4.4.2 to 4.4.5 instead of redoing clauses 5 to 9."
        ),
        classes=_ABC,
        evidence=("legacy assessment plan",),
        method=Method.RULES,
        note=(
            "Applies only where a software system or item declares legacy: true; otherwise not "
            "applicable. The same holds for 4.4.2 to 4.4.5."
        ),
    ),
    Clause(
        number="4.4.2",
        title="Legacy software - risk management activities",
        process="general",
        summary=(
            "Review field experience with the legacy software, such as incidents and near misses, "
            "and redo its risk analysis for continued use, including whether its risk controls "
            "still hold."
        ),
        classes=_ABC,
        evidence=("post-market feedback review", "updated legacy risk analysis"),
        method=Method.RULES,
    ),
    Clause(
        number="4.4.3",
        title="Legacy software - gap analysis",
        process="general",
        summary=(
            "Hold the legacy software's existing records against what its class would need under "
            "5.2, 5.3, 5.7 and clause 7, weigh the safety gain of closing each gap and decide what "
            "to do; system test records are the least that is expected."
        ),
        classes=_ABC,
        evidence=("gap analysis",),
        method=Method.RULES,
    ),
    Clause(
        number="4.4.4",
        title="Legacy software - gap closure activities",
        process="general",
        summary=(
            "Plan and do the chosen gap-closing work, send the problems it uncovers to problem "
            "resolution, and handle later changes through maintenance."
        ),
        classes=_ABC,
        evidence=("gap closure plan", "problem reports", "change requests"),
        method=Method.RULES,
    ),
    Clause(
        number="4.4.5",
        title="Legacy software - rationale for use",
        process="general",
        summary=(
            "Record which version of the legacy software is used and why the assessment justifies "
            "using it further."
        ),
        classes=_ABC,
        evidence=("continued-use rationale",),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.1",
        title="Software development plan",
        process="development",
        summary=(
            "Write a development plan sized to the system's scope and class that covers the "
            "processes, deliverables, traceability, configuration and change management (SOUP and "
            "tools included) and problem resolution."
        ),
        classes=_ABC,
        evidence=("development plan",),
        method=Method.RULES,
        note=(
            "A plan may serve several purposes (plan-type is a list); the development plan's "
            "sections name the clauses they address in their headings."
        ),
    ),
    Clause(
        number="5.1.2",
        title="Keep software development plan updated",
        process="development",
        summary=(
            "Revise the development plan whenever the way the software is developed changes, so "
            "that it keeps matching the real process."
        ),
        classes=_ABC,
        evidence=("plan revision history",),
        method=Method.ATTESTATION,
        attest=("that the development plan was revised whenever the way of working changed"),
        attest_reason=(
            "The files show the plan and its approval (5.1.1), not how the team really "
            "works; matching the two is a person's comparison."
        ),
    ),
    Clause(
        number="5.1.3",
        title="Software development plan reference to system design and development",
        process="development",
        summary=(
            "The plan names the system requirements that feed software development and the "
            "procedures that keep it in step with system design and validation."
        ),
        classes=_ABC,
        evidence=("plan references to system requirements", "design-control procedure"),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.4",
        title="Software development standards, methods and tools planning",
        process="development",
        summary=(
            "For Class C, name the standards, methods and tools, with their versions, used to "
            "develop the software."
        ),
        classes=_C,
        evidence=("coding standard", "toolchain list with versions"),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.5",
        title="Software integration and integration testing planning",
        process="development",
        summary=(
            "Plan the order and strategy for integrating software items, SOUP included, and how "
            "the integration is tested."
        ),
        classes=_BC,
        evidence=("integration plan",),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.6",
        title="Software verification planning",
        process="development",
        summary=(
            "Plan verification: which deliverables are verified, which tasks happen at which "
            "activity and milestone, and the criteria for accepting them."
        ),
        classes=_ABC,
        evidence=("verification plan",),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.7",
        title="Software risk management planning",
        process="development",
        summary=(
            "Plan the software's risk management work, including how risks from SOUP are handled."
        ),
        classes=_ABC,
        evidence=("risk management planning section", "SOUP risk approach"),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.8",
        title="Documentation planning",
        process="development",
        summary=(
            "For each document the project produces, fix its name or naming rule, its purpose, and "
            "who writes, reviews, approves and changes it, and how."
        ),
        classes=_ABC,
        evidence=("document register",),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.9",
        title="Software configuration management planning",
        process="development",
        summary=(
            "Plan configuration management: which kinds of item are controlled, the tasks, who is "
            "responsible and how they work with others, when items come under control, and when "
            "problem resolution takes over."
        ),
        classes=_ABC,
        evidence=("configuration management plan",),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.10",
        title="Supporting items to be controlled",
        process="development",
        summary=(
            "Bring under configuration control every tool, setting and other supporting item whose "
            "change could alter the device software."
        ),
        classes=_BC,
        evidence=("controlled tool register", "pinned build environment"),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.11",
        title="Software configuration item control before verification",
        process="development",
        summary=(
            "Put configuration items under documented control before they are verified, so that "
            "every result points at a fixed version."
        ),
        classes=_BC,
        evidence=("branch and merge policy", "version-stamped verification records"),
        method=Method.RULES,
    ),
    Clause(
        number="5.1.12",
        title="Identification and avoidance of common software defects",
        process="development",
        summary=(
            "Name the kinds of defect typical of the programming language and technology in use "
            "and show evidence that each is kept from causing unacceptable risk."
        ),
        classes=_BC,
        evidence=("defect category register", "static analysis setup and reports"),
        method=Method.RULES,
        note=(
            "Read as the defect categories of the chosen technology (such as CWE classes) with "
            "evidence they are controlled, not as a list of known bugs, which is the business of "
            "5.8.2 and 5.8.3 (D6)."
        ),
    ),
    Clause(
        number="5.2.1",
        title="Define and document software requirements from system requirements",
        process="development",
        summary=(
            "Derive the software requirements from the system requirements and write them down."
        ),
        classes=_ABC,
        evidence=("software requirements specification", "upward trace links"),
        method=Method.RULES,
    ),
    Clause(
        number="5.2.2",
        title="Software requirements content",
        process="development",
        summary=(
            "As far as they apply, the requirements cover function, inputs and outputs, "
            "interfaces, alarms, security, user interface, data, installation, operation, "
            "maintenance, IT networks and regulatory needs."
        ),
        classes=_ABC,
        evidence=("categorised requirements", "not-applicable justifications"),
        method=Method.RULES,
    ),
    Clause(
        number="5.2.3",
        title="Include risk control measures in software requirements",
        process="development",
        summary=(
            "Every risk control the software carries out, whether against hardware faults or "
            "software defects, is stated as a software requirement."
        ),
        classes=_BC,
        evidence=("risk control requirements", "control-to-requirement links"),
        method=Method.RULES,
    ),
    Clause(
        number="5.2.4",
        title="Re-evaluate medical device risk analysis",
        process="development",
        summary=(
            "Once the software requirements are settled, revisit the device's risk analysis and "
            "update it where needed."
        ),
        classes=_ABC,
        evidence=("risk analysis review after the requirements baseline",),
        method=Method.ATTESTATION,
        attest=(
            "that the risk analysis was re-evaluated once the requirements were set, and "
            "updated where needed"
        ),
        attest_reason=(
            "The re-evaluation is the risk manager's judgement; the files show the risk "
            "file as it is, not that it was revisited against the requirements."
        ),
    ),
    Clause(
        number="5.2.5",
        title="Update requirements",
        process="development",
        summary=(
            "Revise existing requirements, system requirements included, where the software "
            "requirements analysis shows they need it."
        ),
        classes=_ABC,
        evidence=("system requirements review record",),
        method=Method.ATTESTATION,
        attest=(
            "that existing and system requirements were revised where the analysis showed the need"
        ),
        attest_reason=(
            "Which requirements needed revising is a judgement; the files hold the "
            "requirements as they are now."
        ),
    ),
    Clause(
        number="5.2.6",
        title="Verify software requirements",
        process="development",
        summary=(
            "Check and record that the requirements realise the system requirements and risk "
            "controls and are consistent, clear, testable, uniquely identified and traceable."
        ),
        classes=_ABC,
        evidence=("requirements review record", "unique identifiers", "trace matrix"),
        method=Method.RULES,
    ),
    Clause(
        number="5.3.1",
        title="Transform software requirements into an architecture",
        process="development",
        summary="Describe the software's structure and name the software items it is made of.",
        classes=_BC,
        evidence=("architecture description", "item list with classes"),
        method=Method.RULES,
    ),
    Clause(
        number="5.3.2",
        title="Develop an architecture for the interfaces of software items",
        process="development",
        summary=(
            "Describe the interfaces between software items, and between them and outside hardware "
            "and software."
        ),
        classes=_BC,
        evidence=("interface descriptions",),
        method=Method.RULES,
    ),
    Clause(
        number="5.3.3",
        title="Specify functional and performance requirements of SOUP item",
        process="development",
        summary=(
            "State for each SOUP item the functions and performance it must deliver for its use in "
            "the device."
        ),
        classes=_BC,
        evidence=("SOUP functional and performance requirements",),
        method=Method.RULES,
    ),
    Clause(
        number="5.3.4",
        title="Specify system hardware and software required by SOUP item",
        process="development",
        summary=(
            "State for each SOUP item the platform it depends on to work properly: processor, "
            "memory, operating system, runtime and other libraries."
        ),
        classes=_BC,
        evidence=("SOUP platform requirements",),
        method=Method.RULES,
    ),
    Clause(
        number="5.3.5",
        title="Identify segregation necessary for risk control",
        process="development",
        summary=(
            "Identify each separation between software items that a risk control depends on and "
            "explain the mechanism that guarantees it."
        ),
        classes=_C,
        evidence=("segregation rationale", "segregation mechanism evidence"),
        method=Method.RULES,
        note=(
            "Applied at Class C only, judged for this sub-clause rather than from per-activity "
            "tables that show all of 5.3 alike (D7)."
        ),
    ),
    Clause(
        number="5.3.6",
        title="Verify software architecture",
        process="development",
        summary=(
            "Check and record that the architecture realises the requirements and risk controls, "
            "accommodates the interfaces between items and lets SOUP work properly."
        ),
        classes=_BC,
        evidence=("architecture review record", "requirement allocation"),
        method=Method.RULES,
    ),
    Clause(
        number="5.4.1",
        title="Subdivide software into software units",
        process="development",
        summary="Break the architecture down until it consists of software units.",
        classes=_BC,
        evidence=("unit breakdown", "source-to-unit mapping"),
        method=Method.RULES,
    ),
    Clause(
        number="5.4.2",
        title="Develop detailed design for each software unit",
        process="development",
        summary=(
            "Write down each unit's design precisely enough that it can be coded correctly from it."
        ),
        classes=_C,
        evidence=("unit design descriptions",),
        method=Method.RULES,
    ),
    Clause(
        number="5.4.3",
        title="Develop detailed design for interfaces",
        process="development",
        summary=(
            "Describe the design of each unit's interfaces, to other units and to outside "
            "components, in enough detail to implement them correctly."
        ),
        classes=_C,
        evidence=("interface specifications",),
        method=Method.RULES,
    ),
    Clause(
        number="5.4.4",
        title="Verify detailed design",
        process="development",
        summary=(
            "Check and record that each unit's design is faithful to the architecture and free of "
            "conflicts with it."
        ),
        classes=_C,
        evidence=("design review record",),
        method=Method.RULES,
    ),
    Clause(
        number="5.5.1",
        title="Implement each software unit",
        process="development",
        summary="Write the code of each software unit.",
        classes=_ABC,
        evidence=("source under version control",),
        method=Method.RULES,
        note=(
            "Unlike the rest of 5.5 this applies at Class A too, which is why applicability is "
            "judged per sub-clause, not per activity (D7)."
        ),
    ),
    Clause(
        number="5.5.2",
        title="Establish software unit verification process",
        process="development",
        summary=(
            "Decide how units are verified (strategies, methods, procedures) and, where tests are "
            "used, check that the test procedures are correct."
        ),
        classes=_BC,
        evidence=("unit verification procedure", "test review"),
        method=Method.RULES,
    ),
    Clause(
        number="5.5.3",
        title="Software unit acceptance criteria",
        process="development",
        summary=(
            "Set what a unit must satisfy before integration, such as realising its requirements, "
            "matching its interfaces and following the coding standard, and make sure units "
            "satisfy it."
        ),
        classes=_BC,
        evidence=("unit acceptance criteria", "merge gate results"),
        method=Method.RULES,
    ),
    Clause(
        number="5.5.4",
        title="Additional software unit acceptance criteria",
        process="development",
        summary=(
            "For Class C, where the design calls for it, extend the unit criteria to event order, "
            "data and control flow, resource use, fault handling, initialisation, "
            "self-diagnostics, memory handling and boundary conditions."
        ),
        classes=_C,
        evidence=("extended criteria per unit", "evidence per criterion"),
        method=Method.RULES,
    ),
    Clause(
        number="5.5.5",
        title="Software unit verification",
        process="development",
        summary="Verify each unit against its criteria and record the outcome.",
        classes=_BC,
        evidence=("unit test results", "static analysis reports", "code review records"),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.1",
        title="Integrate software units",
        process="development",
        summary="Put units together into items and into the system as the integration plan says.",
        classes=_BC,
        evidence=("integration build records",),
        method=Method.ATTESTATION,
        attest=("that the units were integrated as the integration plan says"),
        attest_reason=(
            "Integration happens in the build; the files hold the plan (5.1.5) and the "
            "tests of the result (5.6.3), not the way the units were put together."
        ),
    ),
    Clause(
        number="5.6.2",
        title="Verify software integration",
        process="development",
        summary="Check and record that the units were integrated as planned.",
        classes=_BC,
        evidence=("integration verification record",),
        method=Method.ATTESTATION,
        attest=("that the integration was checked against the plan and the result recorded"),
        attest_reason=(
            "Comparing the integrated build with the plan is a review of the build, which "
            "no item records."
        ),
    ),
    Clause(
        number="5.6.3",
        title="Software integration testing",
        process="development",
        summary="Test the integrated items as planned and record the results.",
        classes=_BC,
        evidence=("integration test report",),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.4",
        title="Software integration testing content",
        process="development",
        summary=(
            "Integration tests show that the integrated items behave as intended: functions, risk "
            "controls, timing, interfaces, and abnormal or misuse conditions."
        ),
        classes=_BC,
        evidence=("integration tests traced to interfaces and controls",),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.5",
        title="Evaluate software integration test procedures",
        process="development",
        summary="Judge whether the integration test procedures are adequate.",
        classes=_BC,
        evidence=("test procedure review",),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.6",
        title="Conduct regression tests",
        process="development",
        summary=(
            "Run regression tests that show integration did not break software integrated earlier."
        ),
        classes=_BC,
        evidence=("regression results",),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.7",
        title="Integration test record contents",
        process="development",
        summary=(
            "Integration test records give the outcome and any anomalies, enough detail to repeat "
            "the test, and who ran it."
        ),
        classes=_BC,
        evidence=("integration test records",),
        method=Method.RULES,
    ),
    Clause(
        number="5.6.8",
        title="Use software problem resolution process",
        process="development",
        summary=(
            "Anomalies found while integrating or in integration tests go into problem resolution."
        ),
        classes=_BC,
        evidence=("problem reports from failed integration tests",),
        method=Method.RULES,
    ),
    Clause(
        number="5.7.1",
        title="Establish tests for software requirements",
        process="development",
        summary=(
            "Define and run tests that cover every software requirement, with inputs, expected "
            "results, pass/fail criteria and procedures; integration and system tests may be "
            "combined."
        ),
        classes=_ABC,
        evidence=("system test specification", "requirement-to-test links"),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; one Amd1 checklist keeps "
            "the 2006 limit to B and C, and one mapping omits this row, apparently by oversight "
            "(D1)."
        ),
    ),
    Clause(
        number="5.7.2",
        title="Use software problem resolution process",
        process="development",
        summary="Anomalies found in system testing go into problem resolution.",
        classes=_ABC,
        evidence=("problem reports from failed system tests",),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; one Amd1 checklist still "
            "starts it at Class B, a 2006 value carried over (D1)."
        ),
    ),
    Clause(
        number="5.7.3",
        title="Retest after changes",
        process="development",
        summary=(
            "When something changes during system testing, rerun, adjust or add tests to confirm "
            "the fix, check for side effects, and do the 7.4 risk analysis."
        ),
        classes=_ABC,
        evidence=("post-change test runs", "regression scope rationale", "change safety analysis"),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; one Amd1 checklist still "
            "starts it at Class B, a 2006 value carried over (D1)."
        ),
    ),
    Clause(
        number="5.7.4",
        title="Evaluate software system testing",
        process="development",
        summary=(
            "Judge whether the test strategy and procedures fit and trace to the requirements, "
            "whether every requirement is tested or otherwise verified, and whether results meet "
            "their criteria."
        ),
        classes=_ABC,
        evidence=("test summary report", "trace matrix"),
        method=Method.RULES_AND_ATTESTATION,
        attest=("that the test strategy and procedures are appropriate"),
        attest_reason=(
            "The rules check that results are clean and current and that reviews still "
            "hold; whether the tests are the right tests is a judgement."
        ),
        note=(
            "Applied to Class A as well, following the Amendment 1 table; one Amd1 checklist still "
            "starts it at Class B, a 2006 value carried over (D1)."
        ),
    ),
    Clause(
        number="5.7.5",
        title="Software system test record contents",
        process="development",
        summary=(
            "System test records name the procedure, outcome and anomalies, software version, "
            "hardware and software setup, tools, date and the tester responsible."
        ),
        classes=_ABC,
        evidence=("system test records",),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; one Amd1 checklist still "
            "starts it at Class B, a 2006 value carried over (D1)."
        ),
    ),
    Clause(
        number="5.8.1",
        title="Ensure software verification is complete",
        process="development",
        summary=(
            "Before release, confirm that all verification is done and its results have been "
            "evaluated."
        ),
        classes=_ABC,
        evidence=("verification completeness statement",),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; a checklist that limits "
            "it to Classes B and C repeats the 2006 edition (D2)."
        ),
    ),
    Clause(
        number="5.8.2",
        title="Document known residual anomalies",
        process="development",
        summary="List every known anomaly that remains in the software being released.",
        classes=_ABC,
        evidence=("known anomaly list",),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; a checklist that limits "
            "it to Classes B and C repeats the 2006 edition (D2)."
        ),
    ),
    Clause(
        number="5.8.3",
        title="Evaluate known residual anomalies",
        process="development",
        summary=(
            "Make sure every known remaining anomaly has been assessed and shown not to lead to an "
            "unacceptable risk."
        ),
        classes=_BC,
        evidence=("risk evaluation per anomaly",),
        method=Method.RULES,
        note=(
            "Kept at Classes B and C as the Amendment 1 table has it, though one guide hints Class "
            "A must evaluate anomalies too; Class A teams are still prompted for a short "
            "rationale, which FDA expects anyway (D3)."
        ),
    ),
    Clause(
        number="5.8.4",
        title="Document released versions",
        process="development",
        summary="Record the version of the software being released.",
        classes=_ABC,
        evidence=("release version", "release tag"),
        method=Method.RULES,
    ),
    Clause(
        number="5.8.5",
        title="Document how released software was created",
        process="development",
        summary="Record how the released software was built: the procedure and the environment.",
        classes=_BC,
        evidence=("build procedure", "build environment record"),
        method=Method.RULES,
    ),
    Clause(
        number="5.8.6",
        title="Ensure activities and tasks are complete",
        process="development",
        summary="Confirm that all planned activities and tasks, and their documents, are finished.",
        classes=_BC,
        evidence=("signed release checklist",),
        method=Method.RULES,
    ),
    Clause(
        number="5.8.7",
        title="Archive software",
        process="development",
        summary=(
            "Keep the released software, its configuration items and its documents for the longer "
            "of the device's lifetime and the legal retention period."
        ),
        classes=_ABC,
        evidence=("archive location and checksum", "retention period"),
        method=Method.RULES_AND_ATTESTATION,
        attest=(
            "that the archive is kept for the device's lifetime and the legal retention period"
        ),
        attest_reason=(
            "The rules check that the release records its archive; where it is stored and "
            "for how long is outside the project."
        ),
        note=(
            "Applied to Class A as well, following the Amendment 1 table; a checklist that limits "
            "it to Classes B and C repeats the 2006 edition (D2)."
        ),
    ),
    Clause(
        number="5.8.8",
        title="Assure reliable delivery of released software",
        process="development",
        summary=(
            "Have procedures that get the released software to where it is used without damage or "
            "unauthorised change."
        ),
        classes=_ABC,
        evidence=("delivery procedure", "signatures or checksums"),
        method=Method.RULES_AND_ATTESTATION,
        attest=(
            "that the delivery procedures keep the software from corruption and unauthorised change"
        ),
        attest_reason=(
            "The rules check that the release lists its artifacts with their SHA-256; "
            "packaging, storage and delivery happen outside the project."
        ),
        note=(
            "Applied to Class A as well, following the Amendment 1 table; a checklist that limits "
            "it to Classes B and C repeats the 2006 edition (D2)."
        ),
    ),
    Clause(
        number="6.1",
        title="Establish software maintenance plan",
        process="maintenance",
        summary=(
            "Plan maintenance: how feedback after release is taken in and tracked, what counts as "
            "a problem, how risk management, problem resolution and configuration management are "
            "used, and how SOUP updates, patches and obsolescence are handled."
        ),
        classes=_ABC,
        evidence=("maintenance plan",),
        method=Method.RULES,
        note=(
            "The maintenance plan may be the development plan too (plan-type [development, "
            "maintenance])."
        ),
    ),
    Clause(
        number="6.2.1.1",
        title="Monitor feedback",
        process="maintenance",
        summary=(
            "Keep watching for what staff, users and others report about software already released."
        ),
        classes=_ABC,
        evidence=("feedback intake records",),
        method=Method.ATTESTATION,
        attest=(
            "that feedback on the released software is monitored from inside and outside "
            "the organisation"
        ),
        attest_reason=(
            "Feedback arrives through channels outside the project (complaints, service, "
            "field data); the files hold only what was recorded from it."
        ),
    ),
    Clause(
        number="6.2.1.2",
        title="Document and evaluate feedback",
        process="maintenance",
        summary=(
            "Record and assess each piece of feedback to decide whether it shows a problem, and "
            "raise a problem report when it does, adverse events and departures from specification "
            "included."
        ),
        classes=_ABC,
        evidence=("feedback triage decisions", "linked problem reports"),
        method=Method.ATTESTATION,
        attest=(
            "that every piece of feedback was documented and evaluated, and problems "
            "raised as problem reports"
        ),
        attest_reason=(
            "Feedback judged not to be a problem leaves no record in the project, so no "
            "rule can see that it was evaluated."
        ),
    ),
    Clause(
        number="6.2.1.3",
        title="Evaluate problem report's effects on safety",
        process="maintenance",
        summary=(
            "Judge for each problem report what it means for the safety of software in the field "
            "and decide whether to change it."
        ),
        classes=_ABC,
        evidence=("safety evaluation on problem reports",),
        method=Method.RULES,
    ),
    Clause(
        number="6.2.2",
        title="Use software problem resolution process",
        process="maintenance",
        summary="Route every problem report into clause 9 problem resolution.",
        classes=_ABC,
        evidence=("problem reports in the clause 9 workflow",),
        method=Method.ATTESTATION,
        attest=(
            "that every problem in released software was handled by the problem resolution process"
        ),
        attest_reason=(
            "Problems that never became problem reports are not in the files; the rules of "
            "clause 9 check the reports that are."
        ),
    ),
    Clause(
        number="6.2.3",
        title="Analyse change requests",
        process="maintenance",
        summary=(
            "Beyond the clause 9 analysis, assess what each change request means for the "
            "organisation, the released software and the systems it connects to."
        ),
        classes=_ABC,
        evidence=("change impact analysis",),
        method=Method.RULES,
        note=(
            "Applied to Class A as well, following the Amendment 1 table; a checklist that limits "
            "it to Classes B and C repeats the 2006 edition (D2)."
        ),
    ),
    Clause(
        number="6.2.4",
        title="Change request approval",
        process="maintenance",
        summary=(
            "Assess and approve each change request to released software before it is carried out."
        ),
        classes=_ABC,
        evidence=("change approval record",),
        method=Method.RULES,
    ),
    Clause(
        number="6.2.5",
        title="Communicate to users and regulators",
        process="maintenance",
        summary=(
            "Tell users, and regulators where the law requires, about problems in released "
            "software, what continued unchanged use would mean, and which changes are available "
            "and how to apply them."
        ),
        classes=_ABC,
        evidence=("user notices or release notes", "reportability decision"),
        method=Method.RULES,
    ),
    Clause(
        number="6.3.1",
        title="Use established process to implement modification",
        process="maintenance",
        summary=(
            "Work out which clause 5 development activities must be repeated for the change and "
            "carry them out."
        ),
        classes=_ABC,
        evidence=("activities to repeat, with evidence",),
        method=Method.ATTESTATION,
        attest=(
            "that the clause 5 activities the modification called for were identified and repeated"
        ),
        attest_reason=(
            "Which activities a change must repeat is decided by people; the rules of "
            "those clauses then check what was changed (approvals, tests, stale evidence)."
        ),
    ),
    Clause(
        number="6.3.2",
        title="Re-release modified software system",
        process="maintenance",
        summary=(
            "Release the changed software under 5.8, as a full release or as a modification kit."
        ),
        classes=_ABC,
        evidence=("release record of the modified version",),
        method=Method.ATTESTATION,
        attest=(
            "that modifications were released under 5.8, as a full release or a modification kit"
        ),
        attest_reason=(
            "How a modification reaches users is decided at release; a change request does "
            "not name the release that delivered it."
        ),
    ),
    Clause(
        number="7.1.1",
        title="Identify software items that could contribute to a hazardous situation",
        process="risk",
        summary=(
            "Find the software items that could contribute to the hazardous situations of the "
            "device risk analysis."
        ),
        classes=_BC,
        evidence=("hazardous situation to item links",),
        method=Method.RULES,
    ),
    Clause(
        number="7.1.2",
        title="Identify potential causes of contribution to a hazardous situation",
        process="risk",
        summary=(
            "For each such item, find how it could contribute: wrong or incomplete specification, "
            "defects in its functions, SOUP failures or surprises, hardware faults or other "
            "software misbehaving, and foreseeable misuse."
        ),
        classes=_BC,
        evidence=("software causes by category",),
        method=Method.ATTESTATION,
        attest=(
            "that every cause category (specification, defects, SOUP, hardware or other "
            "software, misuse) was considered for each contributing item"
        ),
        attest_reason=(
            "The files name the causes found (7.1.1, 7.1.4), not the categories considered "
            "and found not to apply."
        ),
    ),
    Clause(
        number="7.1.3",
        title="Evaluate published SOUP anomaly lists",
        process="risk",
        summary=(
            "Where SOUP could be a cause, go through the known-bug list its maker publishes for "
            "the exact version used and judge whether any listed anomaly could lead to a hazardous "
            "situation."
        ),
        classes=_BC,
        evidence=("SOUP anomaly review for the version used",),
        method=Method.RULES,
        note=(
            "Its anomaly list may be published anywhere: a URL, a file in the repository, an item"
            " id, or a named document with its revision."
        ),
    ),
    Clause(
        number="7.1.4",
        title="Document potential causes",
        process="risk",
        summary=(
            "Write the software causes, and the chains of events by which each leads to a "
            "hazardous situation, into the risk management file."
        ),
        classes=_BC,
        evidence=("risk items with causes", "sequences of events"),
        method=Method.RULES,
        note=(
            "Also carries the recording of sequences of events, since Amendment 1 dropped the "
            "separate 7.3.2 (and the 2006 7.1.5) (D5)."
        ),
    ),
    Clause(
        number="7.2.1",
        title="Define risk control measures",
        process="risk",
        summary=(
            "For each way software could help bring about a hazardous situation, define risk "
            "control measures as ISO 14971 describes and record them."
        ),
        classes=_BC,
        evidence=("risk controls per software cause",),
        method=Method.RULES,
    ),
    Clause(
        number="7.2.2",
        title="Risk control measures implemented in software",
        process="risk",
        summary=(
            "A risk control carried out in software becomes a software requirement, the items that "
            "implement it take the class of the risk it controls, and they are developed under "
            "clause 5."
        ),
        classes=_BC,
        evidence=("control-requirement-item trace", "item classes"),
        method=Method.RULES,
        note=(
            "The rule that control-implementing software takes the class of the controlled risk is "
            "enforced here, where Amendment 1 keeps it after taking it out of 4.3 (D4)."
        ),
    ),
    Clause(
        number="7.3.1",
        title="Verify risk control measures",
        process="risk",
        summary="Verify and record that each risk control is implemented and is effective.",
        classes=_BC,
        evidence=("passing verification of each control",),
        method=Method.RULES,
        note=(
            "A control is verified by evidence recorded against the control itself (its own test "
            "case, a current review record, or a verification entry on it), not by a test of a "
            "requirement that implements it."
        ),
    ),
    Clause(
        number="7.3.2",
        title="Document any new sequences of events (removed by Amendment 1)",
        process="risk",
        summary=(
            "No longer a requirement since Amendment 1; new sequences of events are recorded under "
            "7.1.4 and handled through 7.4."
        ),
        classes=frozenset(),
        evidence=("sequences of events under 7.1.4",),
        method=Method.REMOVED,
        note=(
            "Treated as removed, as the Amendment 1 mappings do, with sequences of events folded "
            "into 7.1.4; some 2006-based checklists still list it (D5)."
        ),
    ),
    Clause(
        number="7.3.3",
        title="Document traceability",
        process="risk",
        summary=(
            "Keep a trace from each hazardous situation to the software item, its cause, the risk "
            "control and that control's verification."
        ),
        classes=_BC,
        evidence=("complete risk trace chain",),
        method=Method.RULES,
    ),
    Clause(
        number="7.4.1",
        title="Analyse changes to medical device software with respect to safety",
        process="risk",
        summary=(
            "Analyse every change, SOUP updates included, for new causes of hazardous situations "
            "and for the need of further software risk controls."
        ),
        classes=_ABC,
        evidence=("safety analysis on each change request",),
        method=Method.RULES,
    ),
    Clause(
        number="7.4.2",
        title="Analyse impact of software changes on existing risk control measures",
        process="risk",
        summary=(
            "Analyse whether a change, SOUP updates included, could interfere with risk controls "
            "already in place."
        ),
        classes=_BC,
        evidence=("affected controls with conclusions",),
        method=Method.RULES,
    ),
    Clause(
        number="7.4.3",
        title="Perform risk management activities based on analyses",
        process="risk",
        summary="Do the 7.1 to 7.3 risk work that the change analyses call for.",
        classes=_BC,
        evidence=("updated risk items", "re-verification linked to the change"),
        method=Method.ATTESTATION,
        attest=("that the risk activities of 7.1 to 7.3 the change analyses called for were done"),
        attest_reason=(
            "Which risk activities an analysis calls for is a judgement; the rules of 7.1 "
            "to 7.3 then check the risk file as it is now."
        ),
    ),
    Clause(
        number="8.1.1",
        title="Establish means to identify configuration items",
        process="configuration",
        summary="Use a scheme that identifies each configuration item and its version uniquely.",
        classes=_ABC,
        evidence=("identification and versioning scheme",),
        method=Method.RULES,
    ),
    Clause(
        number="8.1.2",
        title="Identify SOUP",
        process="configuration",
        summary=(
            "For every SOUP item in use, standard libraries included, record its title, its maker "
            "and its exact version designator."
        ),
        classes=_ABC,
        evidence=("SOUP list", "software bill of materials"),
        method=Method.RULES,
        note=(
            "A SOUP record without a version is a finding about that record here, not a version "
            "change for the software that uses it (7.4.1)."
        ),
    ),
    Clause(
        number="8.1.3",
        title="Identify system configuration documentation",
        process="configuration",
        summary=(
            "Record which configuration items, at which versions, make up the software system's "
            "configuration."
        ),
        classes=_ABC,
        evidence=("release configuration manifest",),
        method=Method.RULES,
    ),
    Clause(
        number="8.2.1",
        title="Approve change requests",
        process="configuration",
        summary="Touch a controlled item only when an approved change request covers the change.",
        classes=_ABC,
        evidence=("approved change requests linked to changes",),
        method=Method.RULES,
    ),
    Clause(
        number="8.2.2",
        title="Implement changes",
        process="configuration",
        summary=(
            "Carry out the change as the request specifies, working out and doing whatever must be "
            "repeated, a change of safety class included."
        ),
        classes=_ABC,
        evidence=("changes linked to their request", "revised classification if any"),
        method=Method.RULES,
    ),
    Clause(
        number="8.2.3",
        title="Verify changes",
        process="configuration",
        summary="Verify the change, repeating any verification it made invalid.",
        classes=_ABC,
        evidence=("post-change verification records",),
        method=Method.RULES,
    ),
    Clause(
        number="8.2.4",
        title="Provide means for traceability of change",
        process="configuration",
        summary="Keep records tying each change request to its problem report and to its approval.",
        classes=_ABC,
        evidence=("request, problem and approval links",),
        method=Method.RULES,
    ),
    Clause(
        number="8.3",
        title="Configuration status accounting",
        process="configuration",
        summary=(
            "Keep a retrievable history of the controlled items and of the system configuration."
        ),
        classes=_ABC,
        evidence=("version history", "release manifests"),
        method=Method.RULES,
    ),
    Clause(
        number="9.1",
        title="Prepare problem reports",
        process="problem-resolution",
        summary=(
            "Open a report for every problem discovered, rating its criticality for performance, "
            "safety or security and adding whatever will help fix it."
        ),
        classes=_ABC,
        evidence=("problem reports",),
        method=Method.RULES,
    ),
    Clause(
        number="9.2",
        title="Investigate the problem",
        process="problem-resolution",
        summary=(
            "Investigate each problem and find its cause where possible, assess its safety "
            "relevance through clause 7, record the outcome, and raise change requests or record "
            "why nothing is done."
        ),
        classes=_ABC,
        evidence=("investigation record", "safety evaluation", "decision with change requests"),
        method=Method.RULES,
    ),
    Clause(
        number="9.3",
        title="Advise relevant parties",
        process="problem-resolution",
        summary="Let those who need to know about a problem know, as the case requires.",
        classes=_ABC,
        evidence=("notification record",),
        method=Method.RULES,
    ),
    Clause(
        number="9.4",
        title="Use change control process",
        process="problem-resolution",
        summary="Approve and carry out the resulting changes through the clause 8 change control.",
        classes=_ABC,
        evidence=("approved change requests",),
        method=Method.RULES,
    ),
    Clause(
        number="9.5",
        title="Maintain records",
        process="problem-resolution",
        summary=(
            "Keep records of problems and of how they were resolved and verified, and update the "
            "risk management file where needed."
        ),
        classes=_ABC,
        evidence=("problem report history", "linked risk file updates"),
        method=Method.RULES,
    ),
    Clause(
        number="9.6",
        title="Analyse problems for trends",
        process="problem-resolution",
        summary="Analyse the problem reports for trends.",
        classes=_ABC,
        evidence=("trend analysis record",),
        method=Method.ATTESTATION,
        attest=("that the problem reports were analysed for trends"),
        attest_reason=(
            "A trend is seen by reading the reports together; the files hold the reports, "
            "not the analysis of them."
        ),
    ),
    Clause(
        number="9.7",
        title="Verify software problem resolution",
        process="problem-resolution",
        summary=(
            "Verify each resolution: the problem is fixed and its report closed, adverse trends "
            "are reversed, changes reached the right products and activities, and no new problem "
            "came in."
        ),
        classes=_ABC,
        evidence=("resolution verification",),
        method=Method.RULES,
    ),
    Clause(
        number="9.8",
        title="Test documentation contents",
        process="problem-resolution",
        summary=(
            "Records of tests and retests after a change give the results, anomalies, software "
            "version, hardware and software setup, tools, date and tester."
        ),
        classes=_ABC,
        evidence=("test records", "retest results after each fix"),
        method=Method.RULES,
    ),
)

_BY_NUMBER = MappingProxyType({entry.number: entry for entry in CLAUSES})


def clause(number: str) -> Clause:
    """The clause numbered ``number``; ``KeyError`` for a number not in the table."""
    return _BY_NUMBER[number]

"""What ``medtrace init`` writes into a new project besides its configuration: the plans
with a section for every planning clause (to be written), the software system, and an
attestation stub for each clause that only a person can attest at the start.

Everything is a draft whose open parts say ``TODO``; the first ``medtrace check``
lists them, grouped by clause, as what to write next.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from medtrace.store.files import write_files

_TODO = "TODO: "

# Sections of the development plan: (heading, what to write). A heading names the clauses
# its section addresses; one section may address several.
PLAN_SECTIONS = (
    (
        "Processes, deliverables and traceability (5.1.1)",
        "the life-cycle model and processes, the deliverables and their documentation, the "
        "traceability between system requirements, software requirements, tests and risk "
        "controls, and how problems found at each stage are resolved.",
    ),
    (
        "System development, standards and tools (5.1.3, 5.1.4)",
        "the system requirements this plan takes as input, the procedures that keep software "
        "development in step with system design and validation, and the standards, methods "
        "and tools (with versions) used.",
    ),
    (
        "Integration, verification and risk management (5.1.5, 5.1.6, 5.1.7)",
        "how software items and SOUP are integrated and tested, which deliverables are "
        "verified by which tasks at which milestone against which criteria, and how software "
        "risk management (SOUP included) is done.",
    ),
    (
        "Documents and configuration management (5.1.8 to 5.1.11)",
        "each document's name, purpose and who writes, reviews, approves and changes it; "
        "which items are under configuration management, the tasks and responsibilities, "
        "the tools and settings controlled, and that items are controlled before they are "
        "verified.",
    ),
    (
        "Common software defects (5.1.12)",
        "the categories of defect typical of the languages and technology used (such as CWE "
        "classes) and how each is kept from causing unacceptable risk.",
    ),
    (
        "Unit verification and acceptance criteria (5.5.2 to 5.5.4)",
        "how units are verified, the criteria a unit meets before integration, and for "
        "Class C the additional criteria (event order, data and control flow, resources, "
        "faults, initialisation, self-diagnostics, memory, boundaries).",
    ),
    (
        "Maintenance (6.1)",
        "how feedback on released software is received and evaluated, what counts as a "
        "problem, and how risk management, problem resolution, configuration management and "
        "SOUP updates are used in maintenance.",
    ),
)
# The clauses a person must attest from the first day (no data can decide them).
ATTESTATIONS = (
    (
        "4.1",
        "Quality management system",
        "the QMS certificate or manual, and the procedures the plan cites",
    ),
    (
        "5.1.2",
        "Development plan kept up to date",
        "the plan's revisions and the review that compares it with the way of working",
    ),
)


def _front(fields: Mapping[str, object]) -> str:
    lines = ["---"]
    for name, value in fields.items():
        shown = (
            "[" + ", ".join(str(v) for v in value) + "]"
            if isinstance(value, list)
            else json.dumps(value)
        )
        lines.append(f"{name}: {shown}")
    return "\n".join([*lines, "---", ""])


def development_plan() -> str:
    body = [
        "Scaffolded by `medtrace init`. Each section addresses the IEC 62304 clauses its "
        "heading names: replace each TODO with the plan, then approve the plan (`medtrace "
        "approve PLAN-001`).",
        "",
    ]
    for number, (heading, what) in enumerate(PLAN_SECTIONS, start=1):
        body += [f"## {number} {heading}", "", f"{_TODO}describe {what}", ""]
    purposes = [
        "development",
        "maintenance",
        "configuration-management",
        "problem-resolution",
        "verification",
        "integration",
    ]
    front = {
        "id": "PLAN-001",
        "kind": "plan",
        "title": "Software development and maintenance plan",
        "version": "0.1",
        "plan-type": purposes,
    }
    return _front(front) + "\n".join(body)


def risk_plan() -> str:
    front = {
        "id": "PLAN-002",
        "kind": "plan",
        "title": "Risk management plan",
        "version": "0.1",
        "plan-type": ["risk-management"],
    }
    body = (
        "Scaffolded by `medtrace init`: the ISO 14971 risk management plan of the device, "
        "its software included (IEC 62304 4.2).\n\n"
        "## 1 Scope and responsibilities\n\n"
        f"{_TODO}the device and life-cycle phases covered, and who does what.\n\n"
        "## 2 Risk acceptability\n\n"
        f"{_TODO}the severity and probability scales and the acceptability matrix (set the "
        "same in the [risk] table of medtrace.toml).\n"
    )
    return _front(front) + body


def software_system(name: str) -> str:
    front = {"id": "SWS-001", "kind": "software-system", "title": name}
    return _front(front) + (
        f"{_TODO}what the software system does and where it runs; classify it with "
        "`medtrace classify --system SWS-001` (IEC 62304 4.3).\n"
    )


def attestation(number: int, clause: str, title: str, evidence: str) -> str:
    front = {
        "id": f"ATT-{number:03d}",
        "kind": "attestation",
        "title": title,
        "clauses": [json.dumps(clause)],
        "evidence": f"{_TODO}{evidence}",
        "documented-in": ["PLAN-001"],
    }
    return _front(front) + (
        f"{_TODO}say what was checked for IEC 62304 {clause}, name the evidence, sign it off "
        "(signed-by, signed-date) and bind it (`medtrace bind ATT-"
        f"{number:03d}`).\n"
    )


def scaffold(target: Path, name: str) -> int:
    """Write the plans, the software system and the attestation stubs; returns how many.
    All or none, each file created new: one that exists is refused, never overwritten."""
    files = {
        "plans/PLAN-001.md": development_plan(),
        "plans/PLAN-002.md": risk_plan(),
        "architecture/SWS-001.md": software_system(name),
    }
    for number, (clause, title, evidence) in enumerate(ATTESTATIONS, start=1):
        files[f"attestations/ATT-{number:03d}.md"] = attestation(number, clause, title, evidence)
    write_files([(target / path, text.encode("utf-8")) for path, text in files.items()], new=True)
    return len(files)

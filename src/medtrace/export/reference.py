"""Reference sections of the documentation, generated from the schema and code catalogue.

docs/format.md embeds these between ``<!-- BEGIN name -->`` / ``<!-- END name -->``
markers; ``python -m medtrace.cli.reference`` rewrites them and a test fails
when they are stale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from medtrace.model import ANY_KIND, FieldSpec, SafetyClass, Schema
from medtrace.standard.clause import Clause, Method
from medtrace.standard.registry import Rule


def kinds_reference(schema: Schema) -> str:
    """One section per kind: prefix, description, its own fields and the links it holds."""
    parts: list[str] = []
    for kind in schema.kinds.values():
        parts.append(f"### `{kind.name}`: {kind.title}\n")
        parts.append(f"Id prefix `{kind.prefix}`. {kind.description}\n")
        if kind.fields:
            parts.append(_fields_table(kind.fields))
        if kind.links:
            links = ", ".join(f"`{name}`" for name in kind.links)
            parts.append(f"Links it may hold: {links}.\n")
    return "\n".join(parts)


def common_fields_reference(schema: Schema) -> str:
    return _fields_table(schema.common_fields)


def links_reference(schema: Schema) -> str:
    rows = [
        "| link type | read backwards | may point to | acyclic | meaning |",
        "|---|---|---|---|---|",
    ]
    for link in sorted(schema.links.values(), key=lambda lt: lt.name):
        targets = ", ".join(
            "any kind" if target == ANY_KIND else f"`{target}`" for target in sorted(link.targets)
        )
        acyclic = "yes" if link.acyclic else ""
        rows.append(
            f"| `{link.name}` | `{link.reverse}` | {targets} | {acyclic} | {link.description} |"
        )
    return "\n".join(rows) + "\n"


def codes_reference(codes: Mapping[str, str]) -> str:
    """One heading per finding code, so each can be linked to and tested for."""
    return "\n".join(f"#### `{code}`\n\n{meaning}\n" for code, meaning in sorted(codes.items()))


def _fields_table(fields: tuple[FieldSpec, ...]) -> str:
    rows = ["| field | type | meaning |", "|---|---|---|"]
    for spec in fields:
        kind = spec.type.value
        if spec.values:
            kind += ": " + " \\| ".join(f"`{value}`" for value in spec.values)
        required = " Required." if spec.required else ""
        rows.append(f"| `{spec.name}` | {kind} | {spec.description}{required} |")
    return "\n".join(rows) + "\n"


def replace_section(document: str, name: str, content: str) -> str:
    """``document`` with the text between the markers of section ``name`` replaced."""
    pattern = re.compile(
        rf"(<!-- BEGIN {re.escape(name)} -->\n).*?(<!-- END {re.escape(name)} -->)", re.S
    )
    if not pattern.search(document):
        raise ValueError(f"no section {name!r} in the document")
    return pattern.sub(lambda match: match.group(1) + content + match.group(2), document)


def rules_reference(
    clauses: Sequence[Clause], rules: Sequence[Rule], reads: Mapping[str, str]
) -> str:
    """docs/rules.md: every clause with its classes, how it is decided, what its rules read
    and what a person attests (and why), then its rules."""
    parts = [
        "# Rules\n",
        "Generated from the clause table and the rule registry by "
        "`python -m medtrace.cli.reference`; do not edit.\n",
        "Each clause of IEC 62304:2006+A1:2015 with the safety classes it applies to and how "
        "medtrace decides it: by **rules** (the project's data decides it), by **rules and "
        "attestation** (the data decides part, a person attests the rest), or by "
        "**attestation** (no data can decide it). Texts are paraphrases; see "
        "docs/standard.md.\n",
    ]
    by_clause: dict[str, list[Rule]] = {}
    for registered in rules:
        by_clause.setdefault(registered.clause, []).append(registered)
    for entry in clauses:
        classes = ", ".join(c.value for c in sorted(entry.classes)) or "none"
        parts.append(f"## {entry.number} {entry.title}\n")
        parts.append(
            f"Applies to classes: {classes}. Decided by: {entry.method.value}. {entry.summary}\n"
        )
        if entry.evidence:
            parts.append("Evidence: " + "; ".join(entry.evidence) + ".\n")
        if entry.number in reads:
            parts.append(f"Reads: {reads[entry.number]}.\n")
        if entry.attestation:
            parts.append(f"A person attests {entry.attest}. Why: {entry.attest_reason}\n")
        if entry.note:
            parts.append(f"Reading: {entry.note}\n")
        for registered in by_clause.get(entry.number, ()):
            narrower = ""
            if registered.classes is not None:
                narrower = (
                    " Only at classes "
                    + ", ".join(c.value for c in sorted(registered.classes))
                    + "."
                )
            parts.append(
                f"### `{registered.code}`\n\n{registered.summary} "
                f"Severity: {registered.severity.value}.{narrower}\n"
            )
    return "\n".join(parts)


def decisions_reference(clauses: Sequence[Clause], rules: Sequence[Rule]) -> str:
    """The table of docs/standard.md: every clause, its classes and how it is decided, the
    number of clauses of each method, and why each clause a person attests needs one."""
    count = {m: sum(1 for c in clauses if c.method is m) for m in Method}
    at_c = sum(1 for c in clauses if c.method is Method.ATTESTATION and SafetyClass.C in c.classes)
    lines = [
        f"Of the {len(clauses)} clauses, {count[Method.RULES]} are decided by rules, "
        f"{count[Method.RULES_AND_ATTESTATION]} by rules and an attestation, "
        f"{count[Method.ATTESTATION]} by an attestation alone, and "
        f"{count[Method.REMOVED]} is removed. At Class C, {at_c} clauses are decided by an "
        "attestation alone.",
        "",
        "| Clause | Title | Classes | Decided by | Rules |",
        "|---|---|:-:|---|--:|",
    ]
    for entry in clauses:
        classes = "".join(c.value for c in sorted(entry.classes)) or "-"
        own = sum(
            1
            for r in rules
            if r.clause == entry.number and not r.code.endswith("/attestation-needed")
        )
        lines.append(
            f"| {entry.number} | {entry.title} | {classes} | {entry.method.value} | {own or ''} |"
        )
    lines += [
        "",
        "What a person attests, and why no data in a project can show it:",
        "",
        "| Clause | Decided by | A person attests | Why no data can decide it |",
        "|---|---|---|---|",
    ]
    for entry in clauses:
        if entry.attestation:
            lines.append(
                f"| {entry.number} | {entry.method.value} | {entry.attest} | "
                f"{entry.attest_reason} |"
            )
    return "\n".join(lines) + "\n"

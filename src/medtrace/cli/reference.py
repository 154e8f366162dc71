"""Regenerate the generated parts of docs/: ``python -m medtrace.cli.reference [DOCS]``.

docs/cli.md is every command's ``--help``; docs/rules.md every clause and
rule; docs/format.md embeds the kinds, fields, link types and finding codes;
docs/standard.md the table of how each clause is decided.
tests/test_docs.py fails when any of them is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medtrace.cli.main import cli
from medtrace.export.reference import (
    codes_reference,
    common_fields_reference,
    decisions_reference,
    kinds_reference,
    links_reference,
    replace_section,
    rules_reference,
)
from medtrace.model import builtin_schema
from medtrace.model.codes import STRUCTURAL_CODES
from medtrace.standard import CLAUSES, all_rules
from medtrace.standard.reads import READS

_WIDTH = 80


def cli_reference() -> str:
    """Markdown with the help of the group and of every command, in order."""
    parts = [
        "# Command-line reference\n",
        "Generated from `--help` by `python -m medtrace.cli.reference`; do not edit.\n",
    ]
    for path, command in _commands(cli, ("medtrace",)):
        context = click.Context(
            command,
            info_name=" ".join(path),
            terminal_width=_WIDTH,
            help_option_names=["-h", "--help"],
        )
        context.max_content_width = _WIDTH
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{command.get_help(context)}\n```\n")
    return "\n".join(parts)


def _commands(
    command: click.Command, path: tuple[str, ...]
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        context = click.Context(command, info_name=path[-1])
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            assert sub is not None
            found.extend(_commands(sub, (*path, name)))
    return found


def format_sections() -> dict[str, str]:
    schema = builtin_schema()
    return {
        "common-fields": common_fields_reference(schema),
        "kinds": kinds_reference(schema),
        "links": links_reference(schema),
        "codes": codes_reference(STRUCTURAL_CODES),
    }


def render_format(document: str) -> str:
    for name, content in format_sections().items():
        document = replace_section(document, name, content)
    return document


def rules_document() -> str:
    return rules_reference(CLAUSES, all_rules(), READS)


def render_standard(document: str) -> str:
    """docs/standard.md with its generated table of decisions."""
    return replace_section(document, "decisions", decisions_reference(CLAUSES, all_rules()))


def main(docs: Path) -> None:
    (docs / "cli.md").write_text(cli_reference(), "utf-8")
    (docs / "rules.md").write_text(rules_document(), "utf-8")
    format_md = docs / "format.md"
    format_md.write_text(render_format(format_md.read_text("utf-8")), "utf-8")
    standard = docs / "standard.md"
    standard.write_text(render_standard(standard.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))

"""medtrace.toml: extending the schema, and every mistake as a finding or one-line error."""

from __future__ import annotations

import pytest

from medtrace.errors import ConfigError
from medtrace.ingest import parse_config, parse_item
from medtrace.model import FieldType, Severity

EXTENDED = b"""
[project]
name = "Pump"
paths = ["reqs"]
exclude = ["reqs/drafts/*"]
fail-on = "warning"

[fields.risk-index]
type = "integer"

[kinds.user-need]
title = "User need"
prefix = "UN"
links = ["refines"]
fields.source = "string"
fields.priority = { type = "enum", values = ["high", "low"], required = true }

[kinds.software-requirement]
links = ["refines"]
fields.owner-team = "string"

[links.refines]
targets = ["user-need"]
reverse = "refined-by"
acyclic = true

[links.verifies]
targets = ["user-need"]
"""


def test_a_project_adds_kinds_fields_and_link_types() -> None:
    config, findings = parse_config(EXTENDED)
    assert findings == ()
    assert (config.name, config.paths, config.exclude) == ("Pump", ("reqs",), ("reqs/drafts/*",))
    assert config.fail_on is Severity.WARNING
    schema = config.schema
    need = schema.kinds["user-need"]
    assert (need.prefix, need.links, need.builtin) == ("UN", ("refines",), False)
    priority = need.field("priority")
    assert priority is not None
    assert (priority.type, priority.values, priority.required) == (
        FieldType.ENUM,
        ("high", "low"),
        True,
    )
    assert "refines" in schema.kinds["software-requirement"].links
    assert schema.kinds["software-requirement"].field("owner-team") is not None
    assert schema.links["refines"].acyclic
    assert schema.links["verifies"].allows("user-need")
    assert schema.links["verifies"].allows("software-requirement")
    assert schema.field_of("hazard", "risk-index") is not None


def test_items_of_a_declared_kind_are_typed_by_it() -> None:
    config, _ = parse_config(EXTENDED)
    text = b"---\nid: UN-1\nkind: user-need\ntitle: T\nsource: interviews\n---\n"
    result = parse_item(text, "un.md", config.schema)
    assert [(f.code, f.location.line) for f in result.findings] == [("item/field-missing", 2)]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (b"[projekt]\nname = 'x'\n", "config/unknown-key", 1),
        (b"[project]\nname = 'x'\ncolour = 1\n", "config/unknown-key", 3),
        (b"[project]\npaths = 'reqs'\n", "config/value-invalid", 2),
        (b"[project]\nfail-on = 'never'\n", "config/value-invalid", 2),
        (b"[fields.weight]\ntype = 'kilograms'\n", "config/field-type-unknown", 1),
        (b"[fields.Weight]\ntype = 'number'\n", "config/field-invalid", 1),
        (b"[fields.grade]\ntype = 'enum'\n", "config/field-invalid", 1),
        (b"[kinds.need]\nlinks = ['nope']\n", "config/link-invalid", 2),
        (b"[links.refines]\nreverse = 'x'\n", "config/link-invalid", 1),
        (b"[links.refines]\ntargets = ['ghost']\n", "config/link-invalid", 2),
    ],
)
def test_configuration_mistakes_are_located_findings(text: bytes, code: str, line: int) -> None:
    _, findings = parse_config(text)
    assert [(f.code, f.location.path, f.location.line) for f in findings] == [
        (code, "medtrace.toml", line)
    ]


def test_text_that_is_not_toml_is_a_one_line_error_with_its_line() -> None:
    with pytest.raises(ConfigError, match=r"^medtrace.toml:3: not valid TOML: ") as caught:
        parse_config(b'[project]\nname = "x"\nname = "y"\n')
    assert "\n" not in str(caught.value)


def test_a_configuration_that_is_not_utf8_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"^medtrace.toml:2: not UTF-8"):
        parse_config(b"[project]\nname = '\xff'\n")


def test_the_digest_follows_the_content() -> None:
    first, _ = parse_config(b"[project]\nname = 'a'\n")
    second, _ = parse_config(b"[project]\nname = 'b'\n")
    assert first.digest != second.digest
    assert first.digest == parse_config(b"[project]\nname = 'a'\n")[0].digest


def test_the_soup_risk_problems_and_docs_tables_are_read() -> None:
    text = b"""
[soup]
sources = ["requirements.txt"]
advisories = "osv.zip"
scopes = ["required", "optional"]
[risk]
severity = ["S1 minor", "S2 major"]
probability = ["P1 rare", "P2 often"]
acceptability = ["AR", "RU"]
[problems.states]
"status: fixed" = "resolved"
[problems.criticality]
"sev: 1" = "high"
[docs]
output = "out/docs"
organisation = "InsuTech GmbH"
"""
    config, findings = parse_config(text)
    assert findings == ()
    assert config.soup.sources == ("requirements.txt",)
    assert config.soup.scopes == ("required", "optional")
    assert config.soup.advisories == "osv.zip"
    assert config.risk.acceptability == ("AR", "RU")
    assert config.problems.states == (("status: fixed", "resolved"),)
    assert config.problems.criticality == (("sev: 1", "high"),)
    assert (config.docs.output, config.docs.organisation) == ("out/docs", "InsuTech GmbH")


@pytest.mark.parametrize(
    "text",
    [
        b'[risk]\nseverity = ["S1"]\nprobability = ["P1", "P2"]\nacceptability = ["A"]\n',
        b'[risk]\nacceptability = ["AAAAX", "AAARU", "AARUU", "ARUUU", "RUUUU"]\n',
        b'[problems.states]\n"x" = "done"\n',
        b'[soup]\nsources = "requirements.txt"\n',
        b'[docs]\nformat = "pdf"\n',
    ],
)
def test_mistakes_in_the_new_tables_are_findings(text: bytes) -> None:
    config, findings = parse_config(text)
    assert [f.code for f in findings] in (["config/value-invalid"], ["config/unknown-key"])
    assert findings[0].location.line is not None
    assert config.risk.severity[0] == "S1 negligible" or "[risk]" not in text.decode()

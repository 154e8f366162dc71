"""The ``[reqif]`` table of medtrace.toml: mappings checked against the schema, each
mistake a finding on its line."""

from __future__ import annotations

from medtrace.ingest import parse_config
from medtrace.model.config import ReqifConfig


def test_without_a_table_the_defaults_apply() -> None:
    config, findings = parse_config(b'[project]\nname = "P"\n')
    assert findings == ()
    assert config.reqif == ReqifConfig()
    assert config.reqif.default_kind == "software-requirement"


def test_a_full_table_is_read() -> None:
    text = """
[fields]
priority = "integer"

[reqif]
default-kind = "system-requirement"
id-prefix = "REQ"
folder = "imported/reqif"

[reqif.kinds]
"Customer Requirement" = "system-requirement"
Test = "test-case"

[reqif.fields]
"Object Text" = "body"
"Object Identifier" = "id"
Heading = "title"
Priority = "priority"
Kind = "category"

[reqif.links]
Satisfies = "derived-from"
"""
    config, findings = parse_config(text.encode())
    assert findings == ()
    assert config.reqif == ReqifConfig(
        kinds=(("Customer Requirement", "system-requirement"), ("Test", "test-case")),
        fields=(
            ("Object Text", "body"),
            ("Object Identifier", "id"),
            ("Heading", "title"),
            ("Priority", "priority"),
            ("Kind", "category"),
        ),
        links=(("Satisfies", "derived-from"),),
        default_kind="system-requirement",
        id_prefix="REQ",
        folder="imported/reqif",
    )


def test_every_mistake_is_a_finding_on_its_line_and_is_left_out() -> None:
    text = """[reqif]
default-kind = "chapter"
id-prefix = "1-"
colour = "red"

[reqif.kinds]
Heading = "section"
Spec = "software-requirement"

[reqif.fields]
Owner = "owner"
Weight = "weight"

[reqif.links]
Satisfies = "satisfies"
Traces = 3
"""
    config, findings = parse_config(text.encode())
    found = sorted((f.location.line, f.code, f.message) for f in findings)
    assert found == [
        (2, "config/value-invalid", "[reqif] default-kind 'chapter' is not a kind"),
        (3, "config/value-invalid", "[reqif] id-prefix '1-' cannot start an id (e.g. REQ or SRS)"),
        (
            4,
            "config/unknown-key",
            "unknown [reqif] key 'colour' (known: default-kind, fields, folder, id-prefix, "
            "kinds, links)",
        ),
        (
            7,
            "config/value-invalid",
            "[reqif] kinds: 'Heading' maps to 'section', which is not a kind",
        ),
        (
            12,
            "config/value-invalid",
            "[reqif] fields: 'Weight' maps to 'weight', which is not id, title, body or a field",
        ),
        (
            15,
            "config/value-invalid",
            "[reqif] links: 'Satisfies' maps to 'satisfies', which is not a link type",
        ),
        (16, "config/value-invalid", "[reqif] links: 'Traces' maps to 3, which is not a link type"),
    ]
    assert config.reqif == ReqifConfig(
        kinds=(("Spec", "software-requirement"),), fields=(("Owner", "owner"),)
    )


def test_a_table_that_is_no_table_is_a_finding() -> None:
    config, findings = parse_config(b'reqif = "yes"\n')
    assert [f.code for f in findings] == ["config/value-invalid"]
    assert config.reqif == ReqifConfig()


def test_mappings_may_name_kinds_and_links_the_project_declares() -> None:
    text = """
[kinds.chapter]
prefix = "CH"

[links.traces]
targets = ["chapter"]

[reqif.kinds]
Heading = "chapter"

[reqif.links]
Traces = "traces"
"""
    config, findings = parse_config(text.encode())
    assert findings == ()
    assert config.reqif.kinds == (("Heading", "chapter"),)
    assert config.reqif.links == (("Traces", "traces"),)

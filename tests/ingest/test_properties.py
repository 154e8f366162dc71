"""Property tests: nothing a user can put in a file makes the parser raise."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtrace.ingest import parse_config, parse_item
from medtrace.model import ParsedFile, builtin_schema

SCHEMA = builtin_schema()
KEYS = ["id", "kind", "title", "status", "derived-from", "safety-class", "tags", "date", "x"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["SRS-1", "software-requirement", "hazard", "2026-02-30", "C"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
front_matter = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), values, max_size=8)


def assert_well_formed(result: ParsedFile) -> None:
    assert isinstance(result, ParsedFile)
    for finding in result.findings:
        assert finding.code and finding.message
        assert "\n" not in finding.message
        assert finding.location.line is None or finding.location.line >= 1


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_well_formed(parse_item(data, "x.md", SCHEMA))


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_after_a_fence_never_raise(data: bytes) -> None:
    assert_well_formed(parse_item(b"---\n" + data + b"\n---\nbody", "x.md", SCHEMA))


@settings(max_examples=400)
@given(front_matter)
def test_arbitrary_yaml_front_matter_never_raises(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    assert_well_formed(parse_item(f"---\n{text}---\nbody\n".encode(), "x.md", SCHEMA))


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_arbitrary_text_front_matter_never_raises(text: str) -> None:
    assert_well_formed(parse_item(f"---\n{text}\n---\n".encode(), "x.md", SCHEMA))


def test_deeply_nested_yaml_is_a_finding_not_a_crash() -> None:
    text = "---\nid: A-1\nkind: hazard\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    result = parse_item(text.encode(), "x.md", SCHEMA)
    assert_well_formed(result)
    assert result.findings


def test_an_alias_bomb_is_rejected_without_expanding() -> None:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}]")
    lines += ["id: A-1", "kind: hazard", "title: T", "tags: *l", "---", ""]
    result = parse_item("\n".join(lines).encode(), "x.md", SCHEMA)
    assert_well_formed(result)
    assert any(f.code == "item/field-invalid" for f in result.findings)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_arbitrary_config_bytes_either_parse_or_raise_config_error(data: bytes) -> None:
    from medtrace.errors import ConfigError

    try:
        config, findings = parse_config(data)
    except ConfigError as error:
        assert "\n" not in str(error)
    else:
        assert config.schema.kinds
        assert all(f.code.startswith("config/") for f in findings)

"""The fast front matter writer writes exactly what PyYAML writes, for any values."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from medtrace.interchange import block_yaml as block_yaml_module
from medtrace.interchange.block_yaml import TAGGED_PATTERN, block_yaml

# Characters around every rule of the fast path: indicators, quotes, ": " and " #",
# spaces at either end, non-ASCII letters, a tab and a line break.
ALPHABET = "aZy09 _.,/()+-'\"&;=%@:#?!*|>[]{}<`~éü€\t\n"
WORDS = [
    *("yes", "No", "TRUE", "off", "On", "null", "Null", "~", "y", "n"),
    *("1.5", "0x1F", "2026-12-01", "2011-07-01T00:00:00", ".inf", "=", "<<"),
    *("---", "...", "--- x", "...x", "_1_01ea51ea", "(a)", "/path"),
]
# Strings of characters the fast path writes plain, with the pairs YAML reads as a
# key, a comment or a list entry; and strings of any of the characters.
SAFE = [*"aZy09 _.,/()+-'\"&;=%@:#", ": ", " #", "- ", " -", "a:", "#a"]
TEXT = st.one_of(
    st.lists(st.sampled_from(SAFE), max_size=12).map("".join),
    st.text(ALPHABET, max_size=24),
)
# Most strings start with a letter, as the fast path's do.
STRING = st.one_of(
    TEXT, st.tuples(st.sampled_from("aZy"), TEXT).map("".join), st.sampled_from(WORDS)
)
VALUE = st.one_of(
    STRING,
    st.lists(STRING, max_size=3),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.floats(allow_nan=False),
)
KEY = st.one_of(st.sampled_from(["id", "kind", "title", "derived-from"]), STRING)


def pyyaml(values: dict[str, object]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(values, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


@settings(max_examples=1000, deadline=None)
@given(KEY, st.one_of(STRING, st.lists(STRING, max_size=3)))
def test_same_text_as_pyyaml(key: str, value: str | list[str]) -> None:
    assert block_yaml({key: value}) == pyyaml({key: value})


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEY, VALUE, min_size=1, max_size=6))
def test_same_text_as_pyyaml_for_any_values(values: dict[str, object]) -> None:
    assert block_yaml(values) == pyyaml(values)


NESTED = st.dictionaries(
    KEY,
    st.one_of(
        STRING,
        st.integers(),
        st.booleans(),
        st.lists(STRING, max_size=2),
        st.dictionaries(
            KEY, st.one_of(STRING, st.integers(), st.lists(STRING, max_size=2)), max_size=3
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=500, deadline=None)
@given(NESTED)
def test_same_text_as_pyyaml_for_sections(values: dict[str, object]) -> None:
    assert block_yaml(values) == pyyaml(values)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("Alarm limits", "title: Alarm limits\n"),
        ("ratio 3:1", "title: ratio 3:1\n"),
        ("Alarm: high", "title: 'Alarm: high'\n"),
        ("yes", "title: 'yes'\n"),
        ("12", "title: '12'\n"),
        ("C# code", "title: C# code\n"),
        ("see #4", "title: 'see #4'\n"),
        ("", "title: ''\n"),
    ],
)
def test_quotes_what_yaml_would_misread(value: str, line: str) -> None:
    assert block_yaml({"title": value}) == line
    assert yaml.safe_load(block_yaml({"title": value})) == {"title": value}


def test_typical_front_matter_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(values: object) -> str:
        raise AssertionError(f"PyYAML was asked for {values}")

    monkeypatch.setattr("medtrace.interchange.block_yaml._dump", refuse)
    values = {"id": "SRS-001", "kind": "software-requirement", "title": "Dose limit (mL/h), 2:1"}
    assert block_yaml({**values, "tags": ["pump", "C#"]}).startswith("id: SRS-001\n")


def test_a_section_of_a_doors_export_takes_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(values: object) -> str:
        raise AssertionError(f"PyYAML was asked for {values}")

    monkeypatch.setattr("medtrace.interchange.block_yaml._dump", refuse)
    values = {
        "identifier": "_1_01ea51ea",
        "attributes": {"ReqIF.ForeignCreatedOn": "2011-07-01T00:00:00", "ReqIF.ForeignID": "1"},
        "unmapped-links": {"refines": ["SRS-002"]},
        "position": 5,
        "empty": {},
    }
    assert block_yaml(values) == (
        "identifier: _1_01ea51ea\nattributes:\n  ReqIF.ForeignCreatedOn: '2011-07-01T00:00:00'\n"
        "  ReqIF.ForeignID: '1'\nunmapped-links:\n  refines:\n  - SRS-002\nposition: 5\nempty: {}\n"
    )


def test_lists_and_other_values() -> None:
    text = block_yaml({"id": "SRS-001", "tags": ["a", "b c"], "due": dt.date(2026, 12, 1)})
    assert text == "id: SRS-001\ntags:\n- a\n- b c\ndue: 2026-12-01\n"
    assert block_yaml({"id": "SRS-001", "verifies": []}) == "id: SRS-001\nverifies: []\n"


def test_a_long_key_is_left_to_pyyaml() -> None:
    values = {"k" * 130: "value"}
    assert block_yaml(values) == pyyaml(values)
    assert block_yaml(values).startswith("? ")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(TAGGED_PATTERN, fullmatch=True))
def test_what_is_quoted_at_once_pyyaml_reads_as_no_string(text: str) -> None:
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    assert tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp")
    assert block_yaml({"a": text}) == pyyaml({"a": text})


def test_remembered_scalars_are_written_the_same_and_forgotten_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(block_yaml_module, "_SCALARS", {})
    monkeypatch.setattr(block_yaml_module, "_SCALARS_LIMIT", 3)
    values = ["susan", "2011-07-01", "yes", "a: b", "ünï", "susan", "2011-07-01", "yes"]
    for text in values * 2:
        written = block_yaml_module._scalar(text)
        assert written == block_yaml_module._written_as(text)
        assert len(block_yaml_module._SCALARS) <= 3
    assert block_yaml({"by": "susan", "date": "2011-07-01"}) == "by: susan\ndate: '2011-07-01'\n"

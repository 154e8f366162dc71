"""The fast XHTML to Markdown path gives markdownify's text for every value of its
shape, and hands every other value back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import shared_path

from medtrace.interchange.reqif.read import markdownify_value, xhtml_to_markdown
from medtrace.interchange.reqif.xhtml import XHTML, simple_markdown

REQIF = "{http://www.omg.org/spec/ReqIF/20110401/reqif.xsd}"
# Letters, markdown characters, entities' characters, ASCII whitespace, a no-break
# space (left to markdownify) and a non-ASCII letter.
TEXT = st.text("ab *_&<>#-1.\n\t \xa0é", max_size=12)
INLINE = st.tuples(st.sampled_from(["b", "strong", "i", "em", "u", "span"]), TEXT, TEXT)
BLOCK = st.tuples(TEXT, st.lists(INLINE, max_size=3))
VALUE = st.one_of(
    st.tuples(st.just("p"), st.lists(BLOCK, min_size=1, max_size=3), TEXT),
    st.tuples(st.just("inline"), st.lists(BLOCK, min_size=1, max_size=1), TEXT),
)


Blocks = list[tuple[str, list[tuple[str, str, str]]]]


def build(shape: str, blocks: Blocks, gap: str) -> etree._Element:
    the_value = etree.Element(REQIF + "THE-VALUE")
    div = etree.SubElement(the_value, XHTML + "div")
    holders = [div] if shape == "inline" else []
    for _ in blocks if shape == "p" else ():
        paragraph = etree.SubElement(div, XHTML + "p")
        paragraph.tail = gap
        holders.append(paragraph)
    for holder, (text, inlines) in zip(holders, blocks, strict=True):
        holder.text = text
        for tag, inner, tail in inlines:
            element = etree.SubElement(holder, XHTML + tag)
            element.text, element.tail = inner, tail
    return the_value


@settings(max_examples=600, deadline=None)
@given(VALUE)
def test_the_simple_shape_reads_as_markdownify_reads_it(
    value: tuple[str, Blocks, str],
) -> None:
    the_value = build(*value)
    simple = simple_markdown(the_value)
    if simple is not None:
        assert simple == markdownify_value(the_value)


def test_a_doors_paragraph_takes_the_fast_path() -> None:
    the_value = build(
        "p", [("The pump shall stop the ", [("b", "infusion", " within 2 s.")])], "\n"
    )
    assert simple_markdown(the_value) == "The pump shall stop the **infusion** within 2 s."
    assert xhtml_to_markdown(the_value) == "The pump shall stop the **infusion** within 2 s."


def test_line_breaks_around_an_empty_inline_element_merge() -> None:
    the_value = build("inline", [("1\n", [("b", "", "\n1")])], "")
    assert simple_markdown(the_value) == markdownify_value(the_value) == "1\n1"


def test_other_shapes_are_left_to_markdownify() -> None:
    table = etree.fromstring(
        f'<THE-VALUE xmlns="{REQIF[1:-1]}" xmlns:x="{XHTML[1:-1]}">'
        "<x:div><x:ul><x:li>one</x:li><x:li>two</x:li></x:ul></x:div></THE-VALUE>"
    )
    assert simple_markdown(table) is None
    assert xhtml_to_markdown(table) == "* one\n* two"
    underlined = build("p", [("a ", [("u", "b", "")])], "")
    assert simple_markdown(underlined) is None


# Text without tabs, line breaks or other spaces: the path that folds nothing.
PLAIN_TEXT = st.text("ab *_&<>#-1. é", max_size=12)
PLAIN_BLOCK = st.tuples(
    PLAIN_TEXT,
    st.lists(st.tuples(st.sampled_from(["b", "strong", "i", "em"]), PLAIN_TEXT, PLAIN_TEXT)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PLAIN_BLOCK, min_size=1, max_size=3), st.sampled_from(["", "\n", " \n  "]))
def test_paragraphs_of_plain_text_read_as_markdownify_reads_them(blocks: Blocks, gap: str) -> None:
    the_value = build("p", blocks, gap)
    simple = simple_markdown(the_value)
    assert simple is not None
    assert simple == markdownify_value(the_value)


def test_every_simple_value_of_the_real_files_reads_as_markdownify_reads_it() -> None:
    folder = shared_path("realworld", "reqif")
    compared = 0
    for path in sorted(folder.rglob("*.reqif")):
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
        except etree.XMLSyntaxError:
            continue  # the invalid files the reader rejects
        for the_value in root.iter(REQIF + "THE-VALUE"):
            if len(the_value) and (simple := simple_markdown(the_value)) is not None:
                assert simple == markdownify_value(the_value), path.name
                compared += 1
    assert compared >= 20  # the files hold that many values of the simple shape

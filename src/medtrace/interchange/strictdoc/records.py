"""A StrictDoc ``.sdoc`` document read into neutral records (a migration source).

Only the markup is kept, not StrictDoc's meaning of it: the ``[DOCUMENT]`` header
fields, the ``[GRAMMAR]`` element tags with their declared field titles, the
sections (their titles give each node its section path) and every node
(``[REQUIREMENT]``, ``[TEXT]``, custom tags, composite ``[[TAG]]`` nodes, old
``[FREETEXT]`` blocks) with its fields in file order and its relations. Lines are
1-based lines of the ``.sdoc`` file.
"""

from __future__ import annotations

from dataclasses import dataclass

Fields = tuple[tuple[str, str], ...]  # (field name, value) in file order; names may repeat


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocRelation:
    """One entry of a node's ``RELATIONS``: ``- TYPE: Parent`` with ``VALUE:`` (a UID),
    or ``- TYPE: File`` with ``VALUE:`` (or ``PATH:``, a file path); ``attributes`` holds
    the entry's other keys (``FORMAT``, ``LINE_RANGE``, ``FUNCTION``...) in file order."""

    type: str
    value: str
    role: str | None
    line: int
    attributes: Fields = ()
    key: str = "VALUE"  # the key that named the value: VALUE, or PATH for a File entry


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocNode:
    """A node of the document: ``[TAG]`` (or composite ``[[TAG]]``) and its fields;
    ``section`` holds the titles of the sections it is in, outermost first."""

    tag: str
    line: int
    fields: Fields
    relations: tuple[SdocRelation, ...] = ()
    section: tuple[str, ...] = ()
    composite: bool = False

    def field(self, name: str) -> str | None:
        """The first value of field ``name``, or ``None`` when the node has none."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def values(self, name: str) -> tuple[str, ...]:
        """Every value of field ``name`` (``COMMENT`` may repeat), in file order."""
        return tuple(value for key, value in self.fields if key == name)

    @property
    def uid(self) -> str | None:
        uid = self.field("UID")
        return uid.strip() if uid is not None and uid.strip() else None


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocSection:
    """A ``[SECTION]`` or ``[[SECTION]]``: ``path`` is its title and those above it."""

    line: int
    fields: Fields
    path: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocGrammarElement:
    """An element type of the ``[GRAMMAR]``: its tag, declared field titles in order,
    declared relation types and whether it is composite."""

    tag: str
    fields: tuple[str, ...]
    relations: tuple[str, ...] = ()
    composite: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocInclude:
    """A ``[DOCUMENT_FROM_FILE]`` (or another include marker): read, never followed."""

    tag: str
    line: int
    fields: Fields
    section: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SdocDocument:
    """Everything read from one ``.sdoc`` file; ``path`` is the name it was read as."""

    path: str
    fields: Fields  # [DOCUMENT] header; nested blocks (OPTIONS:) as their indented text
    grammar: tuple[SdocGrammarElement, ...] = ()
    grammar_fields: Fields = ()  # other [GRAMMAR] keys, e.g. IMPORT_FROM_FILE
    nodes: tuple[SdocNode, ...] = ()
    sections: tuple[SdocSection, ...] = ()
    includes: tuple[SdocInclude, ...] = ()

    def field(self, name: str) -> str | None:
        """The header field ``name``, or ``None`` when the header has none."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    @property
    def title(self) -> str:
        return self.field("TITLE") or self.field("NAME") or ""

    @property
    def prefix(self) -> str | None:
        return self.field("PREFIX")

    def declared(self, tag: str) -> SdocGrammarElement | None:
        """The grammar element of ``tag``, or ``None`` when the grammar declares none."""
        for element in self.grammar:
            if element.tag == tag:
                return element
        return None

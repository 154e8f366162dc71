"""Read a StrictDoc ``.sdoc`` document into neutral records (a migration source).

StrictDoc's own grammar (textX) ships only inside the strictdoc application, a
web-app stack with many pinned dependencies; medtrace does not depend on it.
This is a small line-oriented reader of the SDoc markup instead:

- ``[DOCUMENT]`` and its header fields (``TITLE``, ``PREFIX``, ``OPTIONS:`` with
  indented lines...), then an optional ``[GRAMMAR]`` (``ELEMENTS`` with ``- TAG:``,
  ``FIELDS`` with ``- TITLE:``, ``RELATIONS`` with ``- TYPE:``, ``IS_COMPOSITE``);
- sections ``[SECTION]``...``[/SECTION]`` and ``[[SECTION]]``...``[[/SECTION]]``;
  their ``TITLE`` values give every node inside its section path;
- nodes ``[TAG]`` (``REQUIREMENT``, ``TEXT``, any custom tag) and composite
  ``[[TAG]]``...``[[/TAG]]``, whose fields follow the marker line up to the next
  blank line: ``FIELD: value``, ``FIELD: >>>`` ... ``<<<`` (kept verbatim) and
  ``RELATIONS:`` lists (``- TYPE: Parent|Child|File|...`` with ``VALUE:``, optional
  ``ROLE:`` and other keys; a ``File`` entry may name its file by ``PATH:``);
- old ``[FREETEXT]``...``[/FREETEXT]`` blocks (a node of tag ``FREETEXT``) and
  ``[DOCUMENT_FROM_FILE]`` includes (recorded, never followed).

It checks the markup, not StrictDoc's rules (field order, required fields).
Pure: bytes in, a document and findings out; it never raises on what the file
holds. Findings: ``migrate/unreadable`` (empty, not UTF-8) and
``migrate/invalid`` (the first line that breaks the markup: an unterminated
``>>>``, a line outside any node, a relation without ``VALUE``, an unclosed or
stray section). Either is the only finding, located at its line, and no
document is returned.
"""

from __future__ import annotations

import re

from medtrace.interchange.findings import INVALID, UNREADABLE, migrate_finding
from medtrace.interchange.strictdoc.records import (
    Fields,
    SdocDocument,
    SdocGrammarElement,
    SdocInclude,
    SdocNode,
    SdocRelation,
    SdocSection,
)
from medtrace.model.finding import Finding

MARKER = re.compile(r"^(\[\[?)(/?)([A-Z][A-Z0-9_]*)(\]\]?)\s*$")
FIELD = re.compile(r"^([A-Z][A-Z0-9_]*):(?:[ \t]+(.*?))?\s*$")
RELATION_START = re.compile(r"^-[ \t]+TYPE:[ \t]*(\S.*?)\s*$")
RELATION_KEY = re.compile(r"^[ \t]+([A-Z][A-Z0-9_]*):[ \t]*(.*?)\s*$")
RELATION_FIELDS = frozenset({"RELATIONS", "REFS"})
SECTION = "SECTION"
FREETEXT = "FREETEXT"
MULTILINE_START = ">>>"
MULTILINE_END = "<<<"


class _MalformedError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_sdoc(data: bytes, path: str) -> tuple[SdocDocument | None, tuple[Finding, ...]]:
    """The document of the ``.sdoc`` file at ``path`` whose content is ``data``."""
    if not data.strip():
        return None, (migrate_finding(UNREADABLE, path, "the file is empty"),)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, (migrate_finding(UNREADABLE, path, "not UTF-8 text", line),)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    try:
        return _Reader(lines, path).read(), ()
    except _MalformedError as error:
        return None, (migrate_finding(INVALID, path, error.message, error.line),)


class _Reader:
    """One pass over the lines; ``self.at`` is the 0-based index of the next line."""

    def __init__(self, lines: list[str], path: str) -> None:
        self.lines = lines
        self.path = path
        self.at = 0
        self.grammar: list[SdocGrammarElement] = []
        self.grammar_fields: list[tuple[str, str]] = []
        self.nodes: list[SdocNode] = []
        self.sections: list[SdocSection] = []
        self.includes: list[SdocInclude] = []
        self.open: list[tuple[str, int]] = []  # (closing marker, line of the opener)
        self.titles: list[str] = []

    def read(self) -> SdocDocument:
        self._skip_blank()
        if self.at >= len(self.lines) or self.lines[self.at].strip() != "[DOCUMENT]":
            raise _MalformedError(
                self.at + 1, "not an SDoc document: it does not start with [DOCUMENT]"
            )
        self.at += 1
        header, relations = self._fields()
        if relations:
            raise _MalformedError(relations[0].line, "the [DOCUMENT] header cannot hold RELATIONS")
        while True:
            self._skip_blank()
            if self.at >= len(self.lines):
                break
            self._top_level()
        if self.open:
            closing, line = self.open[-1]
            raise _MalformedError(line, f"this node is never closed by {closing}")
        return SdocDocument(
            path=self.path,
            fields=header,
            grammar=tuple(self.grammar),
            grammar_fields=tuple(self.grammar_fields),
            nodes=tuple(self.nodes),
            sections=tuple(self.sections),
            includes=tuple(self.includes),
        )

    def _top_level(self) -> None:
        text = self.lines[self.at]
        line = self.at + 1
        marker = MARKER.match(text)
        if marker is None or len(marker.group(1)) != len(marker.group(4)):
            shown = text.strip()[:60]
            raise _MalformedError(line, f"a line outside any node: {shown!r} (no [TAG] above it)")
        double = marker.group(1) == "[["
        tag = marker.group(3)
        self.at += 1
        if marker.group(2):
            self._close(text.strip(), line)
        elif tag == "DOCUMENT":
            raise _MalformedError(line, "a second [DOCUMENT] in one file")
        elif tag == "GRAMMAR" and not double:
            self._grammar(line)
        elif tag == FREETEXT and not double:
            self._freetext(line)
        elif tag == SECTION:
            self._section(line, "[[/SECTION]]" if double else "[/SECTION]")
        elif tag.endswith("_FROM_FILE"):
            fields, _ = self._fields()
            self.includes.append(
                SdocInclude(tag=tag, line=line, fields=fields, section=tuple(self.titles))
            )
        else:
            self._node(tag, line, double)

    def _close(self, marker: str, line: int) -> None:
        if not self.open or self.open[-1][0] != marker:
            expected = f" (expected {self.open[-1][0]})" if self.open else ""
            raise _MalformedError(line, f"{marker} closes nothing that is open{expected}")
        self.open.pop()
        self.titles.pop()

    def _section(self, line: int, closing: str) -> None:
        fields, relations = self._fields()
        if relations:
            raise _MalformedError(relations[0].line, "a section cannot hold RELATIONS")
        title = _first(fields, "TITLE") or ""
        self.titles.append(title)
        self.open.append((closing, line))
        self.sections.append(SdocSection(line=line, fields=fields, path=tuple(self.titles)))

    def _node(self, tag: str, line: int, composite: bool) -> None:
        fields, relations = self._fields()
        self.nodes.append(
            SdocNode(
                tag=tag,
                line=line,
                fields=fields,
                relations=relations,
                section=tuple(self.titles),
                composite=composite,
            )
        )
        if composite:
            self.titles.append(_first(fields, "TITLE") or _first(fields, "UID") or tag)
            self.open.append((f"[[/{tag}]]", line))

    def _freetext(self, line: int) -> None:
        start = self.at
        while self.at < len(self.lines) and self.lines[self.at].strip() != "[/FREETEXT]":
            self.at += 1
        if self.at >= len(self.lines):
            raise _MalformedError(line, "[FREETEXT] is never closed by [/FREETEXT]")
        text = "\n".join(self.lines[start : self.at])
        self.at += 1
        self.nodes.append(
            SdocNode(tag=FREETEXT, line=line, fields=(("TEXT", text),), section=tuple(self.titles))
        )

    def _fields(self) -> tuple[Fields, tuple[SdocRelation, ...]]:
        """The fields after a marker line, up to a blank line, a marker or the end."""
        fields: list[tuple[str, str]] = []
        relations: list[SdocRelation] = []
        while self.at < len(self.lines):
            text = self.lines[self.at]
            if not text.strip() or MARKER.match(text):
                break
            match = FIELD.match(text)
            if match is None:
                raise _MalformedError(
                    self.at + 1, f"not a field ('NAME: value'): {text.strip()[:60]!r}"
                )
            name, value = match.group(1), match.group(2) or ""
            line = self.at + 1
            self.at += 1
            if value == MULTILINE_START:
                fields.append((name, self._multiline(line)))
            elif value:
                fields.append((name, value))
            elif name in RELATION_FIELDS:
                relations.extend(self._relations(line))
            else:
                fields.append((name, self._nested()))
        return tuple(fields), tuple(relations)

    def _multiline(self, line: int) -> str:
        start = self.at
        while self.at < len(self.lines) and self.lines[self.at].rstrip() != MULTILINE_END:
            self.at += 1
        if self.at >= len(self.lines):
            raise _MalformedError(line, f"'>>>' is never closed by a line '{MULTILINE_END}'")
        self.at += 1
        return "\n".join(self.lines[start : self.at - 1])

    def _nested(self) -> str:
        """The indented (or '- ') lines under a field with no value, dedented by two."""
        start = self.at
        while self.at < len(self.lines) and _indented(self.lines[self.at]):
            self.at += 1
        return "\n".join(text.removeprefix("  ") for text in self.lines[start : self.at])

    def _relations(self, line: int) -> list[SdocRelation]:
        entries: list[tuple[int, str, list[tuple[str, str]]]] = []
        while self.at < len(self.lines) and _indented(self.lines[self.at]):
            text = self.lines[self.at]
            start = RELATION_START.match(text)
            key = RELATION_KEY.match(text)
            if start is not None:
                entries.append((self.at + 1, start.group(1), []))
            elif key is not None and entries:
                entries[-1][2].append((key.group(1), key.group(2)))
            else:
                raise _MalformedError(self.at + 1, f"not a relation entry: {text.strip()[:60]!r}")
            self.at += 1
        if not entries:
            raise _MalformedError(line, "RELATIONS holds no '- TYPE:' entry")
        return [_relation(*entry) for entry in entries]

    def _grammar(self, line: int) -> None:
        block: list[str] = []
        while self.at < len(self.lines):
            text = self.lines[self.at]
            if not text.strip() or MARKER.match(text):
                break
            block.append(text)
            self.at += 1
        self.grammar.extend(_grammar_elements(block))
        for text in block:
            match = FIELD.match(text)
            if match is not None and match.group(2):
                self.grammar_fields.append((match.group(1), match.group(2)))
        if not self.grammar and not self.grammar_fields:
            raise _MalformedError(line, "[GRAMMAR] declares no ELEMENTS and imports no grammar")

    def _skip_blank(self) -> None:
        while self.at < len(self.lines) and not self.lines[self.at].strip():
            self.at += 1


def _relation(line: int, kind: str, keys: list[tuple[str, str]]) -> SdocRelation:
    values = dict(keys)
    named_by = "VALUE" if values.get("VALUE") or kind != "File" else "PATH"
    value = values.get(named_by)
    if not value:
        raise _MalformedError(line, f"a {kind} relation without VALUE")
    role = values.get("ROLE") or None
    rest = tuple((k, v) for k, v in keys if k not in {named_by, "ROLE"})
    return SdocRelation(type=kind, value=value, role=role, line=line, attributes=rest, key=named_by)


def _grammar_elements(block: list[str]) -> list[SdocGrammarElement]:
    """The ``- TAG:`` elements of a ``[GRAMMAR]`` block: field titles, relation types
    and ``IS_COMPOSITE``; field types and ``REQUIRED`` are not needed to import."""
    chunks: list[list[str]] = []
    for text in block:
        if text.startswith("- TAG:"):
            chunks.append([text])
        elif chunks:
            chunks[-1].append(text)
    return [_grammar_element(chunk) for chunk in chunks]


def _grammar_element(chunk: list[str]) -> SdocGrammarElement:
    fields: list[str] = []
    relations: list[str] = []
    composite = False
    mode = ""
    for text in chunk[1:]:
        stripped = text.strip()
        if stripped in {"FIELDS:", "RELATIONS:", "PROPERTIES:"}:
            mode = stripped
        elif mode == "FIELDS:" and stripped.startswith("- TITLE:"):
            fields.append(stripped.removeprefix("- TITLE:").strip())
        elif mode == "RELATIONS:" and stripped.startswith("- TYPE:"):
            relations.append(stripped.removeprefix("- TYPE:").strip())
        elif mode == "PROPERTIES:" and stripped.replace(" ", "") == "IS_COMPOSITE:True":
            composite = True
    return SdocGrammarElement(
        tag=chunk[0].removeprefix("- TAG:").strip(),
        fields=tuple(fields),
        relations=tuple(relations),
        composite=composite,
    )


def _indented(text: str) -> bool:
    return bool(text.strip()) and (text[0] in " \t" or text.startswith("- "))


def _first(fields: Fields, name: str) -> str | None:
    return next((value for key, value in fields if key == name), None)

"""Parse one item file (Markdown with YAML front matter) into an :class:`Item`.

Pure: bytes in, item and findings out. Everything a user can put in a file
yields findings with a stable code and ``path:line``, never an exception.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from medtrace.ingest.frontmatter import FrontMatterError, NoFrontMatterError, Split, split
from medtrace.ingest.values import FieldValueError, coerce
from medtrace.ingest.yamlnodes import Entry, FrontMatter, YamlSyntaxError, read_front_matter
from medtrace.model import (
    FieldValue,
    Finding,
    Item,
    Link,
    ParsedFile,
    Schema,
    Severity,
    SourceLocation,
)

ID_PATTERN = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_.\-]{0,62}[A-Za-z0-9])?$")
RESERVED = frozenset({"id", "kind", "title"})


def parse_item(data: bytes, path: str, schema: Schema) -> ParsedFile:
    """Parse the bytes of the file at ``path`` (relative to the project root)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _failed(path, line, "file/not-utf8", f"not UTF-8 text (byte {error.start})")
    try:
        parts = split(text)
        front = read_front_matter(parts.front)
    except NoFrontMatterError:
        return ParsedFile(item=None, findings=(), is_item=False)
    except FrontMatterError as problem:
        return _failed(path, problem.line, "file/front-matter", str(problem))
    except YamlSyntaxError as problem:
        message = f"invalid YAML in front matter: {problem}"
        return _failed(path, problem.line, "file/yaml-invalid", message)
    if front is None:
        return _failed(path, 2, "file/front-matter", "front matter must be a YAML mapping")
    return _ItemBuilder(path, parts, front, schema).build()


def _failed(path: str, line: int, code: str, message: str) -> ParsedFile:
    location = SourceLocation(path=path, line=line)
    finding = Finding(code=code, severity=Severity.ERROR, message=message, location=location)
    return ParsedFile(item=None, findings=(finding,))


class _ItemBuilder:
    """Turns one front-matter mapping into an item, collecting findings on the way."""

    def __init__(self, path: str, parts: Split, front: FrontMatter, schema: Schema) -> None:
        self.path = path
        self.parts = parts
        self.entries = front.entries
        self.front = front
        self.schema = schema
        self.findings: list[Finding] = []
        self.item_id: str | None = None

    def report(self, code: str, message: str, line: int = 1) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                message=message,
                location=SourceLocation(path=self.path, line=line),
                item=self.item_id,
            )
        )

    def line(self, key: str) -> int:
        entry = self.entries.get(key)
        return entry.line if entry is not None else 1

    def build(self) -> ParsedFile:
        item_id = self._identity()
        kind = self._kind()
        title = self._title()
        for key, line in self.front.duplicates:
            self.report("item/key-duplicate", f"key {key!r} appears again; ignored here", line)
        for key, line in self.front.bad_keys:
            self.report("item/field-unknown", f"front matter key {key[:40]} is not a name", line)
        if item_id is None:
            return ParsedFile(item=None, findings=tuple(self.findings))
        fields: list[tuple[str, FieldValue]] = []
        links: list[Link] = []
        if kind in self.schema.kinds:
            for key, entry in self.entries.items():
                if key not in RESERVED:
                    self._member(kind, key, entry, fields, links)
            self._required(kind, {name for name, _ in fields})
        item = Item(
            id=item_id,
            kind=kind,
            title=title,
            source=SourceLocation(path=self.path, line=self.line("id")),
            body=self.parts.body,
            body_line=self.parts.body_line,
            fields=tuple(sorted(fields)),
            links=tuple(links),
        )
        return ParsedFile(item=item, findings=tuple(self.findings))

    def _identity(self) -> str | None:
        entry = self.entries.get("id")
        if entry is None or entry.value is None:
            self.report("item/id-missing", "no 'id' in front matter", self.line("id"))
            return None
        value = entry.value
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            shown = repr(value)[:40]
            self.report(
                "item/id-malformed",
                f"id {shown} is malformed: use letters, digits, '-', '_' or '.' (e.g. SRS-012)",
                entry.line,
            )
            return None
        self.item_id = value
        return value

    def _kind(self) -> str:
        entry = self.entries.get("kind")
        if entry is None or entry.value is None:
            self.report("item/kind-missing", "no 'kind' in front matter", self.line("kind"))
            return ""
        if not isinstance(entry.value, str):
            self.report("item/kind-unknown", "'kind' must be one name", entry.line)
            return ""
        kind = entry.value
        if kind not in self.schema.kinds:
            hint = _suggest(kind, self.schema.kinds)
            self.report("item/kind-unknown", f"unknown kind {kind[:40]!r}{hint}", entry.line)
        return kind

    def _title(self) -> str:
        entry = self.entries.get("title")
        value = entry.value if entry is not None else None
        if value is None or (isinstance(value, str) and not value.strip()):
            self.report("item/title-missing", "no 'title' in front matter", self.line("title"))
            return ""
        if not isinstance(value, str) or "\n" in value.strip():
            self.report(
                "item/field-invalid", "'title' must be one line of text", self.line("title")
            )
            return ""
        return value.strip()

    def _member(
        self,
        kind: str,
        key: str,
        entry: Entry,
        fields: list[tuple[str, FieldValue]],
        links: list[Link],
    ) -> None:
        if key in self.schema.links:
            self._links(kind, key, entry, links)
            return
        spec = self.schema.field_of(kind, key)
        if spec is None:
            names = [f.name for f in self.schema.kinds[kind].fields]
            names += [f.name for f in self.schema.common_fields]
            names += list(self.schema.kinds[kind].links)
            hint = _suggest(key, names)
            self.report("item/field-unknown", f"{kind} has no field {key[:40]!r}{hint}", entry.line)
            return
        if entry.value is None:
            return  # an empty field is the same as an absent one
        try:
            fields.append((key, coerce(spec, entry.value)))
        except FieldValueError as problem:
            self.report("item/field-invalid", f"field {key!r}: {problem}", entry.line)

    def _links(self, kind: str, key: str, entry: Entry, links: list[Link]) -> None:
        if key not in self.schema.kinds[kind].links:
            allowed = ", ".join(self.schema.kinds[kind].links) or "none"
            self.report(
                "item/link-not-allowed",
                f"a {kind} cannot hold '{key}' links (it may hold: {allowed})",
                entry.line,
            )
            return
        value = entry.value
        if value is None:
            return
        targets = value if isinstance(value, list) else [value]
        lines = entry.lines or (entry.line,) * len(targets)
        for target, line in zip(targets, lines, strict=True):
            if not isinstance(target, str) or not target.strip():
                self.report("item/link-malformed", f"'{key}' must be a list of item ids", line)
                continue
            links.append(Link(role=key, target=target.strip(), line=line))

    def _required(self, kind: str, present: set[str]) -> None:
        specs = (*self.schema.kinds[kind].fields, *self.schema.common_fields)
        for spec in specs:
            if spec.required and spec.name not in present:
                message = f"required field {spec.name!r} is missing"
                self.report("item/field-missing", message, self.line("id"))


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

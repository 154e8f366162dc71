"""Read a ReqIF exchange file (.reqif, or a .reqifz zip of them) into a ReqifDocument.

Pure: bytes in, a :class:`ReqifDocument` and findings out; it never raises on
what a file holds. The XML parser is hardened (no entity expanded, no DTD
loaded, nothing fetched, libxml2's size limits on) and a document with a
DOCTYPE is refused outright. In a .reqifz only ``*.reqif`` members are read,
and a member named by an absolute path or with a ``..`` part refuses the
whole archive.

Two codes: ``reqif/unreadable`` (not XML, hostile XML, a broken or hostile
zip) and ``reqif/invalid`` (XML but not ReqIF, or a reference to a spec
object the file does not hold). An error returns no document. A reference to an
object the file does not hold is common in real exports of one module (DOORS,
ReqIF Studio): by default it is a warning (``reqif/invalid``, with its line) and
the rest is read: a relation to such an object is kept (the mapping makes it a
dangling link), one from it is left out, and a hierarchy entry naming it is left
out with the entries below it placed under its parent. With ``strict`` it is an
error, as the format wants.

Attribute values are read by their definition's long name; an enumeration's
value is its enum values' long names joined with ``", "``; XHTML is converted
to Markdown with markdownify, except a lone ``<div>`` holding text only, which
is taken as it is (that is how medtrace exports Markdown), and the common shape
of paragraphs with bold and italic words, which :mod:`medtrace.interchange.reqif.xhtml`
converts to the same text itself.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from pathlib import PurePosixPath, PureWindowsPath

from lxml import etree
from markdownify import markdownify

from medtrace.interchange.reqif.records import ReqifDocument, ReqifNode, ReqifObject, ReqifRelation
from medtrace.interchange.reqif.xhtml import simple_markdown
from medtrace.model.finding import Finding, Severity
from medtrace.model.location import SourceLocation
from medtrace.store.zips import ZIP_ERRORS, is_folder

NAMESPACE = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd"
_OMG = "http://www.omg.org/spec/ReqIF/"  # ReqIF 1.2, and the 2010 draft namespace
UNREADABLE = "reqif/unreadable"
INVALID = "reqif/invalid"
MEMBER_LIMIT = 512 * 1024 * 1024  # bytes the .reqif members of a .reqifz may unpack to
RATIO_LIMIT = 100  # unpacked bytes per packed byte of a member; XML packs 5 to 30 times
RATIO_FLOOR = 1024 * 1024  # a member unpacking to no more than this passes whatever its ratio

Element = etree._Element


class _RejectedError(Exception):
    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


def parse_reqif(
    data: bytes, path: str, *, keep: list[object] | None = None, strict: bool = False
) -> tuple[ReqifDocument | None, tuple[Finding, ...]]:
    """Read the ReqIF file at ``path`` (for findings' locations) from its bytes.

    With ``keep``, the parsed XML trees are appended to it instead of being freed on
    return: freeing the tree of a large file (millions of nodes) takes a noticeable
    time, which a caller may rather spend while it waits for something else."""
    roots: list[Element] = []
    if keep is not None:
        keep.append(roots)
    try:
        if data.startswith(b"PK\x03\x04") or path.lower().endswith(".reqifz"):
            roots.extend(_root(member) for member in _members(data))
            if not roots:
                raise _RejectedError(UNREADABLE, "the archive holds no .reqif file")
        else:
            roots.append(_root(data))
        reader = _Reader(roots, path, strict)
        document = reader.read()
    except _RejectedError as rejected:
        location = SourceLocation(path=path, line=rejected.line)
        finding = Finding(
            code=rejected.code, severity=Severity.ERROR, message=rejected.message, location=location
        )
        return None, (finding,)
    return document, tuple(reader.warnings)


def _members(data: bytes) -> Iterator[bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as error:
        raise _RejectedError(UNREADABLE, f"not a readable zip archive: {error}") from error
    for info in infos:
        name = info.filename
        windows = PureWindowsPath(name)
        if (
            PurePosixPath(name).is_absolute()
            or windows.is_absolute()
            or windows.drive
            or name.startswith(("/", "\\"))
            or ".." in PurePosixPath(name.replace("\\", "/")).parts
        ):
            raise _RejectedError(
                UNREADABLE, f"the archive member {name[:120]!r} escapes the archive"
            )
    unpacked = 0
    for info in infos:
        if is_folder(info) or not info.filename.lower().endswith(".reqif"):
            continue
        content = _unpack(archive, info, MEMBER_LIMIT - unpacked)
        unpacked += len(content)
        yield content


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, left: int) -> bytes:
    """The bytes of one member, refused when they would pass ``left`` (what the archive
    may still unpack to) or :data:`RATIO_LIMIT` times the member's packed size: a small
    archive that unpacks to gigabytes is a decompression bomb, not an export. Only what
    the bound allows is ever decompressed."""
    name = info.filename[:120]
    bound = min(left, max(RATIO_FLOOR, RATIO_LIMIT * info.compress_size))
    if info.file_size > bound:
        raise _RejectedError(UNREADABLE, _too_large(name, info.file_size, info.compress_size))
    try:
        with archive.open(info) as stream:
            content = stream.read(bound + 1)
    except ZIP_ERRORS as error:
        raise _RejectedError(UNREADABLE, f"cannot unpack {name!r}: {error}") from error
    if len(content) > bound:
        raise _RejectedError(UNREADABLE, _too_large(name, len(content), info.compress_size))
    return content


def _too_large(name: str, size: int, packed: int) -> str:
    return (
        f"the archive member {name!r} unpacks to more than {size:,} bytes from {packed:,} "
        f"(refused: more than {MEMBER_LIMIT:,} bytes in all, or more than {RATIO_LIMIT} "
        "times its packed size, the ratio of a decompression bomb)"
    )


def _root(data: bytes) -> Element:
    if not data or data.isspace():  # (strip() would copy a file of 100 MB)
        raise _RejectedError(UNREADABLE, "the file is empty", 1)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as problem:
        message = f"not valid XML: {' '.join(str(problem.msg).split())}"
        raise _RejectedError(UNREADABLE, message, problem.lineno or 1) from problem
    info = root.getroottree().docinfo
    if getattr(info, "doctype", "") or getattr(info, "internalDTD", None) is not None:
        raise _RejectedError(UNREADABLE, "a DOCTYPE is not allowed in a ReqIF file", 1)
    return root


def _line(element: Element) -> int | None:
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def _local(element: Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> Iterator[Element]:
    """The children ``name`` of ``element`` in its own (ReqIF) namespace."""
    return element.iterchildren(_namespace(element) + name)


def _child(element: Element, *names: str) -> Element | None:
    """The first element at the path ``names`` below ``element``, in its namespace."""
    namespace = _namespace(element)
    return element.find("/".join(namespace + name for name in names))


def _namespace(element: Element) -> str:
    """``{uri}`` of a ReqIF element (every element of a ReqIF file shares the root's)."""
    tag = element.tag
    return tag[: tag.index("}") + 1] if isinstance(tag, str) and tag[:1] == "{" else ""


def _first_ref(holder: Element) -> str | None:
    """The text of the first ``*-REF`` child of ``holder``."""
    for child in holder:
        tag = child.tag
        if tag.__class__ is str and tag.endswith("-REF"):
            text = child.text
            return text.strip() if text else ""
    return None


def _elements(contents: list[Element], holder: str, name: str) -> Iterator[Element]:
    """Every ``name`` element in a ``holder`` of each content, in document order."""
    for content in contents:
        for group in _children(content, holder):
            yield from _children(group, name)


class _Reader:
    def __init__(self, roots: list[Element], path: str = "", strict: bool = False) -> None:
        self.roots = roots
        self.path = path
        self.strict = strict
        self.warnings: list[Finding] = []
        self.names: dict[str, str] = {}  # identifier -> long name of definitions and types
        self.objects: dict[str, ReqifObject] = {}
        self.object_tags: dict[str, tuple[str, ...]] = {}  # namespace -> _object's tags

    def read(self) -> ReqifDocument:
        contents, title = self._contents()
        for content in contents:
            # Types, attribute definitions and enum values: what references are named by.
            for group in (*_children(content, "DATATYPES"), *_children(content, "SPEC-TYPES")):
                for element in group.iter(etree.Element):
                    identifier = element.get("IDENTIFIER")
                    if identifier is not None:
                        self.names[identifier] = element.get("LONG-NAME") or identifier
        for element in _elements(contents, "SPEC-OBJECTS", "SPEC-OBJECT"):
            obj = self._object(element)
            self.objects[obj.identifier] = obj
        relations: list[ReqifRelation] = []
        for content in contents:
            namespace = _namespace(content)
            tags = (namespace + "TYPE", namespace + "SOURCE", namespace + "TARGET")
            for element in _elements([content], "SPEC-RELATIONS", "SPEC-RELATION"):
                relation = self._relation(element, tags)
                if relation is not None:
                    relations.append(relation)
        hierarchy: list[ReqifNode] = []
        for specification in _elements(contents, "SPECIFICATIONS", "SPECIFICATION"):
            name = specification.get("LONG-NAME") or specification.get("IDENTIFIER") or ""
            self._hierarchy(specification, name, None, hierarchy)
        return ReqifDocument(
            title=title,
            objects=tuple(self.objects.values()),
            relations=tuple(relations),
            hierarchy=tuple(hierarchy),
        )

    def _contents(self) -> tuple[list[Element], str]:
        """The REQ-IF-CONTENT of every root, and the first header title."""
        contents: list[Element] = []
        title = ""
        for root in self.roots:
            tag = root.tag if isinstance(root.tag, str) else ""
            if not (tag.startswith("{" + _OMG) and tag.endswith("}REQ-IF")):
                message = f"<{tag[:100]}> is not a ReqIF root (REQ-IF in {NAMESPACE})"
                raise _RejectedError(INVALID, message, _line(root))
            content = _child(root, "CORE-CONTENT", "REQ-IF-CONTENT")
            if content is None:
                raise _RejectedError(INVALID, "the file has no CORE-CONTENT/REQ-IF-CONTENT", 1)
            contents.append(content)
            heading = _child(root, "THE-HEADER", "REQ-IF-HEADER", "TITLE")
            if heading is not None and not title:
                title = " ".join((heading.text or "").split())
        return contents, title

    def _dangling(self, message: str, line: int | None) -> None:
        """A reference to a spec object the file does not hold: an error when strict,
        else a warning (saying what was done) and reading goes on."""
        if self.strict:
            raise _RejectedError(INVALID, message, line)
        location = SourceLocation(path=self.path, line=line)
        self.warnings.append(
            Finding(code=INVALID, severity=Severity.WARNING, message=message, location=location)
        )

    def _identifier(self, element: Element) -> str:
        identifier = element.get("IDENTIFIER")
        if not identifier:
            raise _RejectedError(INVALID, f"a {_local(element)} has no IDENTIFIER", _line(element))
        return identifier

    def _object(self, element: Element) -> ReqifObject:
        # Direct child loops with exact tag comparisons and the common cases inline: a
        # large file holds hundreds of thousands of values, and a function call, a path
        # lookup or another read of a tag (lxml makes a new string each time) per value
        # costs seconds.
        identifier = element.get("IDENTIFIER") or self._identifier(element)
        namespace = _namespace(element)
        tags = self._object_tags(namespace)
        type_tag, values_tag, definition_tag, the_value_tag, value_prefix, xhtml, enum = tags
        names = self.names
        type_ref = ""
        attributes: list[tuple[str, str]] = []
        for part in element:
            tag = part.tag
            if tag == type_tag:
                type_ref = _first_ref(part) or ""
            elif tag == values_tag:
                for value in part:
                    tag = value.tag
                    if tag.__class__ is not str or not tag.startswith(value_prefix):
                        continue
                    definition = ""
                    content: Element | None = None
                    for piece in value:
                        piece_tag = piece.tag
                        if piece_tag == definition_tag:
                            for ref in piece:
                                ref_tag = ref.tag
                                if ref_tag.__class__ is str and ref_tag.endswith("-REF"):
                                    text = ref.text
                                    definition = text.strip() if text else ""
                                    break
                        elif piece_tag in (the_value_tag, values_tag):
                            content = piece
                    if tag in (xhtml, enum):
                        text = self._value(tag[len(namespace) :], content)
                    else:
                        text = value.get("THE-VALUE") or ""
                    attributes.append((names.get(definition, definition), text))
        return ReqifObject(
            identifier=identifier,
            type=names.get(type_ref, type_ref),
            long_name=element.get("LONG-NAME") or "",
            attributes=tuple(attributes),
        )

    def _object_tags(self, namespace: str) -> tuple[str, ...]:
        """The tags :meth:`_object` compares with, in ``namespace`` (made once)."""
        tags = self.object_tags.get(namespace)
        if tags is None:
            names = ("TYPE", "VALUES", "DEFINITION", "THE-VALUE", "ATTRIBUTE-VALUE-")
            kinds = ("ATTRIBUTE-VALUE-XHTML", "ATTRIBUTE-VALUE-ENUMERATION")
            tags = self.object_tags[namespace] = tuple(namespace + n for n in (*names, *kinds))
        return tags

    def _value(self, kind: str, content: Element | None) -> str:
        """The text of an XHTML or enumeration value (the others are an attribute)."""
        if kind == "ATTRIBUTE-VALUE-XHTML":
            return xhtml_to_markdown(content) if content is not None else ""
        names = [
            self.names.get((ref.text or "").strip(), (ref.text or "").strip())
            for ref in (content if content is not None else ())
            if _local(ref) == "ENUM-VALUE-REF"
        ]
        return ", ".join(names)

    def _relation(self, element: Element, tags: tuple[str, str, str]) -> ReqifRelation | None:
        """A SPEC-RELATION; ``tags`` are its TYPE, SOURCE and TARGET tags. The first of
        each counts; one without a reference reads as ``""``. ``None`` when its source
        is no object of the file (leniently)."""
        identifier = element.get("IDENTIFIER") or self._identifier(element)
        type_tag, source_tag, target_tag = tags
        type_ref: str | None = None
        source: str | None = None
        target: str | None = None
        for part in element:
            tag = part.tag
            if tag == source_tag:
                source = (_first_ref(part) or "") if source is None else source
            elif tag == target_tag:
                target = (_first_ref(part) or "") if target is None else target
            elif tag == type_tag:
                type_ref = (_first_ref(part) or "") if type_ref is None else type_ref
        objects = self.objects
        for end, ref in (("SOURCE", source), ("TARGET", target)):
            if not ref or ref not in objects:
                message = f"the {end} of SPEC-RELATION {identifier[:80]!r} is no spec object"
                message += f" of the file ({(ref or 'missing')[:80]!r})"
                if end == "SOURCE" or not ref:
                    self._dangling(f"{message}; not imported", _line(element))
                    return None
                self._dangling(f"{message}; kept as a link to it", _line(element))
        type_ref = type_ref or ""
        return ReqifRelation(
            identifier=identifier,
            type=self.names.get(type_ref, type_ref),
            source=source or "",
            target=target or "",
        )

    def _hierarchy(
        self, element: Element, specification: str, parent: str | None, out: list[ReqifNode]
    ) -> None:
        """Append the SPEC-HIERARCHY entries below ``element`` (its first CHILDREN) to
        ``out``, each followed by the entries below it (document order)."""
        namespace = _namespace(element)
        tags = (namespace + "CHILDREN", namespace + "OBJECT", namespace + "SPEC-HIERARCHY")
        for part in element:
            if part.tag == tags[0]:
                self._entries(part, tags, specification, parent, out)
                break

    def _entries(
        self,
        children: Element,
        tags: tuple[str, str, str],
        specification: str,
        parent: str | None,
        out: list[ReqifNode],
    ) -> None:
        children_tag, object_tag, node_tag = tags
        for node in children:
            if node.tag != node_tag:
                continue
            ref: str | None = None
            below: Element | None = None
            seen = False  # (the first OBJECT names the object, even without a reference)
            for piece in node:
                tag = piece.tag
                if tag == object_tag and not seen:
                    ref, seen = _first_ref(piece), True
                elif tag == children_tag and below is None:
                    below = piece
            if not ref or ref not in self.objects:
                message = (
                    f"a SPEC-HIERARCHY names no spec object of the file ({(ref or '')[:80]!r})"
                )
                self._dangling(f"{message}; left out, the entries below it kept", _line(node))
                if below is not None:
                    self._entries(below, tags, specification, parent, out)
                continue
            out.append(
                ReqifNode(specification=specification, obj=ref, parent=parent, order=len(out))
            )
            if below is not None:
                self._entries(below, tags, specification, ref, out)


def xhtml_to_markdown(the_value: Element) -> str:
    """The Markdown of an XHTML value (the children of ``THE-VALUE``)."""
    if len(the_value) == 1 and not (the_value.text or "").strip():
        div = the_value[0]
        if len(div) == 0 and _local(div) == "div" and not (div.tail or "").strip():
            return div.text or ""
    simple = simple_markdown(the_value)
    return simple if simple is not None else markdownify_value(the_value)


def markdownify_value(the_value: Element) -> str:
    """The Markdown markdownify makes of an XHTML value."""
    parts = [the_value.text or ""]
    for child in the_value:
        tag: object = child.tag
        if not isinstance(tag, str):
            parts.append(child.tail or "")
            continue
        copy = deepcopy(child)
        copy.tail = None
        for element in copy.iter():
            if isinstance(element.tag, str):
                element.tag = etree.QName(element).localname
        etree.cleanup_namespaces(copy)
        parts.append(etree.tostring(copy, encoding="unicode", method="html"))
        parts.append(child.tail or "")
    return str(markdownify("".join(parts), heading_style="ATX")).strip()

"""Read a Doorstop requirements tree into neutral items (a migration source).

Pure: a mapping of relative path -> bytes in, documents, items and findings
out; it never raises on what the files hold. A document is a folder with a
``.doorstop.yml`` (``settings``: ``prefix``, ``sep``, ``digits``, ``parent``);
its items are the ``*.yml`` files below it (not below a nested document) whose
names start with its prefix. Every attribute of an item that is not its
text, header or links is kept in :attr:`DoorstopItem.extra`, link
fingerprints included, so that nothing is dropped silently.

Findings: ``migrate/unreadable`` (a file is not UTF-8 YAML, or not a mapping)
and ``migrate/invalid`` (a document or item breaks Doorstop's format: no
prefix, a name that is no valid id, links that are not a list of ids).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

import yaml

from medtrace.ingest.item_file import ID_PATTERN
from medtrace.interchange.doorstop.records import DoorstopDocument, DoorstopItem, DoorstopTree
from medtrace.interchange.findings import INVALID, UNREADABLE, migrate_finding
from medtrace.interchange.yaml_source import SourceLoader, error_line, error_problem
from medtrace.model.finding import Finding

DOCUMENT_FILE = ".doorstop.yml"
MAPPED = frozenset({"text", "header", "links"})
ITEM_SUFFIXES = (".yml", ".md")  # YAML items, and Doorstop 3's Markdown ones
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$\r?\n?(.*)\Z", re.DOTALL | re.MULTILINE
)
_HEADING = re.compile(r"\A#{1,6}[ \t]+(.+?)[ \t#]*(?:\r?\n|\Z)")


def parse_doorstop(files: Mapping[str, bytes]) -> tuple[DoorstopTree, tuple[Finding, ...]]:
    """Documents and items of the tree whose files (relative path -> bytes) are ``files``."""
    findings: list[Finding] = []
    documents: dict[str, DoorstopDocument] = {}
    for path in sorted(files):
        if PurePosixPath(path).name == DOCUMENT_FILE:
            document = _document(path, files[path], findings)
            if document is not None:
                documents[document.folder] = document
    items: list[DoorstopItem] = []
    for path in sorted(files):
        pure = PurePosixPath(path)
        if pure.suffix not in ITEM_SUFFIXES or pure.name.startswith("."):
            continue
        owner = _owner(pure, documents)
        if owner is None or not pure.stem.startswith(owner.prefix):
            continue
        item = _item(path, files[path], owner, findings)
        if item is not None:
            items.append(item)
    if not documents:
        findings.append(migrate_finding(INVALID, "", f"no {DOCUMENT_FILE}: not a Doorstop tree"))
    return DoorstopTree(documents=tuple(documents.values()), items=tuple(items)), tuple(findings)


def _owner(
    path: PurePosixPath, documents: Mapping[str, DoorstopDocument]
) -> DoorstopDocument | None:
    for folder in path.parents:
        key = "" if str(folder) == "." else str(folder)
        if key in documents:
            return documents[key]
    return None


def _load(path: str, data: bytes, findings: list[Finding]) -> dict[str, object] | None:
    try:
        loaded = yaml.load(data.decode("utf-8"), Loader=SourceLoader)
    except UnicodeDecodeError:
        findings.append(migrate_finding(UNREADABLE, path, "not UTF-8 text"))
        return None
    except (yaml.YAMLError, RecursionError) as error:
        line = error_line(error) if isinstance(error, yaml.YAMLError) else None
        problem = error_problem(error)
        findings.append(migrate_finding(UNREADABLE, path, f"not valid YAML: {problem}", line))
        return None
    if not isinstance(loaded, dict):
        findings.append(migrate_finding(UNREADABLE, path, "not a YAML mapping"))
        return None
    return {str(key): value for key, value in loaded.items()}


def _markdown(path: str, data: bytes, findings: list[Finding]) -> dict[str, object] | None:
    """A Doorstop 3 Markdown item: its front matter's attributes, its body as the text;
    a first-line heading is its header (when the front matter names none)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        findings.append(migrate_finding(UNREADABLE, path, "not UTF-8 text"))
        return None
    match = _FRONT_MATTER.match(text)
    if match is None:
        findings.append(migrate_finding(UNREADABLE, path, "a Markdown item without front matter"))
        return None
    loaded = _load(path, match.group(1).encode("utf-8"), findings)
    if loaded is None:
        return None
    body = match.group(2).strip("\r\n")
    heading = _HEADING.match(body)
    if heading is not None and not loaded.get("header"):
        loaded["header"] = heading.group(1)
        body = body[heading.end() :].lstrip("\r\n")
    loaded["text"] = body
    return loaded


def _document(path: str, data: bytes, findings: list[Finding]) -> DoorstopDocument | None:
    loaded = _load(path, data, findings)
    if loaded is None:
        return None
    settings = loaded.get("settings")
    prefix = settings.get("prefix") if isinstance(settings, dict) else None
    if not isinstance(prefix, str) or not ID_PATTERN.match(prefix):
        findings.append(migrate_finding(INVALID, path, "settings has no valid prefix"))
        return None
    assert isinstance(settings, dict)
    parent = settings.get("parent")
    folder = str(PurePosixPath(path).parent)
    rest = {k: v for k, v in loaded.items() if k != "settings"}
    rest |= {f"settings.{k}": v for k, v in settings.items() if k not in {"prefix", "parent"}}
    return DoorstopDocument(
        prefix=prefix,
        parent=str(parent) if parent else None,
        folder="" if folder == "." else folder,
        settings=tuple(sorted(rest.items())),
    )


def _item(
    path: str, data: bytes, document: DoorstopDocument, findings: list[Finding]
) -> DoorstopItem | None:
    uid = PurePosixPath(path).stem
    if not ID_PATTERN.match(uid):
        findings.append(migrate_finding(INVALID, path, f"{uid!r} is not a valid item id"))
        return None
    loaded = (
        _markdown(path, data, findings) if path.endswith(".md") else _load(path, data, findings)
    )
    if loaded is None:
        return None
    links: list[str] = []
    fingerprints: dict[str, object] = {}
    raw_links = loaded.get("links") or []
    if not isinstance(raw_links, list):
        findings.append(migrate_finding(INVALID, path, "links is not a list"))
        return None
    for entry in raw_links:
        if isinstance(entry, dict) and len(entry) == 1:
            ((target, fingerprint),) = entry.items()
            fingerprints[str(target)] = fingerprint
        elif isinstance(entry, str | int):
            target = entry
        else:
            findings.append(migrate_finding(INVALID, path, f"link {entry!r} is not a UID"))
            return None
        if not ID_PATTERN.match(str(target)):
            findings.append(migrate_finding(INVALID, path, f"link {target!r} is not a valid id"))
            return None
        links.append(str(target))
    extra = {k: v for k, v in loaded.items() if k not in MAPPED}
    if fingerprints:
        extra["link-fingerprints"] = fingerprints
    return DoorstopItem(
        uid=uid,
        document=document.prefix,
        path=path,
        header=_text(loaded.get("header")),
        text=_text(loaded.get("text")),
        links=tuple(links),
        extra=tuple(sorted(extra.items())),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)

"""A Doorstop tree read into neutral records (a migration source): its documents
(folders with a ``.doorstop.yml``) and their items, every attribute that is not an
item's text, header or links kept in ``extra``."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.interchange.findings import Extra


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorstopDocument:
    prefix: str
    parent: str | None
    folder: str  # relative path of the folder holding .doorstop.yml ("" for the top)
    settings: Extra  # every other key of .doorstop.yml


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorstopItem:
    uid: str
    document: str  # the prefix of its document
    path: str
    header: str
    text: str
    links: tuple[str, ...]
    extra: Extra  # every attribute not mapped (sorted by name); link fingerprints too

    @property
    def title(self) -> str:
        """The header, else the first non-blank line of the text, else the UID."""
        for candidate in (self.header, self.text):
            for line in candidate.splitlines():
                if line.strip():
                    return line.strip()[:200]
        return self.uid


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorstopTree:
    documents: tuple[DoorstopDocument, ...]
    items: tuple[DoorstopItem, ...]

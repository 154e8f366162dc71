"""The audit-ready document set as values: documents made of sections and blocks.

:mod:`medtrace.api.documents` assembles them from the project (what each holds
scales with the safety class); :mod:`medtrace.export.documents` renders them as
Markdown, HTML, PDF and DOCX. Text in a block is Markdown written by people (an
item's body) or by medtrace; renderers sanitise it. Nothing here depends on the
clock: dates come from the git revision.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_SIGNED = "approval not electronically signed"
CURRENT = "current"  # a review record's approval, bound to the items as they are now
VALID = "valid"  # an electronic signature that verifies, on the content as it is now


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """A row of the document's signature page.

    An electronic signature (``electronic``) on an item the document shows (``item``, or
    "this document" for a signature on the document itself): ``date`` is the UTC date and
    time, ``status`` as ``check`` verifies it (``valid``, or ``void: content changed since``,
    forged, unauthorised; a document signature also names the items it does not cover).

    Or an approval recorded otherwise (a review record; 21 CFR 11.50 asks that the page say
    it is not electronically signed): ``status`` says whether it still covers what the
    document shows: ``current`` (bound to the fingerprints of ``bound`` items as they are
    now), ``void`` (an item changed since: ``detail`` says which) or ``not bound`` (the
    record holds no fingerprint of an item it reviews).
    """

    name: str  # the printed name
    role: str
    meaning: str  # authored, reviewed, approved, released...
    date: str
    record: str  # the signature or review record's id
    status: str = CURRENT
    detail: str = ""
    revision: str = ""  # the revision a review record says it reviewed
    bound: int = 0  # how many items of the document it holds a current fingerprint of
    electronic: bool = False
    item: str = ""  # the item an electronic signature is on

    @property
    def holds(self) -> bool:
        """Whether it still covers what the document shows, as the document shows it."""
        return self.status in (CURRENT, VALID)

    @property
    def shown(self) -> str:
        """The status as a document prints it (beside the meaning, in a column of its own)."""
        if self.electronic:
            return self.status
        if self.status == CURRENT:
            at = f" at {self.revision}" if self.revision else ""
            binding = f"current{at}: bound to the fingerprints of {self.bound} item(s)"
        elif self.status == "void":
            binding = f"VOID: content changed since ({self.detail})"
        else:
            binding = f"NOT BOUND to content ({self.detail})"
        return f"{binding}; {NOT_SIGNED}"

    @property
    def on(self) -> str:
        """The record, and the item an electronic signature is on."""
        return f"{self.record} on {self.item}" if self.item else self.record


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisionEntry:
    """One entry of the document's revision history (a git commit)."""

    revision: str  # short commit id
    date: str  # YYYY-MM-DD
    author: str
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentControl:
    """The document control block every document starts with."""

    document_id: str  # e.g. "SRS" or "InsuPump-SRS"
    title: str
    revision: str  # the git revision (short commit) the document was built from
    date: str  # the commit date, YYYY-MM-DD
    author: str  # the authors as one line (or the issuing organisation outside git)
    approvals: tuple[Signature, ...] = ()
    history: tuple[RevisionEntry, ...] = ()  # the commits that changed its content
    authors: tuple[str, ...] = ()  # git authors of its content, most commits first
    label: str = ""  # the revision label: a release version, or "0.N (commit)"

    @property
    def revision_label(self) -> str:
        return self.label or self.revision


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph:
    text: str  # Markdown


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # plain text cells; an item id cell links to the item
    caption: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemBlock:
    """One item: its id, title, fields, body (Markdown) and links both ways."""

    id: str
    kind: str
    title: str
    fields: tuple[tuple[str, str], ...]  # (name, value as text)
    body: str
    links_out: tuple[tuple[str, str], ...] = ()  # (link type, target id)
    links_in: tuple[tuple[str, str], ...] = ()  # (reverse name, source id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """Content the standard asks for that the project does not have: shown, never hidden."""

    message: str
    clause: str = ""


Block = Paragraph | Table | ItemBlock | Gap


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()  # subsections


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One deliverable (SDP, SRS, SAD, SDD, test plan and report, RMF, SOUP list, release
    notes, trace matrix...). ``slug`` names its files (``srs.html``, ``srs.pdf``)."""

    slug: str
    control: DocumentControl
    purpose: str
    clauses: tuple[str, ...]  # the IEC 62304 clauses it answers
    sections: tuple[Section, ...]

    @property
    def gaps(self) -> tuple[Gap, ...]:
        found: list[Gap] = []

        def walk(sections: tuple[Section, ...]) -> None:
            for section in sections:
                found.extend(b for b in section.blocks if isinstance(b, Gap))
                walk(section.sections)

        walk(self.sections)
        return tuple(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentSet:
    project: str
    safety_class: str  # A, B or C (the project's); I or II under the Edition 2 draft
    revision: str
    date: str
    documents: tuple[Document, ...]
    level_title: str = "Software safety class"  # "Rigor level" under the Edition 2 draft

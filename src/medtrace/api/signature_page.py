"""A document's signature page: who signed or approved what it shows, and whether that
still holds (21 CFR 11.50 for the electronic signatures, IEC 62304 evidence binding for
the approvals recorded otherwise).

First the electronic signatures on the document itself and on the items it shows, as
``check`` verifies them now (valid, or void once an item changed); then the review
records that review one of its items, each current, void or not bound as the review
rules find it (:func:`medtrace.graph.evidence.record_pins`), and said to be approvals not
electronically signed. Every renderer prints these rows as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from medtrace.api.document_control import SHORT
from medtrace.api.signature_view import row_of
from medtrace.export.documents import content
from medtrace.graph.evidence import Binding, record_pins
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.signatures import SignatureIndex
from medtrace.model import Item
from medtrace.model.documents import CURRENT, Signature
from medtrace.model.signature import SignatureVerdict

THIS_DOCUMENT = "this document"


def signature_page(
    reviews: Sequence[Item],
    index: SignatureIndex,
    slug: str,
    shown: set[str],
    fingerprints: Fingerprints,
) -> tuple[Signature, ...]:
    """The rows of document ``slug``'s signature page (``shown``: the ids of its items):
    its electronic signatures oldest first, then its review records by date."""
    signed = [_of_document(checked.verdict, shown) for checked in index.of_document(slug)]
    signed += [
        _electronic(checked.verdict) for item_id in sorted(shown) for checked in index.of(item_id)
    ]
    approvals = [
        _approval(record, shown.intersection(record.targets("reviews")), fingerprints)
        for record in reviews
        if shown.intersection(record.targets("reviews"))
    ]
    by_time = sorted(signed, key=lambda s: (s.date, s.record))
    return (*by_time, *sorted(approvals, key=lambda s: (s.date, s.record)))


def _electronic(verdict: SignatureVerdict, *, note: str = "", item: str = "") -> Signature:
    row = row_of(verdict)
    return Signature(
        name=row.name,
        role=row.role,
        meaning=row.meaning,
        date=row.when,
        record=row.record,
        status=row.status + note,
        electronic=True,
        item=item or row.item,
    )


def _of_document(verdict: SignatureVerdict, shown: set[str]) -> Signature:
    """A signature on the document: it covers the items the document showed then; one the
    document shows now besides is not covered, and the status says so."""
    added = sorted(shown - set(verdict.item.split(",")))
    note = f"; not covering {', '.join(added)} (added since)" if added else ""
    return _electronic(verdict, note=note, item=THIS_DOCUMENT)


def _approval(record: Item, covered: set[str], fingerprints: Fingerprints) -> Signature:
    """A review record that reviews the ``covered`` items of the document, with whether it
    is still bound to them as they are now."""
    pins = [p for p in record_pins(record, fingerprints) if p.target in covered]
    bad = [p for p in pins if p.binding is not Binding.CURRENT]
    void = [p for p in bad if p.binding is Binding.VOID]
    status = "void" if void else "not bound" if bad else CURRENT
    detail = "; ".join(
        f"{p.target} {p.recorded} now {p.current}" if p.recorded else f"{p.target} unbound"
        for p in (void or bad)[:3]
    )
    return Signature(
        name=content.field_text(record, "reviewer"),
        role=content.field_text(record, "role"),
        meaning=content.field_text(record, "meaning", "reviewed"),
        date=content.field_text(record, "date"),
        record=record.id,
        status=status,
        detail=detail,
        revision=_short(content.field_text(record, "revision")),
        bound=len(pins) - len(bad),
    )


def _short(revision: str) -> str:
    """A full commit id shortened as the documents show commits; any other name as it is."""
    full = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision[:SHORT] if full else revision


__all__ = ["THIS_DOCUMENT", "signature_page"]

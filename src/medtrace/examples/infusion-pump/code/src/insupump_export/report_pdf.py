"""Minimal PDF 1.4 writer for the summary report, part of the report exporter (SWU-018).

Writes text lines and straight vector lines on A4 pages with the standard Helvetica font,
so that no PDF library is needed. Every report ends with the note "Verify therapy settings
on the pump before changing them".
"""

from __future__ import annotations

from collections.abc import Sequence

# implements: SRS-056
# implements: SRS-067

VERIFY_NOTE = "Verify therapy settings on the pump before changing them"
PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, LEADING, FONT_SIZE = 50, 16, 11
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING - 2


def _escape(line: str) -> str:
    latin = line.encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(lines: Sequence[str]) -> bytes:
    y = PAGE_HEIGHT - MARGIN
    parts = [f"{MARGIN} {y - 6} m {PAGE_WIDTH - MARGIN} {y - 6} l S"]  # header rule
    parts.append(f"BT /F1 {FONT_SIZE} Tf {MARGIN} {y - 24} Td {LEADING} TL")
    parts += [f"({_escape(line)}) '" for line in lines]
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def write_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A PDF document with ``title``, ``lines`` and the verification note."""
    body = [title, "", *lines, "", VERIFY_NOTE]
    pages = [body[i : i + LINES_PER_PAGE] for i in range(0, len(body), LINES_PER_PAGE)]
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for page_id, page_lines in zip(page_ids, pages, strict=True):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        stream = _page_stream(page_lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)

"""PDF rendering of one document of the set, through Typst (the ``typst`` wheel).

Each document is compiled in a fresh temporary folder that is Typst's whole world:
the built-in templates (``templates/document.typ`` and the layout library
``templates/medtrace.typ``), the files of the project's ``[docs] templates`` folder
over them (regular files only, symbolic links skipped, so that a ``document.typ``
there replaces the built-in layout), and ``data.json``, the document as data
(:mod:`.pdf_data`). Typst cannot read a file outside that folder, so neither a
template nor an item body can reach the project or the system; item text is data,
never markup.

Fonts are the ones inside the wheel (system fonts are ignored) and the creation date
is the revision's, so one revision gives the same bytes on every machine. The PDF
conforms to PDF/A-2b.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import typst

from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.documents.pdf_data import document_data
from medtrace.model.documents import Document, DocumentSet

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENTRY = "document.typ"
LIBRARY = "medtrace.typ"
DATA = "data.json"
PDF_STANDARD: Final = "a-2b"
NO_DATE = datetime(1980, 1, 1, tzinfo=UTC)  # an uncommitted project: still a fixed date


def creation_date(date: str) -> datetime:
    """The PDF's creation date: the revision's date (``YYYY-MM-DD``) at midnight UTC."""
    try:
        return datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return NO_DATE


def _copy_templates(source: Path, root: Path) -> None:
    """The regular files of ``source`` and its subfolders into ``root`` (links skipped:
    a link could point outside the folder Typst is confined to)."""
    for folder, names, files in os.walk(source, followlinks=False):
        here = Path(folder)
        names[:] = sorted(n for n in names if not (here / n).is_symlink())
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def pdf_data(document_set: DocumentSet, document: Document) -> bytes:
    """``data.json`` of ``document``: what its Typst template receives (UTF-8 JSON)."""
    return json.dumps(document_data(document_set, document), ensure_ascii=False).encode("utf-8")


def typst_root(root: Path, data: bytes, templates: Path | None = None) -> Path:
    """Fill ``root`` with what Typst compiles (templates and ``data.json``); the entry file."""
    for name in (ENTRY, LIBRARY):
        shutil.copyfile(TEMPLATES / name, root / name)
    if templates is not None and templates.is_dir():
        _copy_templates(templates, root)
    (root / DATA).write_bytes(data)
    return root / ENTRY


_LOCATION = re.compile(r"┌─ (\S+?):(\d+):\d+")


def _template_error(error: typst.TypstError, root: Path, templates: Path | None) -> MedtraceError:
    """The error of a template: a project's file with its line, or the built-in layout
    (paths inside the temporary folder are given relative to it)."""
    message = error.message.replace(f"{root}{os.sep}", "").replace(str(root), ".")
    found = _LOCATION.search(error.diagnostic or "")
    name, line = ENTRY, ""
    if found:
        path = Path(os.path.abspath(found.group(1)))
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        line = found.group(2)
    if templates is not None and (templates / name).is_file():
        where = f"{templates / name}:{line}" if line else str(templates / name)
        return ProjectError(f"{where}: {message}")
    if templates is not None and (templates / ENTRY).is_file():
        return ProjectError(f"{templates / ENTRY}: {message}")
    return MedtraceError(f"the built-in PDF layout failed ({name}:{line}): {message}")


def compile_pdf(data: bytes, date: str, templates: Path | None = None) -> bytes:
    """The PDF/A-2b of a document given as ``data.json`` (see :func:`pdf_data`), created on
    the revision's ``date``."""
    with tempfile.TemporaryDirectory(prefix="medtrace-pdf-") as folder:
        root = Path(folder)
        entry = typst_root(root, data, templates)
        nothing = str(root / ".no-packages")
        compiler = typst.Compiler(
            root=str(root),
            font_paths=[],
            ignore_system_fonts=True,
            package_path=nothing,
            package_cache_path=nothing,
        )
        try:
            result = compiler.compile(
                input=str(entry),
                format="pdf",
                pdf_standards=PDF_STANDARD,
                timestamp=creation_date(date),
                pdf_tags=False,
            )
        except typst.TypstError as error:
            raise _template_error(error, root.resolve(), templates) from None
    assert isinstance(result, bytes)
    return result


def render_pdf(
    document_set: DocumentSet, document: Document, templates: Path | None = None
) -> bytes:
    """The PDF/A-2b of ``document``: title page with the document control table, contents,
    numbered sections, revision history and signature page; header and "Page N of M" on
    every page."""
    return compile_pdf(pdf_data(document_set, document), document.control.date, templates)


__all__ = ["compile_pdf", "creation_date", "pdf_data", "render_pdf", "typst_root"]

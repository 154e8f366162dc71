"""The PDF and DOCX files of a document set, rendered in worker processes.

Typst's memory grows with the pages and internal links of one document (the
10,000-item SRS of the benchmark peaks at about 2.4 GB), so PDF jobs are started
largest first and only while the estimated memory of the PDFs in flight stays within
:data:`PDF_MEMORY_BUDGET`; a job larger than the budget runs alone. DOCX jobs are
small and fill the other workers. The document's ``data.json`` is made in the calling
process (it needs the whole set for links between documents) and sent to the worker.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from medtrace.export.documents.pdf import pdf_data
from medtrace.model.documents import DocumentSet

PDF_MEMORY_BUDGET = 2_600_000_000  # bytes of the PDFs compiled at once, estimated
PDF_MEMORY_BASE = 80_000_000  # a worker with Typst loaded
PDF_MEMORY_PER_BYTE = 560  # resident bytes per byte of data.json (measured: SRS, 4.3 MB)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One file to render: ``extension`` pdf (``data`` holds its data.json) or docx."""

    extension: str
    slug: str
    data: bytes = b""

    @property
    def memory(self) -> int:
        """The estimated peak memory of the job (DOCX jobs count as none)."""
        return PDF_MEMORY_BASE + PDF_MEMORY_PER_BYTE * len(self.data) if self.data else 0


_Setting = tuple[DocumentSet, Path | None, Path | None]
_SETTING: list[_Setting] = []


def _start_worker(setting: _Setting) -> None:
    _SETTING[:] = [setting]


def _render(job: Job) -> bytes:
    """One document in one binary format (in a worker process)."""
    document_set, templates, reference = _SETTING[0]
    document = next(d for d in document_set.documents if d.slug == job.slug)
    if job.extension == "pdf":
        from medtrace.export.documents.pdf import compile_pdf

        return compile_pdf(job.data, document.control.date, templates)
    from medtrace.export.documents.docx import render_docx

    return render_docx(document_set, document, reference)


def jobs(document_set: DocumentSet, formats: Sequence[str]) -> list[Job]:
    """The jobs of ``formats`` (pdf, docx), PDFs first, the largest first."""
    pdfs = [
        Job(extension="pdf", slug=d.slug, data=pdf_data(document_set, d))
        for d in document_set.documents
        if "pdf" in formats
    ]
    pdfs.sort(key=lambda job: -len(job.data))
    docx = [Job(extension="docx", slug=d.slug) for d in document_set.documents]
    return pdfs + (docx if "docx" in formats else [])


def render_all(
    document_set: DocumentSet,
    formats: Sequence[str],
    templates: Path | None,
    reference: Path | None,
) -> dict[tuple[str, str], bytes]:
    """(extension, slug) -> the file's bytes, for every document in the binary ``formats``."""
    todo = jobs(document_set, formats)
    setting = (document_set, templates, reference)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers <= 1:
        _start_worker(setting)
        return {(job.extension, job.slug): _render(job) for job in todo}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, _start_worker, (setting,)) as pool:
        return _run(pool, todo, workers)


def _run(pool: ProcessPoolExecutor, todo: list[Job], workers: int) -> dict[tuple[str, str], bytes]:
    """Submit jobs in order while a worker is free and the PDFs in flight fit the budget."""
    results: dict[tuple[str, str], bytes] = {}
    running: dict[Future[bytes], Job] = {}
    pending = list(todo)
    while pending or running:
        while pending and len(running) < workers:
            in_flight = sum(job.memory for job in running.values())
            choice = next(
                (j for j in pending if not running or in_flight + j.memory <= PDF_MEMORY_BUDGET),
                None,
            )
            if choice is None:
                break
            pending.remove(choice)
            running[pool.submit(_render, choice)] = choice
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            job = running.pop(future)
            results[(job.extension, job.slug)] = future.result()
    return results


__all__ = ["PDF_MEMORY_BUDGET", "Job", "jobs", "render_all"]

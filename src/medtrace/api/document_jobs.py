"""The PDF and DOCX files of a document set, rendered in worker processes.

Typst's memory grows with the pages and internal links of one document (the SRS of
the 10,000-item benchmark peaks at about 2.4 GB) and stays with the process (its
caches live as long as the process), so the jobs are cut into batches, each run by a
fresh worker process: a large PDF alone, small ones together up to
:data:`BATCH_MEMORY`. Batches start largest first, and only while the estimated
memory of the batches in flight stays within :data:`MEMORY_BUDGET` (a batch larger
than the budget runs alone). A PDF's ``data.json`` is made in the calling process (it
needs the whole set for links between documents); a DOCX job carries only its own
document.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from medtrace.export.documents import item_blocks
from medtrace.export.documents.pdf import pdf_data
from medtrace.model.documents import Document, DocumentSet, Section, Table

MEMORY_BUDGET = 2_750_000_000  # bytes the batches in flight may hold, estimated
BATCH_MEMORY = 600_000_000  # small jobs share a worker up to this estimate
WORKER_MEMORY = 60_000_000  # a worker process with the renderers loaded
DOCX_PER_BLOCK = 20_000  # resident bytes per item or table row (measured: the SRS)


def pdf_memory(size: int) -> int:
    """The estimated peak memory of compiling a PDF from ``size`` bytes of data.json: it
    grows faster than the data (measured at 10,000 items: 0.3 GB for 0.7 MB, 1.0 GB for
    2.6 MB, 2.45 GB for the SRS's 4.3 MB)."""
    return 100_000_000 + 300 * size + size * size * 6 // 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One file to render: a PDF from its ``data`` (data.json) and ``templates``, or a DOCX
    of the only document of ``part`` (the set's project and class with that document)."""

    extension: str
    slug: str
    memory: int  # the estimated peak memory of rendering it
    date: str = ""
    data: bytes = b""
    templates: Path | None = None
    part: DocumentSet | None = None
    reference: Path | None = None


Key = tuple[str, str]  # (extension, slug)


def render(job: Job) -> bytes:
    """The file of one job."""
    if job.extension == "pdf":
        from medtrace.export.documents.pdf import compile_pdf

        return compile_pdf(job.data, job.date, job.templates)
    from medtrace.export.documents.docx import render_docx

    assert job.part is not None
    return render_docx(job.part, job.part.documents[0], job.reference)


def render_batch(batch: tuple[Job, ...]) -> list[tuple[Key, bytes]]:
    """The files of a batch, one after the other (in one worker process)."""
    return [((job.extension, job.slug), render(job)) for job in batch]


def _blocks(sections: tuple[Section, ...]) -> int:
    rows = sum(
        len(block.rows)
        for section in _walk(sections)
        for block in section.blocks
        if isinstance(block, Table)
    )
    return rows + sum(1 for _ in item_blocks(sections))


def _walk(sections: tuple[Section, ...]) -> Iterator[Section]:
    for section in sections:
        yield section
        yield from _walk(section.sections)


def jobs(
    document_set: DocumentSet,
    formats: Sequence[str],
    templates: Path | None = None,
    reference: Path | None = None,
) -> list[Job]:
    """The jobs of ``formats`` (pdf, docx), the largest first."""
    found: list[Job] = []
    for document in document_set.documents:
        if "pdf" in formats:
            data = pdf_data(document_set, document)
            found.append(
                Job(extension="pdf", slug=document.slug, memory=pdf_memory(len(data)),
                    date=document.control.date, data=data, templates=templates)
            )  # fmt: skip
        if "docx" in formats:
            found.append(_docx_job(document_set, document, reference))
    return sorted(found, key=lambda job: -job.memory)


def _docx_job(document_set: DocumentSet, document: Document, reference: Path | None) -> Job:
    return Job(
        extension="docx",
        slug=document.slug,
        memory=DOCX_PER_BLOCK * _blocks(document.sections),
        part=replace(document_set, documents=(document,)),
        reference=reference,
    )


def batches(todo: Sequence[Job]) -> list[tuple[Job, ...]]:
    """``todo`` (largest first) cut into batches of at most :data:`BATCH_MEMORY` (a
    larger job is a batch of its own)."""
    cut: list[list[Job]] = []
    for job in todo:
        if cut and sum(j.memory for j in cut[-1]) + job.memory <= BATCH_MEMORY:
            cut[-1].append(job)
        else:
            cut.append([job])
    return [tuple(batch) for batch in cut]


def _memory(batch: tuple[Job, ...]) -> int:
    return WORKER_MEMORY + sum(job.memory for job in batch)


def render_all(
    document_set: DocumentSet,
    formats: Sequence[str],
    templates: Path | None,
    reference: Path | None,
) -> dict[Key, bytes]:
    """(extension, slug) -> the file's bytes, for every document in the binary ``formats``."""
    todo = batches(jobs(document_set, formats, templates, reference))
    workers = min(len(todo), os.cpu_count() or 1)
    if workers <= 1:
        return {key: data for batch in todo for key, data in render_batch(batch)}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, max_tasks_per_child=1) as pool:
        return _run(pool, todo, workers)


def _run(pool: ProcessPoolExecutor, todo: list[tuple[Job, ...]], workers: int) -> dict[Key, bytes]:
    """Submit batches in order while a worker is free and the batches in flight fit."""
    results: dict[Key, bytes] = {}
    running: dict[Future[list[tuple[Key, bytes]]], int] = {}
    pending = list(todo)
    while pending or running:
        while pending and len(running) < workers:
            held = sum(running.values())
            choice = next(
                (b for b in pending if not running or held + _memory(b) <= MEMORY_BUDGET), None
            )
            if choice is None:
                break
            pending.remove(choice)
            running[pool.submit(render_batch, choice)] = _memory(choice)
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            del running[future]
            results.update(future.result())
    return results


__all__ = ["MEMORY_BUDGET", "Job", "batches", "jobs", "render_all", "render_batch"]

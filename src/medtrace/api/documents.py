"""``medtrace docs build``: the audit-ready document set, assembled and written.

:func:`assemble` loads the project once and builds one :class:`Document` per
deliverable the project's safety class calls for (a deliverable is produced when
any of its clauses applies at the class: no architecture or detailed design at
Class A). Each document carries a control block whose revision and date come from
git (the commit of ``HEAD``, never the clock), its approvals from review records
that review items the document shows, and its history from ``git log``.

:func:`build_documents` renders the set (HTML, Markdown; PDF and DOCX through
their own renderers) into one folder, each file written atomically.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.check import CheckOptions, check_project
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.documents import content, reports
from medtrace.export.documents.html import render_site
from medtrace.export.documents.markdown import render_index_markdown, render_markdown
from medtrace.graph import TraceGraph
from medtrace.graph.risk import risk_file
from medtrace.graph.verification import ResultIndex, verification_status
from medtrace.model import Item, Project
from medtrace.model.documents import (
    Document,
    DocumentControl,
    DocumentSet,
    ItemBlock,
    RevisionEntry,
    Section,
    Signature,
)
from medtrace.model.results import RUNS_FOLDER
from medtrace.standard.classes import compute_classes
from medtrace.standard.engine import VERIFIED_KINDS
from medtrace.standard.matrix import compliance_matrix
from medtrace.store.containment import inside
from medtrace.store.files import write_atomic, write_files
from medtrace.store.git import GitError, GitRepository
from medtrace.store.runs import load_runs

FORMATS = ("html", "md", "pdf", "docx")
HISTORY_LENGTH = 20
UNCOMMITTED = "uncommitted"
_SHORT = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Deliverable:
    slug: str
    code: str  # the document id's suffix: SRS, SAD...
    title: str
    purpose: str
    clauses: tuple[str, ...]
    build: Callable[[content.Sources], tuple[Section, ...]]


DELIVERABLES = (
    Deliverable(slug="sdp", code="SDP", title="Software development plan",
                purpose="How the software is developed, maintained and classified.",
                clauses=("4.3", "5.1", "6.1"), build=content.sdp),
    Deliverable(slug="srs", code="SRS", title="Software requirements specification",
                purpose="The software requirements and the system requirements they come from.",
                clauses=("5.2",), build=content.srs),
    Deliverable(slug="sad", code="SAD", title="Software architecture design",
                purpose="The software items, their decomposition, interfaces and SOUP.",
                clauses=("5.3",), build=content.sad),
    Deliverable(slug="sdd", code="SDD", title="Software detailed design",
                purpose="The software units and their detailed design.",
                clauses=("5.4",), build=content.sdd),
    Deliverable(slug="test-plan", code="STP", title="Software test plan",
                purpose="The test cases of each level and what they verify.",
                clauses=("5.5", "5.6", "5.7"), build=reports.test_plan),
    Deliverable(slug="test-report", code="STR", title="Software test report",
                purpose="The latest results of the tests and the verification status.",
                clauses=("5.5.5", "5.6.7", "5.7.5"), build=reports.test_report),
    Deliverable(slug="rmf", code="RMF", title="Software risk management file",
                purpose="Hazards, hazardous situations, risk controls and residual risk.",
                clauses=("4.2", "7"), build=reports.rmf),
    Deliverable(slug="soup", code="SOUP", title="SOUP list",
                purpose="Software of unknown provenance: versions, makers, evaluations.",
                clauses=("8.1.2", "7.1.3"), build=reports.soup_list),
    Deliverable(slug="release-notes", code="REL", title="Release notes",
                purpose="Releases, known residual anomalies, changes and approvals.",
                clauses=("5.8", "6.2", "8.2", "9"), build=reports.release_notes),
    Deliverable(slug="trace-matrix", code="TRM", title="Trace matrix",
                purpose="What each requirement, situation and control traces to.",
                clauses=("7.3.3", "5.1.1"), build=reports.trace_matrix),
    Deliverable(slug="compliance-matrix", code="CMX", title="Compliance matrix",
                purpose="Each IEC 62304 clause at the project's class and its status.",
                clauses=("4", "5", "6", "7", "8", "9"), build=reports.compliance),
)  # fmt: skip
SLUGS = tuple(d.slug for d in DELIVERABLES)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """Where the set went, the files written (sorted), how many gaps it shows and how
    many documents it holds."""

    output: Path
    files: tuple[Path, ...]
    gaps: int
    documents: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Revision:
    revision: str
    date: str
    history: tuple[RevisionEntry, ...] = ()


def assemble(start: Path, options: LoadOptions | None = None) -> DocumentSet:
    """The document set of the project at or above ``start``, as it is in its files."""
    options = options or LoadOptions()
    return _assemble(start, load_project(start, options), options)


def _assemble(start: Path, project: Project, options: LoadOptions) -> DocumentSet:
    graph = TraceGraph(project.items, project.config.schema)
    classes = compute_classes(graph)
    root = Path(project.root)
    runs, unreadable = load_runs(root, root / RUNS_FOLDER)
    if unreadable:
        first = unreadable[0]
        raise ProjectError(f"{first.location}: {first.message}")
    known = [item.id for kind in VERIFIED_KINDS for item in graph.of_kind(kind)]
    results = ResultIndex.build(runs, known)
    findings = check_project(start, CheckOptions(load=options)).findings
    produced = [d for d in DELIVERABLES if content.applies(d.clauses, classes.project)]
    homes = {d.slug for d in produced}
    sources = content.Sources(
        graph=graph,
        classes=classes,
        project_class=classes.project,
        results=results,
        requirements=verification_status(graph, results, ("software-requirement",)),
        units=verification_status(graph, results, ("software-unit",)),
        risk=risk_file(graph, project.config.risk, results),
        matrix=compliance_matrix(graph, project.config, findings),
        placed=frozenset(kind for kind, home in content.HOME.items() if home in homes),
    )
    revision = _revision(root, project)
    prefix = project_prefix(project.config.name)
    author = project.config.docs.organisation or project.config.name
    reviews = graph.of_kind("review-record")
    documents = []
    for deliverable in produced:
        sections = deliverable.build(sources)
        control = DocumentControl(
            document_id=f"{prefix}-{deliverable.code}",
            title=deliverable.title,
            revision=revision.revision,
            date=revision.date,
            author=author,
            approvals=_signatures(reviews, set(_shown(sections))),
            history=revision.history,
        )
        documents.append(
            Document(
                slug=deliverable.slug,
                control=control,
                purpose=deliverable.purpose,
                clauses=deliverable.clauses,
                sections=sections,
            )
        )
    return DocumentSet(
        project=project.config.name,
        safety_class=classes.project.value,
        revision=revision.revision,
        date=revision.date,
        documents=tuple(documents),
    )


def build_documents(
    start: Path,
    output: Path | None = None,
    formats: Sequence[str] = ("html", "md"),
    *,
    on_wait: OnWait | None = None,
) -> BuildReport:
    """Assemble the set and write it in ``formats`` to ``output`` (default: ``[docs] output``
    under the project root). Files of documents no longer produced are removed."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise MedtraceError(f"unknown document format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    with project_writer(start, on_wait=on_wait):
        project = load_project(start)
        root = Path(project.root)
        target = output if output is not None else root / project.config.docs.output
        document_set = _assemble(start, project, LoadOptions())
        files: dict[Path, bytes] = {}
        if "html" in formats:
            templates = _templates(root, project.config.docs.templates)
            for name, data in render_site(document_set, templates).items():
                files[target / name] = data
        if "md" in formats:
            files[target / "index.md"] = render_index_markdown(document_set).encode("utf-8")
            for document in document_set.documents:
                files[target / f"{document.slug}.md"] = render_markdown(
                    document_set, document
                ).encode("utf-8")
        write_files(sorted(files.items()))
        written = list(files)
        written += _render_binary(document_set, target, formats, root, project)
        _remove_stale(target, document_set, formats)
        gaps = sum(len(d.gaps) for d in document_set.documents)
        return BuildReport(
            output=target,
            files=tuple(sorted(written)),
            gaps=gaps,
            documents=len(document_set.documents),
        )


def _render_binary(
    document_set: DocumentSet, target: Path, formats: Sequence[str], root: Path, project: Project
) -> list[Path]:
    """PDF and DOCX of every document, in worker processes when there are several (their
    renderers pull in WeasyPrint and python-docx, so they are imported only when asked for)."""
    docs = project.config.docs
    templates = _templates(root, docs.templates)
    reference = root / docs.reference_docx if docs.reference_docx else None
    jobs = [
        (extension, document.slug)
        for extension in ("pdf", "docx")
        if extension in formats
        for document in document_set.documents
    ]
    if not jobs:
        return []
    setting = (document_set, templates, reference)
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, context, _start_renderer, (setting,)) as pool:
            results = list(pool.map(_render_job, jobs))
    else:
        _start_renderer(setting)
        results = [_render_job(job) for job in jobs]
    written = []
    for (extension, slug), data in zip(jobs, results, strict=True):
        path = target / f"{slug}.{extension}"
        write_atomic(path, data)
        written.append(path)
    return written


_RendererSetting = tuple[DocumentSet, Path | None, Path | None]
_SETTING: list[_RendererSetting] = []


def _start_renderer(setting: _RendererSetting) -> None:
    _SETTING[:] = [setting]


def _render_job(job: tuple[str, str]) -> bytes:
    """One document in one binary format (in a worker process)."""
    extension, slug = job
    document_set, templates, reference = _SETTING[0]
    document = next(d for d in document_set.documents if d.slug == slug)
    if extension == "pdf":
        from medtrace.export.documents.pdf import render_pdf

        return render_pdf(document_set, document, templates)
    from medtrace.export.documents.docx import render_docx

    return render_docx(document_set, document, reference)


def _remove_stale(target: Path, document_set: DocumentSet, formats: Sequence[str]) -> None:
    """Remove the files of deliverables this set does not hold (from an earlier build at
    another class): only medtrace's own file names, never anything else in the folder."""
    present = {d.slug for d in document_set.documents}
    for slug in SLUGS:
        if slug in present:
            continue
        for extension in formats:
            (target / f"{slug}.{extension}").unlink(missing_ok=True)


def _templates(root: Path, folder: str) -> Path | None:
    """The project's template folder, when ``[docs] templates`` names one."""
    if not folder:
        return None
    path = root / folder
    if not path.is_dir():
        raise ProjectError(f"{path}: [docs] templates is not a folder")
    for template in sorted(path.rglob("*")):
        inside(root, template, "[docs] templates")
    return path


def project_prefix(name: str) -> str:
    """A short, stable document id prefix: the initials of a name of several words
    (``InsuPump controller software`` -> ``ICS``), or the one word upper-cased."""
    words: list[str] = re.findall(r"[A-Za-z0-9]+", name)
    if not words:
        return "DOC"
    if len(words) == 1:
        return words[0][:16].upper()
    return "".join(word[0] for word in words).upper()


def _shown(sections: Sequence[Section]) -> Iterator[str]:
    for entry in sections:
        for block in entry.blocks:
            if isinstance(block, ItemBlock):
                yield block.id
        yield from _shown(entry.sections)


def _signatures(reviews: Sequence[Item], shown: set[str]) -> tuple[Signature, ...]:
    """Review records that review (``reviews`` links) at least one item the document shows."""
    found = [
        Signature(
            name=content.field_text(record, "reviewer"),
            role=content.field_text(record, "role"),
            meaning=content.field_text(record, "meaning", "reviewed"),
            date=content.field_text(record, "date"),
            record=record.id,
        )
        for record in reviews
        if shown.intersection(record.targets("reviews"))
    ]
    return tuple(sorted(found, key=lambda s: (s.date, s.record)))


def _revision(root: Path, project: Project) -> Revision:
    """The commit of ``HEAD`` (``+modified`` when item files differ from it), its date,
    and the last commits that touched the project folder."""
    try:
        repo = GitRepository.containing(root)
        if not repo.has_commits():
            return Revision(revision=UNCOMMITTED, date="")
        head = repo.rev_parse("HEAD")
        folder = root.resolve().relative_to(repo.top).as_posix()
        folder = "" if folder == "." else folder
        log = repo.run(
            "log", f"-n{HISTORY_LENGTH}", "--format=%H%x00%cs%x00%an%x00%s", head, "--",
            folder or ".",
        ).decode("utf-8", "replace")  # fmt: skip
        dirty = _modified(repo, folder, project)
    except GitError:
        return Revision(revision=UNCOMMITTED, date="")
    history = []
    for line in log.splitlines():
        commit, date, author, subject = [*line.split("\0"), "", "", ""][:4]
        history.append(
            RevisionEntry(revision=commit[:_SHORT], date=date, author=author, summary=subject)
        )
    date = repo.commit_date(head)[:10]
    return Revision(
        revision=head[:_SHORT] + ("+modified" if dirty else ""),
        date=date,
        history=tuple(history),
    )


def _modified(repo: GitRepository, folder: str, project: Project) -> bool:
    """Whether an item file or medtrace.toml differs from ``HEAD`` (built output and
    caches in the folder do not count)."""
    prefix = f"{folder}/" if folder else ""
    relevant = {f"{prefix}{item.source.path}" for item in project.items}
    relevant.add(f"{prefix}medtrace.toml")
    return any(path in relevant for path in repo.uncommitted(folder))


__all__ = [
    "DELIVERABLES",
    "FORMATS",
    "BuildReport",
    "assemble",
    "build_documents",
    "project_prefix",
]

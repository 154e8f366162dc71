"""``medtrace docs build``: the audit-ready document set, assembled and written.

:func:`assemble` loads the project once and builds one :class:`Document` per
deliverable the project's safety class calls for (a deliverable is produced when
any of its clauses applies at the class: no architecture or detailed design at
Class A). Each document carries a control block whose revision and date come from
git (the commit of ``HEAD``, never the clock), its signature page from the
electronic signatures on the items the document shows (each valid or void as
``check`` finds it) and the review records that review them (approvals not
electronically signed), and its history from ``git log``.

:func:`build_documents` renders the set (HTML, Markdown; PDF and DOCX through
their own renderers) into one folder, each file written atomically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from medtrace.api.check import CheckOptions, check_project
from medtrace.api.code import project_fingerprints
from medtrace.api.document_control import author_text, control, project_log
from medtrace.api.document_jobs import render_all
from medtrace.api.load import LoadOptions, load_project
from medtrace.api.signature_page import signature_page
from medtrace.api.signature_view import signature_index
from medtrace.api.writing import OnWait, project_writer
from medtrace.errors import MedtraceError, ProjectError
from medtrace.export.documents import (
    ai_security,
    content,
    reports,
    requirements,
    risk_management,
)
from medtrace.export.documents.html import render_site
from medtrace.export.documents.markdown import render_index_markdown, render_markdown
from medtrace.graph import TraceGraph
from medtrace.graph.risk import risk_file
from medtrace.graph.verification import ResultIndex, verification_status
from medtrace.model import CONFIG_FILE, Project
from medtrace.model.documents import (
    Document,
    DocumentControl,
    DocumentSet,
    ItemBlock,
    Section,
)
from medtrace.model.finding import Severity
from medtrace.model.results import RUNS_FOLDER
from medtrace.model.review import REVIEWS_FILE
from medtrace.standard.classes import RIGOR_OF, compute_classes, level_label
from medtrace.standard.context import ED2_DRAFT
from medtrace.standard.engine import VERIFIED_KINDS
from medtrace.standard.matrix import compliance_matrix
from medtrace.store.containment import inside
from medtrace.store.files import write_atomic, write_files
from medtrace.store.runs import load_runs

FORMATS = ("html", "md", "pdf", "docx")


@dataclass(frozen=True, slots=True, kw_only=True)
class Deliverable:
    slug: str
    code: str  # the document id's suffix: SRS, SAD...
    title: str
    purpose: str
    clauses: tuple[str, ...]
    build: Callable[[content.Sources], tuple[Section, ...]]
    wanted: Callable[[TraceGraph], bool] = lambda graph: True


DELIVERABLES = (
    Deliverable(slug="sdp", code="SDP", title="Software development plan",
                purpose="How the software is developed, maintained and classified.",
                clauses=("4.3", "5.1", "6.1"), build=content.sdp),
    Deliverable(slug="srs", code="SRS", title="Software requirements specification",
                purpose="The software requirements and the system requirements they come from.",
                clauses=("5.2",), build=requirements.srs),
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
                clauses=("4.2", "7"), build=risk_management.rmf),
    Deliverable(slug="soup", code="SOUP", title="SOUP list",
                purpose="Software of unknown provenance: versions, makers, evaluations.",
                clauses=("8.1.2", "7.1.3"), build=reports.soup_list),
    Deliverable(slug="release-notes", code="REL", title="Release notes",
                purpose="Releases, known residual anomalies, changes and approvals.",
                clauses=("5.8", "6.2", "8.2", "9"), build=reports.release_notes),
    Deliverable(slug="trace-matrix", code="TRM", title="Trace matrix",
                purpose="What each requirement, situation and control traces to.",
                clauses=("7.3.3", "5.1.1"), build=reports.trace_matrix),
    Deliverable(slug="ai", code="AIM", title="AI model file",
                purpose="Data management, model description, performance evaluation and PCCP.",
                clauses=("5.1.1", "5.7.1", "8.1.1", "8.2.1"), build=ai_security.ai_file,
                wanted=ai_security.has_ai),
    Deliverable(slug="cybersecurity", code="CYB", title="Cybersecurity report",
                purpose="Threat model, security controls and their verification, SBOM and "
                "vulnerability assessment.",
                clauses=("4.2", "5.2.2", "7.1.3", "8.1.2"), build=ai_security.cybersecurity),
    Deliverable(slug="compliance-matrix", code="CMX", title="Compliance matrix",
                purpose="Each IEC 62304 clause at the project's class and its status.",
                clauses=("4", "5", "6", "7", "8", "9"), build=reports.compliance),
)  # fmt: skip
SLUGS = tuple(d.slug for d in DELIVERABLES)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """Where the set went, the files written (sorted), how many gaps it shows, how many
    documents it holds and the item files left out because they do not parse."""

    output: Path
    files: tuple[Path, ...]
    gaps: int
    documents: int = 0
    unreadable: tuple[str, ...] = ()  # item files that do not parse ("path:line: message")


def assemble(start: Path, options: LoadOptions | None = None, *, release: str = "") -> DocumentSet:
    """The document set of the project at or above ``start``, as it is in its files
    (``release``: the version being released, for the documents' revision label)."""
    options = options or LoadOptions()
    return _assemble(start, load_project(start, options), options, release)


def _assemble(start: Path, project: Project, options: LoadOptions, release: str) -> DocumentSet:
    graph = TraceGraph(project.items, project.config.schema)
    classes = compute_classes(graph)
    edition2 = project.config.standard == ED2_DRAFT
    root = Path(project.root)
    runs, unreadable = load_runs(root, root / RUNS_FOLDER)
    if unreadable:
        first = unreadable[0]
        raise ProjectError(f"{first.location}: {first.message}")
    known = [item.id for kind in VERIFIED_KINDS for item in graph.of_kind(kind)]
    fingerprints = project_fingerprints(project, graph)
    results = ResultIndex.build(runs, known, fingerprints=fingerprints)
    findings = check_project(start, CheckOptions(load=options)).findings
    produced = [
        d for d in DELIVERABLES if content.applies(d.clauses, classes.project) and d.wanted(graph)
    ]
    homes = {d.slug for d in produced}
    sources = content.Sources(
        graph=graph,
        classes=classes,
        project_class=classes.project,
        level=level_label(classes.project, edition2),
        edition2=edition2,
        results=results,
        requirements=verification_status(graph, results, ("software-requirement",)),
        units=verification_status(graph, results, ("software-unit",)),
        risk=risk_file(graph, project.config.risk, results),
        matrix=compliance_matrix(graph, project.config, findings),
        placed=frozenset(kind for kind, home in content.HOME.items() if home in homes),
        unreadable=unreadable_items(project),
    )
    log = project_log(root, project)
    prefix = project_prefix(project.config.name)
    issuer = project.config.docs.organisation or project.config.name
    reviews = graph.of_kind("review-record")
    signatures = signature_index(root, fingerprints)
    files = {item.id: str(item.source.path) for item in project.items}
    documents = []
    for deliverable in produced:
        sections = deliverable.build(sources)
        shown = set(_shown(sections))
        git = control(log, _content_paths(deliverable.slug, shown, files), release)
        document_control = DocumentControl(
            document_id=f"{prefix}-{deliverable.code}",
            title=deliverable.title,
            revision=log.revision,
            date=log.date,
            author=author_text(git.authors, issuer),
            authors=git.authors,
            label=git.label,
            approvals=signature_page(reviews, signatures, deliverable.slug, shown, fingerprints),
            history=git.history,
        )
        documents.append(
            Document(
                slug=deliverable.slug,
                control=document_control,
                purpose=deliverable.purpose,
                clauses=deliverable.clauses,
                sections=sections,
            )
        )
    return DocumentSet(
        project=project.config.name,
        safety_class=RIGOR_OF[classes.project] if edition2 else classes.project.value,
        level_title="Rigor level" if edition2 else "Software safety class",
        revision=log.revision,
        date=log.date,
        documents=tuple(documents),
    )


def build_documents(
    start: Path,
    output: Path | None = None,
    formats: Sequence[str] = ("html", "md"),
    *,
    release: str = "",
    on_wait: OnWait | None = None,
) -> BuildReport:
    """Assemble the set and write it in ``formats`` to ``output`` (default: ``[docs] output``
    under the project root). Files of documents no longer produced are removed.
    ``release`` is the version being released (the documents' revision label)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise MedtraceError(f"unknown document format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    with project_writer(start, on_wait=on_wait):
        project = load_project(start)
        root = Path(project.root)
        target = output if output is not None else root / project.config.docs.output
        document_set = _assemble(start, project, LoadOptions(), release)
        # PDF and DOCX render in worker processes while this one writes HTML and Markdown.
        with ThreadPoolExecutor(1) as background:
            binary = background.submit(_render_binary, document_set, target, formats, root, project)
            written = _render_text(document_set, target, formats, root, project)
            written += binary.result()
        _remove_stale(target, document_set, formats)
        gaps = sum(len(d.gaps) for d in document_set.documents)
        return BuildReport(
            output=target,
            files=tuple(sorted(written)),
            gaps=gaps,
            documents=len(document_set.documents),
            unreadable=unreadable_items(project),
        )


def _render_text(
    document_set: DocumentSet, target: Path, formats: Sequence[str], root: Path, project: Project
) -> list[Path]:
    """HTML and Markdown of the set, written; the files."""
    files: dict[Path, bytes] = {}
    if "html" in formats:
        templates = _templates(root, project.config.docs.templates)
        for name, data in render_site(document_set, templates).items():
            files[target / name] = data
    if "md" in formats:
        files[target / "index.md"] = render_index_markdown(document_set).encode("utf-8")
        for document in document_set.documents:
            markdown = render_markdown(document_set, document)
            files[target / f"{document.slug}.md"] = markdown.encode("utf-8")
    write_files(sorted(files.items()))
    return list(files)


def _render_binary(
    document_set: DocumentSet, target: Path, formats: Sequence[str], root: Path, project: Project
) -> list[Path]:
    """PDF and DOCX of every document, rendered in worker processes (see
    :mod:`medtrace.api.document_jobs`)."""
    docs = project.config.docs
    templates = _templates(root, docs.templates)
    reference = root / docs.reference_docx if docs.reference_docx else None
    if not {"pdf", "docx"} & set(formats):
        return []
    rendered = render_all(document_set, formats, templates, reference)
    written = []
    for (extension, slug), data in sorted(rendered.items()):
        path = target / f"{slug}.{extension}"
        write_atomic(path, data)
        written.append(path)
    return written


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


def unreadable_items(project: Project) -> tuple[str, ...]:
    """``path:line: message`` of every item file that gave no item (its front matter does
    not parse, or it lacks an id or kind): the documents show each as a gap."""
    loaded = {str(item.source.path) for item in project.items}
    not_items = {"medtrace.toml", REVIEWS_FILE}
    found = {
        f"{finding.location}: {finding.message}"
        for finding in project.diagnostics
        if finding.severity is Severity.ERROR
        and str(finding.location.path) not in loaded
        and str(finding.location.path) not in not_items
    }
    return tuple(sorted(found))


def project_prefix(name: str) -> str:
    """A short, stable document id prefix: the initials of a name of several words
    (``InsuPump controller software`` -> ``ICS``), or the one word upper-cased."""
    words: list[str] = re.findall(r"[A-Za-z0-9]+", name)
    if not words:
        return "DOC"
    if len(words) == 1:
        return words[0][:16].upper()
    return "".join(word[0] for word in words).upper()


def shown_items(document: Document) -> tuple[str, ...]:
    """The ids of the items ``document`` shows, sorted (what signing it signs)."""
    return tuple(sorted(set(_shown(document.sections))))


def _content_paths(slug: str, shown: set[str], files: dict[str, str]) -> list[str] | None:
    """The files a document's content comes from: its items' files and medtrace.toml (and
    the imported test results for the test report); ``None`` (every file of the project)
    for a document that shows no item."""
    if not shown:
        return None
    paths = [files[item_id] for item_id in sorted(shown) if item_id in files]
    paths.append(CONFIG_FILE)
    if slug == "test-report":
        paths.append(f"{RUNS_FOLDER}/")
    return paths


def _shown(sections: Sequence[Section]) -> Iterator[str]:
    for entry in sections:
        for block in entry.blocks:
            if isinstance(block, ItemBlock):
                yield block.id
        yield from _shown(entry.sections)


__all__ = [
    "DELIVERABLES",
    "FORMATS",
    "BuildReport",
    "assemble",
    "build_documents",
    "project_prefix",
    "shown_items",
    "unreadable_items",
]

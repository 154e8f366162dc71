"""The document set as a static site: an index, one page per document, a search page.

Pages come from Jinja2 templates (autoescaped) in ``templates/``; a project's
``[docs] templates`` folder overrides any of them by file name. Templates run in
Jinja2's immutable sandbox: they cannot reach Python internals (``__class__``,
``__globals__``...), call unsafe methods or change the values they are given, so a
template cannot run a command; a template that tries, or that is broken, stops the
build with its file and line (:class:`~medtrace.errors.ProjectError`). Every item is
anchored by its id on the page of the document that shows it, and every id in a
link or a table cell links there. Item bodies go through
:func:`render_markdown_safe`. The output depends only on the document set:
no clock, no random ids, everything in a stable order.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from medtrace.errors import ProjectError
from medtrace.export.documents import (
    item_anchor,
    item_blocks,
    item_pages,
    render_markdown_safe,
    split_ids,
)
from medtrace.model.documents import (
    Block,
    DocumentSet,
    Gap,
    ItemBlock,
    Paragraph,
    Section,
    Table,
)

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
PAGES = ("index.html", "search.html")
ASSETS = ("style.css",)


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionView:
    """A section as a page shows it: numbered, with an anchor for the contents."""

    number: str
    anchor: str
    title: str
    blocks: tuple[Block, ...]
    sections: tuple[SectionView, ...]
    level: int


def environment(templates: Path | None = None) -> ImmutableSandboxedEnvironment:
    """Templates from the project's folder first, then the built-in ones (sandboxed)."""
    loaders = [FileSystemLoader(str(templates))] if templates is not None else []
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = lambda text: Markup(render_markdown_safe(str(text)))
    env.filters["anchor"] = item_anchor
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.tests["table"] = lambda block: isinstance(block, Table)
    env.tests["item"] = lambda block: isinstance(block, ItemBlock)
    env.tests["gap"] = lambda block: isinstance(block, Gap)
    return env


def render_site(document_set: DocumentSet, templates: Path | None = None) -> dict[str, bytes]:
    """Every file of the site by name: index, one page per document, search, assets."""
    try:
        return _render_site(document_set, templates)
    except TemplateError as error:
        raise ProjectError(f"{_where(error, templates)}: {error}") from None


def _where(error: TemplateError, templates: Path | None) -> str:
    """The template file (and line) an error comes from."""
    filename = getattr(error, "filename", None)
    line = getattr(error, "lineno", None)
    if filename is None:
        frames = traceback.extract_tb(error.__traceback__)
        found = [f for f in frames if f.filename.endswith((".html", ".css", ".js"))]
        if found:
            filename, line = found[-1].filename, found[-1].lineno
    if filename is None:
        return str(templates or BUILTIN_TEMPLATES)
    return f"{filename}:{line}" if line else str(filename)


def _render_site(document_set: DocumentSet, templates: Path | None) -> dict[str, bytes]:
    env = environment(templates)
    pages = item_pages(document_set)

    def href(item_id: str, here: str) -> str | None:
        page = pages.get(item_id)
        if page is None:
            return None
        return f"{'' if page == here else f'{page}.html'}#{item_anchor(item_id)}"

    def linked(text: str, here: str) -> Markup:
        out = []
        for piece, item_id in split_ids(str(text), pages):
            target = href(item_id, here) if item_id is not None else None
            if target is None:
                out.append(escape(piece))
            else:
                out.append(Markup('<a href="{}">{}</a>').format(target, piece))
        return Markup("").join(out)

    common = {"set": document_set, "documents": document_set.documents}
    files: dict[str, bytes] = {}
    for name in PAGES:
        files[name] = _encode(env.get_template(name).render(**common, here=name))
    document_template = env.get_template("document.html")
    for document in document_set.documents:
        here = document.slug
        files[f"{document.slug}.html"] = _encode(
            document_template.render(
                **common,
                here=f"{here}.html",
                document=document,
                sections=_views(document.sections),
                gaps=len(document.gaps),
                href=lambda item_id, here=here: href(item_id, here),
                linked=lambda text, here=here: linked(text, here),
            )
        )
    for name in ASSETS:
        files[name] = _encode(env.get_template(name).render(**common))
    files["search-index.js"] = search_index(document_set).encode("utf-8")
    return files


def search_index(document_set: DocumentSet) -> str:
    """``window.SEARCH = [[id, title, kind, page, document title], ...];`` by id."""
    entries = []
    for document in document_set.documents:
        for block in item_blocks(document.sections):
            entries.append((block.id, block.title, block.kind, document.slug,
                            document.control.title))  # fmt: skip
    seen: set[str] = set()
    unique = []
    for entry in sorted(entries):
        if entry[0] not in seen:
            seen.add(entry[0])
            unique.append(list(entry))
    data = json.dumps(unique, ensure_ascii=True, separators=(",", ":"))
    # Never a "</script" or "<!--" in the file, whichever way it is included.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"window.SEARCH = {data};\n"


def _views(
    sections: tuple[Section, ...], prefix: str = "", level: int = 2
) -> tuple[SectionView, ...]:
    views = []
    for index, section in enumerate(sections, 1):
        number = f"{prefix}{index}"
        views.append(
            SectionView(
                number=number,
                anchor=f"section-{number.replace('.', '-')}",
                title=section.title,
                blocks=section.blocks,
                sections=_views(section.sections, f"{number}.", level + 1),
                level=min(level, 6),
            )
        )
    return tuple(views)


def _encode(text: str) -> bytes:
    return text.encode("utf-8")


__all__ = ["environment", "render_site", "search_index"]

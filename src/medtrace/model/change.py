"""What changed in a project: between two revisions, and in one item's history.

Built by :mod:`medtrace.api.diff` and :mod:`medtrace.api.history`, rendered by
:mod:`medtrace.export.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.model.item import FieldValue, Item


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class LinkRef:
    """A link as a reviewer sees it: its type and target (not its line)."""

    role: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldChange:
    """A field whose value changed; ``None`` where the item does not set it."""

    name: str
    old: FieldValue | None
    new: FieldValue | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemChange:
    """How one item (same id on both sides) changed. ``kind`` and ``title`` are the
    new ones; ``title_change`` and ``kind_change`` are ``(old, new)`` when they
    changed; ``body_diff`` is ``""`` when the body did not."""

    id: str
    kind: str
    title: str
    old_path: str
    new_path: str
    title_change: tuple[str, str] | None = None
    kind_change: tuple[str, str] | None = None
    fields: tuple[FieldChange, ...] = ()
    body_diff: str = ""
    links_added: tuple[LinkRef, ...] = ()
    links_removed: tuple[LinkRef, ...] = ()

    @property
    def content_changed(self) -> bool:
        """Anything but the path changed."""
        return bool(
            self.title_change
            or self.kind_change
            or self.fields
            or self.body_diff
            or self.links_added
            or self.links_removed
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemMove:
    """An item kept its id but lives in another file."""

    id: str
    old_path: str
    new_path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectDiff:
    """The changes from ``old`` to ``new``. ``changed`` holds items whose content
    changed (moved or not); ``moved`` every item whose file changed, whatever else
    did. ``suspect`` are ids suspect in ``new`` and not in ``old`` (``None``: not
    asked). ``unreadable`` names the item files of either side that could not be
    compared (a file name that is not UTF-8), so that none is left out silently."""

    project: str
    old_label: str
    new_label: str
    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    moved: tuple[ItemMove, ...] = ()
    suspect: tuple[str, ...] | None = None
    config_changed: bool = False
    unreadable: tuple[str, ...] = ()  # "old: PATH" / "new: PATH": files that cannot be compared

    @property
    def empty(self) -> bool:
        changes = (self.added, self.removed, self.changed, self.moved, self.suspect)
        return not (any(changes) or self.unreadable)


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One commit that touched the item's file.

    ``path`` is the file's path in that commit (relative to the project root,
    or to the repository when it was outside the project); ``item_id`` the id
    the file held then. ``change`` compares with the previous version that held
    an item (``None`` for ``created``, ``unreadable`` and ``deleted``).
    """

    commit: str
    author: str
    date: str
    subject: str
    path: str
    event: str
    item_id: str | None = None
    change: ItemChange | None = None

    @property
    def body_changed(self) -> bool:
        return self.change is not None and bool(self.change.body_diff)

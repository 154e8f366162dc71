"""Review items for someone else and commit the review stamps (the web application's
review of suspect links), and what changed upstream since an item's last review.

The stamps are written by :func:`medtrace.api.review.record_reviews`, exactly as
``medtrace review`` writes them, under the project lock; the reviews file is
then committed with the reviewer as author and their comment as the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from medtrace.api.commit import Author, commit_files, commit_message
from medtrace.api.history import history_of
from medtrace.api.load import read_reviews_file
from medtrace.api.review import record_reviews
from medtrace.api.workspace import Snapshot
from medtrace.errors import MedtraceError, ProjectError
from medtrace.model.change import HistoryEntry
from medtrace.model.review import REVIEWS_FILE
from medtrace.store import write_atomic
from medtrace.store.lock import project_lock


def review_and_commit(
    root: Path, item_ids: Sequence[str], *, author: Author, comment: str, now: dt.datetime
) -> tuple[tuple[str, ...], str]:
    """Record a review of ``item_ids`` by ``author`` at ``now`` and commit it; returns the
    ids recorded and the commit."""
    ids = ", ".join(item_ids)
    message = commit_message(f"Review {ids}", comment)
    with project_lock(root, holder=f"medtrace serve: review by {author.name}"):
        before = read_reviews_file(root)
        reviewer = f"{author.name} <{author.email}>"
        recorded, _ = record_reviews(root, item_ids, now=now, by=reviewer)
        try:
            commit = commit_files(root, [REVIEWS_FILE], author=author, message=message)
        except MedtraceError:
            if before:
                write_atomic(root / REVIEWS_FILE, before)
            else:
                (root / REVIEWS_FILE).unlink(missing_ok=True)
            raise
    return recorded, commit


def changes_since(snapshot: Snapshot, item_id: str, date: str) -> tuple[HistoryEntry, ...]:
    """The commits that changed ``item_id`` on or after ``date`` (the day the link was made
    or last reviewed), oldest first."""
    item = snapshot.item(item_id)
    if item is None:
        raise ProjectError(f"no item {item_id!r} in the project")
    history = history_of(snapshot.root, item, snapshot.project.config.schema)
    return tuple(entry for entry in history if entry.date[:10] >= date[:10] and entry.change)

"""The project served by this process: one :class:`~medtrace.api.workspace.Workspace`,
made on first use from the configuration (a team server with several projects, issue
22, keys them by project; every view already reaches the project through here)."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from medtrace.api.commit import Author
from medtrace.api.sign import signing_setup
from medtrace.api.workspace import Snapshot, Workspace
from medtrace.model.signature import SigningPolicy

_workspaces: dict[str, Workspace] = {}
_guard = threading.Lock()


def workspace() -> Workspace:
    root = settings.CONFIG.project
    with _guard:
        found = _workspaces.get(root)
        if found is None:
            found = _workspaces[root] = Workspace(Path(root), max_age=settings.CONFIG.refresh)
            from medtrace.web.services import sharing

            sharing.start_timer(settings.CONFIG.fetch_interval)  # with a shared repository
        return found


def snapshot() -> Snapshot:
    return workspace().current()


def root() -> Path:
    return workspace().root


def author_of(user: AbstractBaseUser | AnonymousUser) -> Author:
    """The git identity of a signed-in person: their full name (else user name) and e-mail."""
    name = (user.get_full_name() or user.get_username()).strip()  # type: ignore[union-attr]
    email = getattr(user, "email", "") or f"{user.get_username()}@users.medtrace.invalid"
    return Author(name=name, email=email)


def policy() -> SigningPolicy:
    """The project's signing policy and account rules (read afresh: a small file)."""
    return signing_setup(root())[1]

"""One shared repository, several writers: the served project is the server's clone of a
bare repository that a developer pushes to as well. Every web change is pushed; what the
developer pushed is fetched before each write; a push refused because the remote moved is
re-applied on top, or gives the conflict view when the same file changed; both changes
stay in history, and nothing is force-pushed (the bare repository refuses it anyway)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from medtrace.web.models import AuditEvent
from medtrace.web.services import sharing
from tests.web.served import git
from tests.web.test_edit import ITEM, _form, _form_from, _post, _unescape

OTHER = "SRS-001"


@dataclasses.dataclass
class Team:
    server: Path  # the server's clone (the served project)
    bare: Path
    developer: Path

    def push_change(self, item_id: str, line: str) -> str:
        """The developer changes ``item_id``'s body, commits and pushes; the commit."""
        git(self.developer, "pull", "-q", "--ff-only")
        path = next(self.developer.rglob(f"{item_id}.md"))
        path.write_text(path.read_text("utf-8").rstrip("\n") + f"\n\n{line}\n", "utf-8")
        git(self.developer, "commit", "-qam", f"Developer: {line}")
        git(self.developer, "push", "-q", "origin", "main")
        return git(self.developer, "rev-parse", "HEAD").strip()


@pytest.fixture
def team(served: Path, people: Any, settings: Any, tmp_path: Path) -> Iterator[Team]:
    """The accounts made and committed first (``people``), then the bare repository
    cloned from the served project, which becomes the server's clone of it."""
    bare = tmp_path / "team.git"
    git(tmp_path, "clone", "-q", "--bare", str(served), str(bare))
    git(bare, "config", "receive.denyNonFastForwards", "true")
    git(served, "remote", "add", "origin", str(bare))
    git(served, "fetch", "-q", "origin")
    developer = tmp_path / "developer"
    git(tmp_path, "clone", "-q", str(bare), str(developer))
    settings.CONFIG = dataclasses.replace(settings.CONFIG, remote="origin", fetch_interval=0)
    try:
        yield Team(server=served, bare=bare, developer=developer)
    finally:
        git(served, "remote", "remove", "origin")


def _history(team: Team) -> list[str]:
    return git(team.bare, "log", "--format=%s", "main").splitlines()


def test_a_web_edit_is_committed_and_pushed(
    team: Team, signed_in: Callable[[str], Client], people: Any
) -> None:
    client = signed_in("arno")
    data = _form(client, ITEM)
    data.update(title="Pushed title", reason="Pushed at once")
    assert _post(client, f"/items/{ITEM}/edit/", data).status_code == 303
    head = git(team.server, "rev-parse", "HEAD").strip()
    assert git(team.bare, "rev-parse", "main").strip() == head
    assert _history(team)[0] == f"Edit {ITEM}: Pushed title"
    assert AuditEvent.objects.order_by("-seq").first().commit == head


def test_a_developer_push_to_the_item_being_edited_gives_the_conflict_view(
    team: Team, signed_in: Callable[[str], Client], people: Any
) -> None:
    client = signed_in("arno")
    mine = _form(client, ITEM)  # opened before the developer's push
    developers = team.push_change(ITEM, "Added by the developer.")
    mine.update(title="Arno's title", reason="Arno's change")
    response = _post(client, f"/items/{ITEM}/edit/", mine)
    text = _unescape(response.content.decode())
    assert response.status_code == 409
    assert "Someone changed this item since you opened it" in text
    assert "Added by the developer." in text and "Arno's title" in text
    again = _form_from(text)
    assert _post(client, f"/items/{ITEM}/edit/", again).status_code == 303
    history = _history(team)
    assert history[:2] == [f"Edit {ITEM}: Arno's title", "Developer: Added by the developer."]
    assert git(team.bare, "rev-parse", "main~1").strip() == developers
    shared = git(team.bare, "show", f"main:requirements/software/{ITEM}.md")
    assert "Arno's title" in shared and "Added by the developer." in shared


def _push_after_sync(monkeypatch: pytest.MonkeyPatch, team: Team, item_id: str) -> list[str]:
    """The developer pushes once, just after the server's first sync: the server's push
    is then refused (the remote moved in between)."""
    pushed: list[str] = []
    real = sharing.sync_locked

    def sync_then_push(root: Path) -> None:
        real(root)
        if not pushed:
            pushed.append(team.push_change(item_id, "Pushed while the server saved."))

    monkeypatch.setattr(sharing, "sync_locked", sync_then_push)
    return pushed


def test_a_refused_push_is_reapplied_on_top_when_it_does_not_conflict(
    team: Team, signed_in: Callable[[str], Client], people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in("arno")
    data = _form(client, ITEM)
    pushed = _push_after_sync(monkeypatch, team, OTHER)
    data.update(title="Re-applied title", reason="Raced a developer")
    assert _post(client, f"/items/{ITEM}/edit/", data).status_code == 303
    assert pushed, "the developer pushed in between"
    assert _history(team)[:2] == [
        f"Edit {ITEM}: Re-applied title",
        "Developer: Pushed while the server saved.",
    ]
    assert git(team.bare, "rev-parse", "main~1").strip() == pushed[0]
    head = git(team.server, "rev-parse", "HEAD").strip()
    assert git(team.bare, "rev-parse", "main").strip() == head
    edits = AuditEvent.objects.filter(action="edit", item=ITEM)
    assert [event.commit for event in edits] == [head], "one entry, naming the commit pushed"


def test_a_refused_push_of_a_file_that_changed_gives_the_conflict_view(
    team: Team, signed_in: Callable[[str], Client], people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in("arno")
    data = _form(client, ITEM)
    pushed = _push_after_sync(monkeypatch, team, ITEM)
    data.update(title="Lost race title", reason="Raced a developer on the same item")
    response = _post(client, f"/items/{ITEM}/edit/", data)
    assert response.status_code == 409
    assert "Pushed while the server saved." in _unescape(response.content.decode())
    assert git(team.server, "rev-parse", "HEAD").strip() == pushed[0]
    assert git(team.bare, "rev-parse", "main").strip() == pushed[0]
    assert not AuditEvent.objects.filter(action="edit", item=ITEM).exists()


def test_sync_fetches_what_developers_pushed(team: Team, people: Any) -> None:
    commit = team.push_change(OTHER, "Fetched on the timer.")
    sharing.sync()
    assert git(team.server, "rev-parse", "HEAD").strip() == commit


def test_a_commit_left_unpushed_is_merged_with_the_remote_and_pushed(
    team: Team, people: Any
) -> None:
    """As after a push that failed (the remote unreachable): the next sync publishes it."""
    path = next(team.server.rglob(f"{ITEM}.md"))
    path.write_text(path.read_text("utf-8") + "\nCommitted, never pushed.\n", "utf-8")
    git(team.server, "commit", "-qam", "Unpushed")
    developers = team.push_change(OTHER, "Pushed meanwhile.")
    sharing.sync()
    head = git(team.server, "rev-parse", "HEAD").strip()
    assert git(team.bare, "rev-parse", "main").strip() == head
    parents = git(team.bare, "log", "-1", "--format=%P", "main").split()
    assert developers in parents and len(parents) == 2
    assert "Unpushed" in _history(team)

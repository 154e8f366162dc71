"""The web tests: Django set up on a served copy of the example project, and people with
each role. The settings are read once per process, so the project is made here, before
Django starts; tests that write reset it afterwards (``served`` fixture). The database is
SQLite, or with ``MEDTRACE_TEST_POSTGRESQL=1`` a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from medtrace.web.config import web_config_for
from tests.postgres import POSTGRESQL_SWITCH, start_test_cluster
from tests.web.served import PASSWORD, git, make_served_project, reset

_ROOT = make_served_project(Path(tempfile.mkdtemp(prefix="medtrace-web-")) / "pump")
# MEDTRACE_TEST_POSTGRESQL=1 runs these tests on a throwaway PostgreSQL cluster instead of
# SQLite (scripts/test.sh runs them both ways).
_DATABASE = start_test_cluster() if os.environ.get(POSTGRESQL_SWITCH) == "1" else ""
os.environ.update(web_config_for(_ROOT, database_url=_DATABASE).to_environ())

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AbstractBaseUser  # noqa: E402
from django.test import Client  # noqa: E402

from medtrace.web.roles import Role  # noqa: E402
from medtrace.web.services import project  # noqa: E402

PEOPLE = {
    "vera": Role.VIEWER,
    "arno": Role.AUTHOR,
    "rita": Role.REVIEWER,
    "alma": Role.APPROVER,
    "adam": Role.ADMIN,
}


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    """Argon2 costs a quarter second a password; the tests sign in often (one test checks
    the hashers the application ships)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def served() -> Iterator[Path]:
    """The served project's root; put back as it was after the test."""
    try:
        yield _ROOT
    finally:
        reset(_ROOT)
        project.workspace().invalidate()


@pytest.fixture
def people(db: None, served: Path) -> dict[str, AbstractBaseUser]:
    """One account per role (``vera`` viewer, ``arno`` author, ``rita`` reviewer, ``alma``
    approver, ``adam`` admin), each in the register of signers (committed, with the
    server's key; the project is put back afterwards), and ``olga``, signed up but given no
    role (an outsider)."""
    from django.contrib.auth import get_user_model

    from medtrace.web.accounts import add_account

    found: dict[str, AbstractBaseUser] = {}
    for name, role in PEOPLE.items():
        add_account(
            name, role, PASSWORD, email=f"{name}@example.org", full_name=f"{name.title()} Tester"
        )
        found[name] = get_user_model().objects.get(username=name)
    found["olga"] = get_user_model().objects.create_user("olga", password=PASSWORD)
    commit_register(_ROOT)
    return found


def commit_register(root: Path) -> None:
    """Register the server's key and commit the register of signers, as an admin would."""
    from medtrace.api.signers import add_server_key
    from medtrace.graph.signatures import public_line
    from medtrace.web.signing import server_key

    add_server_key(root, public_line(server_key(Path(settings_of().CONFIG.state_dir))))
    if git(root, "status", "--porcelain", "signatures"):
        git(root, "add", "signatures")
        git(root, "commit", "-qm", "The register of signers")


def settings_of() -> Any:
    from django.conf import settings

    return settings


@pytest.fixture
def signed_in(people: dict[str, AbstractBaseUser]) -> Callable[[str], Client]:
    """A test client signed in as one of :func:`people` (CSRF checks on)."""

    def make(name: str) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(people[name])
        return client

    return make


def csrf_token(client: Client, path: str = "/items/") -> str:
    """The CSRF token a page gives ``client`` (as a browser would read it from the form)."""
    response = client.get(path)
    token = response.cookies.get("csrftoken") or client.cookies.get("csrftoken")
    assert token is not None, "the page set no CSRF cookie"
    return str(token.value)

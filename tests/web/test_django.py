"""The Django project itself: migrations match the models, and the system checks pass."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command


def test_the_migrations_match_the_models(db: None) -> None:
    out = StringIO()
    call_command("makemigrations", "medtrace_web", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_system_checks_pass_on_loopback() -> None:
    assert [m for m in checks.run_checks() if m.is_serious()] == []


def test_the_roles_exist_as_groups(db: None) -> None:
    from django.contrib.auth.models import Group

    from medtrace.web.roles import Role

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(r.value for r in Role)


def test_an_unknown_role_is_named(db: None) -> None:
    from medtrace.web.roles import Role

    with pytest.raises(ValueError, match="unknown role 'boss'; roles: viewer, author"):
        Role.parse("boss")


def test_the_database_is_the_one_asked_for() -> None:
    import os

    from django.db import connection

    from tests.postgres import POSTGRESQL_SWITCH

    wanted = "postgresql" if os.environ.get(POSTGRESQL_SWITCH) == "1" else "sqlite"
    assert connection.vendor == wanted

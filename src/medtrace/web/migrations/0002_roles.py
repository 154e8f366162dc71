"""The roles as Django groups (one per :class:`medtrace.web.roles.Role`)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLES = ("viewer", "author", "reviewer", "approver", "admin")


def make_roles(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("medtrace_web", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]

"""What every page's frame shows: the project's name, the signed-in person and their role."""

from __future__ import annotations

from django.http import HttpRequest

from medtrace.web.roles import Role, role_of
from medtrace.web.services import project


def navigation(request: HttpRequest) -> dict[str, object]:
    role = role_of(request.user)
    rank = role.rank if role is not None else -1
    return {
        "project_name": project.snapshot().project.config.name,
        "role": role.value if role is not None else "",
        "can_edit": rank >= Role.AUTHOR.rank,
        "can_review": rank >= Role.REVIEWER.rank,
    }

"""Roles: what a signed-in person may do, in increasing order, one role per person.

A role is a Django group of the same name (made by the first migration), so
issue 21's per-meaning signing rights can hang permissions on the groups. The
``requires`` decorator declares the lowest role a view needs; a test walks
every URL pattern and fails on a view without one.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

_V = TypeVar("_V", bound=Callable[..., HttpResponse])


class Role(enum.Enum):
    VIEWER = "viewer"  # reads every page
    AUTHOR = "author"  # edits and creates items
    REVIEWER = "reviewer"  # also reviews suspect links
    APPROVER = "approver"  # also approves (signatures: issue 21)
    ADMIN = "admin"  # also manages accounts

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(role.value for role in cls)
            raise ValueError(f"unknown role {text!r}; roles: {known}") from None


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The role of a signed-in, active person (``None`` for anyone else or no role)."""
    if not user.is_authenticated or not user.is_active:
        return None
    names = set(user.groups.values_list("name", flat=True)) if isinstance(user, User) else set()
    held = [role for role in Role if role.value in names]
    return max(held, key=lambda r: r.rank) if held else None


def may(user: AbstractBaseUser | AnonymousUser, needed: Role) -> bool:
    found = role_of(user)
    return found is not None and found.rank >= needed.rank


def requires(needed: Role) -> Callable[[_V], _V]:
    """The view needs a signed-in person holding at least ``needed`` (else 403)."""

    def decorate(view: _V) -> _V:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user, needed):
                raise PermissionDenied(f"this needs the {needed.value} role")
            return view(request, *args, **kwargs)

        guarded.required_role = needed  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate

"""Accounts: made by ``medtrace users add`` (or the first-run prompt), each with one role.

Call these only after :func:`medtrace.web.server.setup`. Passwords go through
Django's validators and are stored as Argon2 hashes; a name is never reused
(an account is deactivated, not deleted, so history keeps naming it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from medtrace.errors import MedtraceError
from medtrace.web.roles import Role, role_of


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    name: str
    full_name: str
    email: str
    role: str
    active: bool


def has_accounts() -> bool:
    return bool(get_user_model().objects.exists())


def add_account(
    name: str, role: Role, password: str, *, email: str = "", full_name: str = ""
) -> Account:
    """Create the account ``name`` with ``role``; :class:`MedtraceError` when the name is
    taken or the password too weak."""
    model = get_user_model()
    if not name.strip() or len(name) > 150:
        raise MedtraceError(f"{name!r} is not a user name (1 to 150 characters)")
    if model.objects.filter(username=name).exists():
        raise MedtraceError(f"there is an account named {name!r} already (names are never reused)")
    first, _, last = full_name.strip().partition(" ")
    user = model(username=name, email=email, first_name=first, last_name=last)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise MedtraceError(f"the password is refused: {' '.join(error.messages)}") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))  # type: ignore[attr-defined]
    return _account(user)


def accounts() -> tuple[Account, ...]:
    return tuple(_account(user) for user in get_user_model().objects.order_by("username"))


def _account(user: object) -> Account:
    role = role_of(user)  # type: ignore[arg-type]
    return Account(
        name=user.get_username(),  # type: ignore[attr-defined]
        full_name=user.get_full_name(),  # type: ignore[attr-defined]
        email=user.email,  # type: ignore[attr-defined]
        role=role.value if role is not None else "",
        active=user.is_active,  # type: ignore[attr-defined]
    )

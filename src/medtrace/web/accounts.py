"""Accounts: made by ``medtrace users add`` (or the first-run prompt), each with one role.

Call these only after :func:`medtrace.web.server.setup`. Passwords go through
Django's validators and are stored as Argon2 hashes; a name is never reused
(an account is deactivated, not deleted, so history keeps naming it). Each account is
also a signer in the project's register (``signatures/signers.toml``, committed by the
admin), with its role, so that ``check`` can tell who may sign what; deactivating the
account deactivates the signer from then on. Every change is in the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from medtrace.api.signers import add_signer, deactivate_signer
from medtrace.errors import MedtraceError
from medtrace.web import audit
from medtrace.web.models import SecondFactor
from medtrace.web.roles import Role, role_of

CLI_ACTOR = "medtrace users"


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
        audit.record(actor=CLI_ACTOR, action="account-add", item=name, detail=role.value)
    add_signer(_root(), name, name=full_name.strip() or name, roles=[role.value])
    return _account(user)


def set_role(name: str, role: Role) -> Account:
    """Give ``name`` the one role ``role`` (in the register too)."""
    user = _user(name)
    with transaction.atomic():
        user.groups.set([Group.objects.get(name=role.value)])
        audit.record(actor=CLI_ACTOR, action="account-role", item=name, detail=role.value)
    add_signer(_root(), name, name=user.get_full_name() or name, roles=[role.value])
    return _account(user)


def deactivate(name: str) -> Account:
    """Deactivate ``name``: no more sign-in or signing; history keeps the name."""
    user = _user(name)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(actor=CLI_ACTOR, action="account-deactivate", item=name)
    with contextlib.suppress(MedtraceError):  # made before the register: nothing to mark
        deactivate_signer(_root(), name, now=dt.datetime.now(dt.UTC))
    return _account(user)


def enrol_second_factor(name: str) -> str:
    """A new TOTP secret for ``name`` (replacing any), as a provisioning URI for an app."""
    user = _user(name)
    secret = pyotp.random_base32()
    with transaction.atomic():
        SecondFactor.objects.update_or_create(user=user, defaults={"secret": secret})
        audit.record(actor=CLI_ACTOR, action="account-second-factor", item=name)
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="medtrace")


def _user(name: str) -> User:
    found = get_user_model().objects.filter(username=name).first()
    if not isinstance(found, User):
        raise MedtraceError(f"there is no account named {name!r}")
    return found


def _root() -> Path:
    return Path(settings.CONFIG.project)


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

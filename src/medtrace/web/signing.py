"""Signing in the browser: the signer re-authenticated (password, and a one-time code where
the policy asks for one), then the record written and committed by :mod:`medtrace.api.sign`
with the server's key, and every attempt logged.

The server's Ed25519 key lives in the state folder (``signing-key``, readable by the
owner only; made on first start). Its public half (``signing-key.pub``) is what an admin
registers in the project: ``medtrace signers server-key .medtrace-web/signing-key.pub``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyotp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest

from medtrace.api.sign import Signed, SignRequest, create_key, load_private_key, sign_item
from medtrace.errors import MedtraceError
from medtrace.model.signature import AuthMethod
from medtrace.web import audit, lockout
from medtrace.web.models import SecondFactor
from medtrace.web.roles import role_of
from medtrace.web.services import project, sharing

KEY_FILE = "signing-key"


class SigningRefusedError(MedtraceError):
    """The signer was not re-authenticated, or may not sign this."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    item_id: str
    meaning: str
    reason: str
    password: str
    code: str = ""


def server_key(state_dir: Path) -> Ed25519PrivateKey:
    """The server's signing key, made (with its ``.pub``) when there is none."""
    path = state_dir / KEY_FILE
    if not path.exists():
        create_key(path, "medtrace-server")
    return load_private_key(path)


def sign(request: HttpRequest, attempt: Attempt) -> Signed:
    """Re-authenticate the signed-in person and sign; :class:`SigningRefusedError` says why not
    (a failed attempt is logged and counts towards the lockout)."""
    user = request.user
    assert isinstance(user, User)
    name = user.get_username()
    if lockout.locked(request, name):
        raise SigningRefusedError("too many failed attempts: the account is locked for a while")
    method = _authenticate(request, user, attempt)
    role = role_of(user)

    def logged(signed: Signed) -> None:
        project.workspace().invalidate()
        audit.record(
            actor=name,
            action="sign",
            item=attempt.item_id,
            commit=signed.commit,
            reason=attempt.reason,
            before=signed.fingerprint,
            after=hashlib.sha256(signed.path.read_bytes()).hexdigest(),
            request_id=getattr(request, "request_id", ""),
            method=method.value,
            detail=json.dumps({"meaning": attempt.meaning, "record": signed.id}, sort_keys=True),
        )

    signed = sharing.write(
        lambda: sign_item(
            project.root(),
            SignRequest(
                item_id=attempt.item_id,
                meaning=attempt.meaning,
                reason=attempt.reason,
                signer=name,
                role=role.value if role is not None else "",
                authenticated=method,
            ),
            server_key(Path(settings.CONFIG.state_dir)),
            now=dt.datetime.now(dt.UTC),
            author=project.author_of(user),
        ),
        logged,
    )
    return signed


def _authenticate(request: HttpRequest, user: User, attempt: Attempt) -> AuthMethod:
    name = user.get_username()
    if not user.check_password(attempt.password):
        lockout.failed(request, name, "sign", "wrong password", attempt.item_id)
        raise SigningRefusedError("the password does not match: nothing was signed")
    if attempt.meaning not in project.policy().second_factor:
        return AuthMethod.PASSWORD
    factor = SecondFactor.objects.filter(user=user).first()
    if factor is None:
        raise SigningRefusedError(
            f"signing {attempt.meaning!r} needs a second factor: ask an admin to enrol you "
            "(medtrace users totp)"
        )
    if not _code_ok(factor, attempt.code):
        lockout.failed(request, name, "sign", "wrong one-time code", attempt.item_id)
        raise SigningRefusedError("the one-time code does not match: nothing was signed")
    return AuthMethod.PASSWORD_TOTP


def _code_ok(factor: SecondFactor, code: str) -> bool:
    """A current code, never one used before (a replayed code is refused)."""
    totp = pyotp.TOTP(factor.secret)
    now = dt.datetime.now(dt.UTC)
    for drift in (0, -1, 1):
        step = int(now.timestamp()) // totp.interval + drift
        if step > factor.last_step and totp.at(step * totp.interval) == code.strip():
            # taken only if no other request took this step first (one UPDATE: atomic)
            used = SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step)
            return used.update(last_step=step) == 1
    return False

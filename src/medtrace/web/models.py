"""What the web application keeps in its database besides Django's users and sessions:
failed sign-ins and signatures (for the lockout), second factors, and the audit log.

Lifecycle content never lives here: items, reviews and signatures stay in git.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.db import models


class SignInFailure(models.Model):
    """One failed sign-in: by account name and by address, for the rate limit."""

    username: models.CharField[str, str] = models.CharField(max_length=150, db_index=True)
    address: models.CharField[str, str] = models.CharField(max_length=64, db_index=True)
    at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        auto_now_add=True, db_index=True
    )


class SecondFactor(models.Model):
    """A person's TOTP secret (``medtrace users totp``): the second factor of signatures
    whose meaning the policy names in ``[signatures] second-factor``."""

    user: models.OneToOneField[models.Model, models.Model] = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor"
    )
    secret: models.CharField[str, str] = models.CharField(max_length=64)
    last_step: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)


class AuditEvent(models.Model):
    """One change made through the application, appended and never changed.

    Each event's ``digest`` covers its fields and the previous event's digest, so
    a removed or edited row breaks the chain (issue 21 verifies it against git).
    """

    seq: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(unique=True)
    at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    actor: models.CharField[str, str] = models.CharField(
        max_length=150
    )  # the user name, kept as text
    action: models.CharField[str, str] = models.CharField(
        max_length=40
    )  # edit, create, review, sign-in
    item: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    commit: models.CharField[str, str] = models.CharField(max_length=64, blank=True)
    reason: models.TextField[str, str] = models.TextField(blank=True)
    before: models.CharField[str, str] = models.CharField(
        max_length=64, blank=True
    )  # file versions
    after: models.CharField[str, str] = models.CharField(max_length=64, blank=True)
    request_id: models.CharField[str, str] = models.CharField(max_length=64, blank=True)
    # how the actor was authenticated (password, password+totp), and what else was done
    # (JSON: the meaning of a signature, its record, the fields changed...)
    method: models.CharField[str, str] = models.CharField(max_length=40, blank=True)
    detail: models.TextField[str, str] = models.TextField(blank=True)
    prev_digest: models.CharField[str, str] = models.CharField(max_length=64)
    digest: models.CharField[str, str] = models.CharField(max_length=64)

    class Meta:
        ordering = ("seq",)

    def canonical(self) -> bytes:
        fields = {
            name: str(getattr(self, name))
            for name in (
                "seq",
                "at",
                "actor",
                "action",
                "item",
                "commit",
                "reason",
                "before",
                "after",
                "request_id",
                "prev_digest",
            )
        }
        for name in ("method", "detail"):  # later fields count once used (older rows verify)
            if getattr(self, name):
                fields[name] = str(getattr(self, name))
        return json.dumps(fields, sort_keys=True).encode("utf-8")

    def compute_digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit events are never changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are never deleted")

"""Write the audit log: one event per change, explicitly, in the change's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from medtrace.web.models import AuditEvent

GENESIS = "0" * 64


def record(
    *,
    actor: str,
    action: str,
    item: str = "",
    commit: str = "",
    reason: str = "",
    before: str = "",
    after: str = "",
    request_id: str = "",
    method: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event, chained to the last one."""
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-seq").first()
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor=actor,
            action=action,
            item=item,
            commit=commit,
            reason=reason,
            before=before,
            after=after,
            request_id=request_id,
            method=method,
            detail=detail,
            prev_digest=last.digest if last else GENESIS,
        )
        event.digest = event.compute_digest()
        event.save()
    return event


def verify_chain() -> int | None:
    """The ``seq`` of the first event that breaks the chain, or ``None`` when it holds."""
    previous = GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator():
        if event.prev_digest != previous or event.compute_digest() != event.digest:
            return int(event.seq)
        previous = event.digest
    return None

"""Write the audit log: one event per change, explicitly, in the change's transaction; read
it back as rows of the audit trail, and verify it (its chain, and against git)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from medtrace.api.audit_trail import log_problems, unlogged_commits
from medtrace.model.audit import AuditProblem, AuditRow
from medtrace.web.models import AuditEvent

GENESIS = "0" * 64
AUDIT_LOCK = 0x6D74_6175  # the advisory lock key of the audit log's writers ("mtau")


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
    """Append one event, chained to the last one (writers take turns: SQLite's immediate
    transactions, or a PostgreSQL advisory lock held to the end of the transaction)."""
    with transaction.atomic():
        _take_turn()
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


def _take_turn() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK])


def verify_chain() -> int | None:
    """The ``seq`` of the first event that breaks the chain, or ``None`` when it holds."""
    previous = GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator():
        if event.prev_digest != previous or event.compute_digest() != event.digest:
            return int(event.seq)
        previous = event.digest
    return None


def rows(item: str = "", since: str = "") -> tuple[AuditRow, ...]:
    """The log's events (those about ``item``, at or after the day ``since``), oldest first."""
    events = AuditEvent.objects.order_by("seq")
    if item:
        events = events.filter(item=item)
    if since:
        events = events.filter(at__date__gte=since[:10])
    return tuple(_row(event) for event in events.iterator())


def _row(event: AuditEvent) -> AuditRow:
    return AuditRow(
        at=event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source="log",
        actor=event.actor,
        action=event.action,
        items=(event.item,) if event.item else (),
        commit=event.commit,
        reason=event.reason,
        before=event.before,
        after=event.after,
        method=event.method,
        detail=event.detail,
        seq=int(event.seq),
    )


def verify(root: Path) -> tuple[AuditProblem, ...]:
    """Everything wrong with the log: a break in its chain (an entry edited or removed), and
    what :func:`medtrace.api.audit_trail.log_problems` finds against git."""
    problems = []
    broken = verify_chain()
    if broken is not None:
        problems.append(
            AuditProblem(
                kind="chain-broken",
                seq=broken,
                message=f"the chain breaks at event {broken}: an entry before it was removed, "
                "or it was edited",
            )
        )
    expected = 1
    for seq in AuditEvent.objects.order_by("seq").values_list("seq", flat=True):
        if seq != expected:
            problems.append(
                AuditProblem(
                    kind="chain-broken",
                    seq=int(seq),
                    message=f"events {expected} to {seq - 1} are missing from the log",
                )
            )
        expected = seq + 1
    return (*problems, *log_problems(root, rows()))


def count() -> int:
    return int(AuditEvent.objects.count())


def reconcile(root: Path) -> tuple[AuditEvent, ...]:
    """Log the commits made through the application that the log does not name (a process
    ended between the commit and its entry): one ``reconciled`` entry each, oldest first,
    from the commit's author, summary and reason. Hold the write lock."""
    made = []
    for commit in unlogged_commits(root, rows()):
        summary = commit.detail.splitlines()[0] if commit.detail else ""
        made.append(
            record(
                actor=commit.actor,
                action="reconciled",
                item=commit.items[0] if len(commit.items) == 1 else "",
                commit=commit.commit,
                reason=commit.reason,
                method="reconciled",
                detail=json.dumps(
                    {"summary": summary, "items": list(commit.items), "committed": commit.at},
                    sort_keys=True,
                ),
            )
        )
    return tuple(made)

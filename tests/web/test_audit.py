"""The audit log: one event per change, chained, never changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from medtrace.web.audit import record, verify_chain
from medtrace.web.models import AuditEvent
from tests.web.conftest import csrf_token
from tests.web.served import SUSPECT_ITEM, git


def test_a_review_writes_one_chained_event_with_its_commit(
    served: Path, signed_in: Callable[[str], Client]
) -> None:
    client = signed_in("rita")
    before = AuditEvent.objects.count()
    response = client.post(
        f"/items/{SUSPECT_ITEM}/review/",
        {"comment": "Still right"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 303
    (event,) = AuditEvent.objects.all()[before:]
    assert (event.actor, event.action, event.item, event.reason) == (
        "rita",
        "review",
        SUSPECT_ITEM,
        "Still right",
    )
    assert event.commit == git(served, "rev-parse", "HEAD").strip()
    assert verify_chain() is None


def test_an_edited_or_removed_event_breaks_the_chain(db: None) -> None:
    for n in range(3):
        record(actor="ana", action="edit", item=f"SRS-{n}", reason="why")
    assert verify_chain() is None
    second = AuditEvent.objects.get(seq=2)
    with pytest.raises(ValueError, match="never changed"):
        second.save()
    with pytest.raises(ValueError, match="never deleted"):
        second.delete()
    AuditEvent.objects.filter(seq=2).update(reason="another reason")  # behind the model's back
    assert verify_chain() == 2

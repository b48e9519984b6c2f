"""services.record appends rows that link to each other and that verify recomputes exactly."""

from __future__ import annotations

import datetime

import pytest

from yorisoi.audit import services
from yorisoi.audit.integrity import GENESIS_HASH, verify_chain
from yorisoi.audit.models import AuditEvent, AuditHead
from yorisoi.core.middleware import RequestInfo, current_request

from .factories import make_chain


@pytest.mark.django_db
def test_rows_link_to_the_row_before_and_the_head_follows():
    events = make_chain(3)
    assert [e.pk for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash, head.count) == (3, events[2].hash, 3)


@pytest.mark.django_db
def test_stored_rows_hash_to_what_was_recorded(manager1):
    token = current_request.set(RequestInfo("r" * 80, "0:0:0:0:0:0:0:1", "/x" * 200))
    try:
        services.record(
            actor=manager1,
            action="update",
            object_type="cases.case",
            object_id="7",
            changes={"opened_on": [datetime.date(2026, 4, 1), None], "tags": ("a", "b")},
            reason="理由",
        )
    finally:
        current_request.reset(token)
    stored = AuditEvent.objects.get()
    assert stored.compute_hash() == stored.hash
    assert stored.changes == {"opened_on": ["2026-04-01", None], "tags": ["a", "b"]}
    assert stored.actor_label == "manager1"
    assert stored.ip_address == "::1"
    assert verify_chain().ok


@pytest.mark.django_db
def test_sensitive_fields_are_redacted_in_changes():
    changes = services.diff(
        {"address": "北区1-2-3", "ward": "北区"},
        {"address": "南区4-5-6", "ward": "南区"},
        redact={"address"},
    )
    assert changes == {
        "address": [services.REDACTED, services.REDACTED],
        "ward": ["北区", "南区"],
    }

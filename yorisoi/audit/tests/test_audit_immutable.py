"""No ORM path can change or remove an audit row, or add one outside the chain."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yorisoi.audit.models import AuditEvent, AuditImmutableError

from .factories import make_chain


@pytest.fixture
def event(db) -> AuditEvent:
    return make_chain(2)[0]


def test_queryset_update_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")


def test_queryset_delete_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def test_base_manager_update_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent._base_manager.filter(pk=event.pk).update(reason="changed")


def test_saving_an_existing_instance_raises(event):
    event.reason = "changed"
    with pytest.raises(AuditImmutableError):
        event.save()
    fresh = AuditEvent.objects.get(pk=event.pk)
    with pytest.raises(AuditImmutableError):
        fresh.save(update_fields=["reason"])


def test_instance_delete_raises(event):
    with pytest.raises(AuditImmutableError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_create_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_create(
            [AuditEvent(at=timezone.now(), action="view", prev_hash="0", hash="1")]
        )


def test_bulk_update_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["reason"])


def test_create_outside_the_service_raises(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.create(at=timezone.now(), action="view", prev_hash="0", hash="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent(pk=99, at=timezone.now(), action="view", prev_hash="0", hash="y").save(
            force_insert=True
        )
    assert AuditEvent.objects.count() == 2

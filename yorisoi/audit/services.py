"""Appending to the audit log. Every write of personal data calls record_change inside its own
transaction; every read of a personal-data page calls record_view from its selector."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from yorisoi.core.crypto import EncryptedTextField
from yorisoi.core.middleware import current_request

from .models import Action, AuditEvent, AuditHead, BreakGlassGrant

REDACTED = "[redacted]"


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def _center_id_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "audit_center_id"):
        return obj.audit_center_id
    return getattr(obj, "center_id", None)


def sensitive_field_names(model: type[models.Model]) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
    return names | set(getattr(model, "AUDIT_REDACT", ()))


def _fit(value: str, field: str) -> str:
    """Cut text to its column's length: PostgreSQL refuses overlong values, SQLite keeps them,
    and the hash must cover what the database really holds."""
    return (value or "")[: AuditEvent._meta.get_field(field).max_length]


def _canonical_changes(changes: Mapping[str, Any] | None) -> dict:
    # What the JSON column gives back (dates as text, tuples as lists), so the hash computed now
    # equals the one `audit verify` recomputes from the stored row.
    return json.loads(json.dumps(dict(changes or {}), default=str))


def _stored_ip(ip: str | None) -> str | None:
    # The inet column normalizes IPv6 text; hash the form it will give back.
    try:
        ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    return AuditEvent._meta.get_field("ip_address").get_prep_value(ip)


@transaction.atomic
def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    center_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain.

    Writers take turns on the head row: `select_for_update` locks it on PostgreSQL until the
    surrounding transaction ends (SQLite's IMMEDIATE transactions already serialize writers), so
    two requests can never both chain onto the same previous row. The event id comes from the head,
    not from the database sequence, because the id is part of the hashed content.
    """
    # get_or_create retries its get after a concurrent first insert, so the very first two
    # writers also end up taking turns instead of failing.
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    info = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    ip = _stored_ip(info.ip_address if info else None)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=_fit(actor.get_username() if authenticated else actor_label, "actor_label"),
        action=action,
        object_type=_fit(
            object_type or (object_type_of(obj) if obj is not None else ""), "object_type"
        ),
        object_id=_fit(str(object_id or (obj.pk if obj is not None else "")), "object_id"),
        center_id=center_id if center_id is not None else _center_id_of(obj),
        changes=_canonical_changes(changes),
        reason=reason or "",
        request_id=_fit(info.request_id if info else "", "request_id"),
        ip_address=ip,
        path=_fit(info.path if info else "", "path"),
        prev_hash=head.last_hash,
    )
    event.pk = head.last_id + 1
    event.hash = event.compute_hash()
    event._appending = True
    event.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(
        last_id=event.pk, last_hash=event.hash, count=models.F("count") + 1
    )
    return event


def record_view(*, actor, obj: models.Model, reason: str = "") -> AuditEvent:
    return record(actor=actor, action=Action.VIEW, obj=obj, reason=reason)


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], *, redact: Iterable[str] = ()
) -> dict[str, list]:
    """Changed fields as {name: [old, new]}, with sensitive values replaced by a marker."""
    redact = set(redact)
    out: dict[str, list] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if name in redact:
                out[name] = [REDACTED, REDACTED]
            else:
                out[name] = [_jsonable(old), _jsonable(new)]
    return out


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def record_change(
    *,
    actor,
    obj: models.Model,
    action: str = Action.UPDATE,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record a create or update. Pass before/after snapshots (or ready-made changes)."""
    if changes is None:
        redact = sensitive_field_names(type(obj))
        after = after if after is not None else snapshot(obj)
        changes = diff(before or {}, after, redact=redact)
    return record(actor=actor, action=action, obj=obj, changes=changes, reason=reason)


# What an admin may break the glass for, and where the object's page is. audit knows objects
# only by (type, id), so the path is a pattern, not a reverse() into a higher app.
BREAK_GLASS_TARGETS = {"cases.case": "/cases/{id}/"}


@transaction.atomic
def break_glass_open(*, user, object_type: str, object_id: str, reason: str) -> BreakGlassGrant:
    """Give an admin time-limited access to one object's content, recorded with the reason.

    The same request submitted twice within a minute returns the first grant instead of
    recording a second one.
    """
    from .selectors import is_admin, object_center_id

    if not is_admin(user):
        raise PermissionDenied
    if object_type not in BREAK_GLASS_TARGETS:
        raise ValueError(f"break-glass is not offered for {object_type}")
    reason = reason.strip()
    now = timezone.now()
    recent = BreakGlassGrant.objects.filter(
        user=user,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        created_at__gte=now - timedelta(minutes=1),
        expires_at__gt=now,
    ).first()
    if recent is not None:
        return recent
    grant = BreakGlassGrant.objects.create(
        user=user,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        expires_at=now + timedelta(minutes=settings.YORISOI_BREAK_GLASS_MINUTES),
    )
    record(
        actor=user,
        action=Action.BREAK_GLASS,
        object_type=object_type,
        object_id=str(object_id),
        center_id=object_center_id(object_type=object_type, object_id=str(object_id)),
        changes={"expires_at": [None, f"{timezone.localtime(grant.expires_at):%Y-%m-%d %H:%M}"]},
        reason=reason,
    )
    return grant


def break_glass_url(grant: BreakGlassGrant) -> str:
    return BREAK_GLASS_TARGETS[grant.object_type].format(id=grant.object_id)

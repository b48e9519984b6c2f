"""Reads of the audit log and of break-glass grants, scoped to the acting user.

audit sits below accounts, so it knows users only through the methods the user model offers
(has_role, center_ids_with, centers_with) and roles only by their stored values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import services
from .models import Action, AuditEvent, BreakGlassGrant

# accounts.Role values. Managers see their centers' log; admins see every center's log (it holds
# who did what, not case content) and are the only ones who may break the glass.
ROLE_ADMIN = "admin"
ROLE_MANAGER = "manager"
AUDIT_LOG_TYPE = "audit.log"


def break_glass_object_ids(*, user, object_type: str) -> list[str]:
    """Ids of objects of `object_type` the user holds an unexpired break-glass grant for."""
    if not user.is_authenticated:
        return []
    return list(
        BreakGlassGrant.objects.filter(
            user=user, object_type=object_type, expires_at__gt=timezone.now()
        ).values_list("object_id", flat=True)
    )


def active_break_glass_grants(*, user) -> QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at"
    )


def is_admin(user) -> bool:
    return user.is_authenticated and user.has_role(ROLE_ADMIN)


def can_view_audit_log(user) -> bool:
    return user.is_authenticated and (user.has_role(ROLE_ADMIN) or user.has_role(ROLE_MANAGER))


def _scope(user) -> Q:
    """Which events the user may read; raises Http404 for anyone who may read none."""
    if not can_view_audit_log(user):
        raise Http404
    if user.has_role(ROLE_ADMIN):
        return Q()
    return Q(center_id__in=user.center_ids_with(ROLE_MANAGER))


def log_centers(*, user) -> list:
    """Centers whose log the user may filter by (all for admins, managed ones for managers)."""
    role = ROLE_ADMIN if user.has_role(ROLE_ADMIN) else ROLE_MANAGER
    return list(user.centers_with(role).order_by("id"))


@dataclass(frozen=True)
class LogFilter:
    actor: str = ""
    action: str = ""
    center_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def center_events(*, user, filters: LogFilter) -> QuerySet[AuditEvent]:
    """The center-wide log, newest first. Viewing it is itself recorded."""
    events = AuditEvent.objects.filter(_scope(user))
    if filters.center_id is not None:
        events = events.filter(center_id=filters.center_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(
            Q(actor_label__icontains=filters.actor)
            | Q(actor__display_name__icontains=filters.actor)
        )
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    _record_log_view(user=user, object_id="", center_id=filters.center_id or _sole_center(user))
    return events.select_related("actor").order_by("-id")


def object_events(*, user, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Who viewed or changed one object, newest first; 404 if the user may see none of it."""
    events = AuditEvent.objects.filter(_scope(user), object_type=object_type, object_id=object_id)
    center_ids = list(events.order_by().values_list("center_id", flat=True).distinct()[:2])
    if not center_ids:
        raise Http404
    _record_log_view(
        user=user,
        object_id=f"{object_type}:{object_id}",
        center_id=center_ids[0] if len(center_ids) == 1 else None,
    )
    return events.select_related("actor").order_by("-id")


def _sole_center(user) -> int | None:
    if user.has_role(ROLE_ADMIN):
        return None
    ids = user.center_ids_with(ROLE_MANAGER)
    return next(iter(ids)) if len(ids) == 1 else None


def _record_log_view(*, user, object_id: str, center_id: int | None) -> None:
    services.record(
        actor=user,
        action=Action.VIEW,
        object_type=AUDIT_LOG_TYPE,
        object_id=object_id,
        center_id=center_id,
    )


def model_for(object_type: str):
    """The model an event's object_type names, or None (types outlive models; logs stay)."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_center_id(*, object_type: str, object_id: str) -> int | None:
    model = model_for(object_type)
    if model is None or not any(f.name == "center" for f in model._meta.concrete_fields):
        return None
    return model._default_manager.filter(pk=object_id).values_list("center_id", flat=True).first()


def object_exists(*, object_type: str, object_id: str) -> bool:
    model = model_for(object_type)
    return model is not None and model._default_manager.filter(pk=object_id).exists()

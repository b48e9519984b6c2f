from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .forms import BreakGlassForm, LogFilterForm
from .models import AuditEvent

PAGE_SIZE = 50

# Object types that are not models but still appear in the log.
SPECIAL_TYPES = {
    selectors.AUDIT_LOG_TYPE: gettext_lazy("監査ログ"),
    "core.encryption_key": gettext_lazy("暗号鍵"),
}


# App labels of configuration objects (staff, roles, the log itself, keys): an admin keeps
# these, so their changed values and reasons are shown to admins too. A higher app with
# configuration objects may add "app_label.model" names to ADMIN_VISIBLE_OBJECT_TYPES in its
# AppConfig.ready().
ADMIN_VISIBLE_APP_LABELS = {"accounts", "audit", "core", "axes", "otp_totp", "otp_static"}
ADMIN_VISIBLE_OBJECT_TYPES: set[str] = set()
# Actions whose reason is about the access itself, not the record's content.
REASON_ALWAYS_SHOWN = {"break_glass"}


@dataclass
class ChangeRow:
    label: str
    old: object
    new: object
    redacted: bool
    hidden: bool = False


@dataclass
class EventRow:
    event: AuditEvent
    object_label: str
    object_url: str
    changes: list[ChangeRow] = field(default_factory=list)
    reason_hidden: bool = False


def _content_visible(user, event: AuditEvent, managed: set[int]) -> bool:
    """Whether the viewer may read the values and reason of an event about a record.

    Managers read their centers' case content anyway; an admin reads case content only through
    break-glass, so an event about personal data shows an admin which fields changed, not to
    what. Configuration objects are shown in full.
    """
    if event.center_id is not None and event.center_id in managed:
        return True
    object_type = event.object_type or ""
    if object_type in ADMIN_VISIBLE_OBJECT_TYPES:
        return True
    return object_type.split(".", 1)[0] in ADMIN_VISIBLE_APP_LABELS


def _object_link(object_type: str, object_id: str) -> tuple[str, str]:
    """A label and the object-log URL for an event's object ("" when it names none)."""
    if object_type == selectors.AUDIT_LOG_TYPE and ":" in object_id:
        # A view of one object's log: point at that object's log.
        inner_type, inner_id = object_id.rsplit(":", 1)
        label, url = _object_link(inner_type, inner_id)
        return _("監査ログ（%(object)s）") % {"object": label}, url
    label = _type_label(object_type) if object_type else ""
    if not object_id:
        return label, ""
    url = reverse("audit:object_log", args=[object_type, object_id])
    return f"{label} {object_id}".strip(), url


def _type_label(object_type: str) -> str:
    if object_type in SPECIAL_TYPES:
        return str(SPECIAL_TYPES[object_type])
    model = selectors.model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


# Names in `changes` that are not fields of the object's model.
EXTRA_LABELS = {
    "expires_at": gettext_lazy("期限"),
    "key_ids": gettext_lazy("鍵ID"),
    "values": gettext_lazy("再暗号化した値の数"),
    "case_ids": gettext_lazy("一覧に表示したケース"),
    "person_ids": gettext_lazy("検索結果に表示した本人"),
}


def _model_field(model, name: str):
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(model_field, name: str) -> str:
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return str(model_field.verbose_name)
    return str(EXTRA_LABELS.get(name, name))


def _shown(model_field, value):
    """A stored choice value as its label (状況 'support' → 支援中); anything else as stored."""
    choices = getattr(model_field, "flatchoices", None)
    if choices and isinstance(value, str | int):
        return dict(choices).get(value, value)
    return value


def _rows(events, user) -> list[EventRow]:
    managed = user.center_ids_with(selectors.ROLE_MANAGER)
    rows = []
    for event in events:
        model = selectors.model_for(event.object_type)
        label, url = _object_link(event.object_type, event.object_id)
        visible = _content_visible(user, event, managed)
        row = EventRow(
            event=event,
            object_label=label,
            object_url=url,
            reason_hidden=bool(event.reason)
            and not visible
            and event.action not in REASON_ALWAYS_SHOWN,
        )
        if isinstance(event.changes, dict):
            for name, value in event.changes.items():
                old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
                model_field = _model_field(model, name)
                hidden = not visible and event.action not in REASON_ALWAYS_SHOWN
                row.changes.append(
                    ChangeRow(
                        label=_field_label(model_field, name),
                        old=None if hidden else _shown(model_field, old),
                        new=None if hidden else _shown(model_field, new),
                        redacted=services.REDACTED in (old, new),
                        hidden=hidden,
                    )
                )
        rows.append(row)
    return rows


def _page(request: HttpRequest, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def center_log(request: HttpRequest) -> HttpResponse:
    if not selectors.can_view_audit_log(request.user):
        raise Http404
    centers = selectors.log_centers(user=request.user)
    form = LogFilterForm(request.GET or None, centers=centers)
    filters = form.to_filter()
    events = selectors.center_events(user=request.user, filters=filters)
    page, query = _page(request, events)
    return render(
        request,
        "audit/center_log.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page.object_list, request.user),
            "query": query,
            "is_admin": selectors.is_admin(request.user),
        },
    )


@login_required
def object_log(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = selectors.object_events(
        user=request.user, object_type=object_type, object_id=object_id
    )
    page, query = _page(request, events)
    return render(
        request,
        "audit/object_log.html",
        {
            "object_type": object_type,
            "object_id": object_id,
            "type_label": _type_label(object_type),
            "page": page,
            "rows": _rows(page.object_list, request.user),
            "query": query,
        },
    )


@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    if not selectors.is_admin(request.user):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = services.break_glass_open(
            user=request.user,
            object_type=form.cleaned_data["object_type"],
            object_id=str(form.cleaned_data["object_id"]),
            reason=form.cleaned_data["reason"],
        )
        messages.warning(
            request,
            _(
                "緊急閲覧を記録しました。%(minutes)d分間この記録を閲覧できます。"
                "閲覧はすべて監査ログに残ります。"
            )
            % {"minutes": math.ceil((grant.expires_at - timezone.now()).total_seconds() / 60)},
        )
        return redirect(services.break_glass_url(grant))
    grants = [
        (grant, services.break_glass_url(grant), _type_label(grant.object_type))
        for grant in selectors.active_break_glass_grants(user=request.user)
    ]
    return render(request, "audit/break_glass.html", {"form": form, "grants": grants})

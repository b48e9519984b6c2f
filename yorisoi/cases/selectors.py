"""Every read of cases and contacts, starting from cases.policy. Each takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import ngettext

from yorisoi.accounts.models import Role, User
from yorisoi.audit import services as audit
from yorisoi.core.japanese import normalize_kana
from yorisoi.core.registry import TimelineEntry, timeline_providers
from yorisoi.people import selectors as people_selectors
from yorisoi.people.models import HouseholdMember

from . import policy
from .models import (
    OPEN_STATUSES,
    Case,
    CaseChange,
    Contact,
    Phase,
    PlanVersion,
    Status,
    quick_reverse,
)

RISK_FILTERS = ("any", "self_harm", "violence", "abuse", "no_medical")


def _case_queryset(user) -> QuerySet[Case]:
    return (
        policy.visible_cases(user)
        .select_related("person", "person__household", "center", "primary_worker")
        .prefetch_related("secondary_workers", "person__household__members")
    )


def case_get(*, user, case_id: int) -> Case:
    """One case the user may see, with its person, household and workers; records the view.

    A case the user may not see is a 404, never a 403.
    """
    case = get_object_or_404(_case_queryset(user), pk=case_id)
    audit.record_view(actor=user, obj=case)
    return case


def case_get_for_update(*, user, case_id: int) -> Case:
    """The case for a write form: the same access check, no view event (the write is audited)."""
    return get_object_or_404(_case_queryset(user), pk=case_id)


def contact_get(*, user, case: Case, contact_id: int, record: bool = True) -> Contact:
    """A contact of `case`, which must come from case_get (access-checked); a contact of any
    other case is a 404. Records a view of the contact unless `record` is False (a submit,
    which its service audits instead)."""
    contact = get_object_or_404(
        Contact.objects.select_related("consulter_member", "recorded_by").prefetch_related(
            "workers"
        ),
        pk=contact_id,
        case_id=case.pk,
    )
    if record:
        audit.record_view(actor=user, obj=contact)
    return contact


def household_members(*, case: Case) -> list[HouseholdMember]:
    """The members of the case person's household (case from case_get, access-checked)."""
    household = case.person.household
    return list(household.members.all()) if household else []


def center_staff(*, center_id: int) -> QuerySet[User]:
    """Active workers and managers of a center: who may hold or share its cases."""
    return center_staff_of(center_ids=[center_id])


def center_staff_of(*, center_ids) -> QuerySet[User]:
    """Active workers and managers of any of the centers."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__center_id__in=list(center_ids),
            memberships__is_active=True,
            memberships__role__in=[Role.WORKER, Role.MANAGER],
        )
        .distinct()
        .order_by("display_name", "username")
    )


def _sort_key(when: Any) -> datetime:
    if isinstance(when, datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    if isinstance(when, date):
        # A dated entry without a time sorts after everything timed on the same day.
        return timezone.make_aware(datetime.combine(when, time.max))
    return timezone.make_aware(datetime.min.replace(year=1900))


def _change_when(change: CaseChange) -> datetime:
    """A change dated another day than it was entered sorts on its date, at the entry time."""
    at = timezone.localtime(change.changed_at)
    if at.date() == change.changed_on:
        return change.changed_at
    return timezone.make_aware(datetime.combine(change.changed_on, at.time()))


def case_timeline(
    *, user, case: Case, limit: int | None = None, offset: int = 0
) -> list[TimelineEntry]:
    """Everything that happened on a case, newest first: contacts, status, phase and worker
    changes, plan versions, and what higher apps contribute through timeline_providers.

    With `limit`, the `limit` entries after the newest `offset` ones (a page of the
    timeline). A fixed number of queries (plus the providers'), whatever the length or the
    page. `case` must come from case_get (access-checked).
    """
    contacts = (
        Contact.objects.filter(case_id=case.pk)
        .select_related("consulter_member", "recorded_by")
        .prefetch_related(Prefetch("workers", queryset=User.objects.order_by("pk")))
        .order_by("-occurred_at", "-id")
    )
    changes = (
        CaseChange.objects.filter(case_id=case.pk)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
    plans = (
        PlanVersion.objects.filter(case_id=case.pk)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    if limit is not None:
        # Each source's newest offset + limit rows hold every entry of the page asked for.
        # Changes are all read: a case has few, and one entered late sorts on the day it
        # took effect (_change_when), not in changed_at order, so a slice could miss one.
        end = offset + limit
        contacts, plans = contacts[:end], plans[:end]
    entries: list[TimelineEntry] = []
    for contact in contacts:
        entries.append(
            TimelineEntry(
                when=contact.occurred_at,
                kind="contact",
                template="cases/timeline/contact.html",
                context={"contact": contact, "case": case},
            )
        )
    worker_ids = set()
    change_list = list(changes)
    for change in change_list:
        if change.field == CaseChange.Field.PRIMARY_WORKER:
            worker_ids.update(int(v) for v in (change.old_value, change.new_value) if v)
    workers = {u.pk: u for u in User.objects.filter(pk__in=worker_ids)} if worker_ids else {}
    for change in change_list:
        context: dict[str, Any] = {"change": change, "case": case}
        if change.field == CaseChange.Field.PRIMARY_WORKER:
            context["old_worker"] = workers.get(int(change.old_value or 0))
            context["new_worker"] = workers.get(int(change.new_value or 0))
        else:
            context["old_label"] = _choice_label(change.field, change.old_value)
            context["new_label"] = _choice_label(change.field, change.new_value)
        entries.append(
            TimelineEntry(
                when=_change_when(change),
                kind=change.field,
                template="cases/timeline/change.html",
                context=context,
            )
        )
    for plan in plans:
        entries.append(
            TimelineEntry(
                when=plan.created_at,
                kind="plan",
                template="cases/timeline/plan.html",
                context={"plan": plan, "case": case},
            )
        )
    for provider in timeline_providers:
        entries.extend(provider(user, case) or [])
    entries.sort(key=lambda e: _sort_key(e.when), reverse=True)
    entries = entries[offset : offset + limit] if limit is not None else entries[offset:]
    for entry in entries:
        if entry.kind == "contact" and "contact" in entry.context:
            entry.context["shown"] = contact_shown(entry.context["contact"])
    return entries


@dataclass(frozen=True)
class ContactShown:
    """A timeline contact's labels, local times and names, worked out once in Python.

    A case page prints dozens of contacts; through get_FOO_display, date filters and
    {% blocktranslate count %} in the template each cost several times as much.
    """

    when: str  # local time, YYYY-MM-DD HH:MM
    when_iso: str
    method: str
    consulter: str
    duration: str
    workers: str
    heard_via: str
    next_contact_on: str
    edit_url: str


def contact_shown(contact: Contact) -> ContactShown:
    """The display values of a contact loaded by case_timeline (workers prefetched)."""
    at = timezone.localtime(contact.occurred_at)
    minutes = contact.duration_minutes
    return ContactShown(
        when=at.strftime("%Y-%m-%d %H:%M"),
        when_iso=at.isoformat(),
        method=str(contact.get_method_display()),
        consulter=(
            str(contact.consulter_member)
            if contact.consulter_member
            else str(contact.get_consulter_display())
        ),
        duration=(
            ngettext("%(minutes)s分", "%(minutes)s分", minutes) % {"minutes": minutes}
            if minutes
            else ""
        ),
        workers="、".join(str(w) for w in contact.workers.all()) or str(contact.recorded_by),
        heard_via=str(contact.get_heard_via_display()),
        next_contact_on=contact.next_contact_on.isoformat() if contact.next_contact_on else "",
        edit_url=quick_reverse("cases:contact_edit", contact.case_id, contact.pk),
    )


def _choice_label(field: str, value: str) -> str:
    choices = {CaseChange.Field.STATUS: Status, CaseChange.Field.PHASE: Phase}.get(field)
    if not value or choices is None:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# What a row of the case list reads (views.CaseLine): fifty rows of every column, encrypted
# notes and addresses decrypted and all timestamps converted, would be work for nothing.
LIST_ROW_FIELDS = (
    "person_id",
    "center_id",
    "status",
    "phase",
    "primary_worker_id",
    "next_contact_on",
    "last_contact_at",
    "risk_self_harm",
    "risk_violence",
    "risk_abuse",
    "risk_no_medical",
    "risk_escalated_at",
    "risk_acknowledged_at",
    "person__family_name",
    "person__given_name",
    "person__family_name_kana",
    "person__given_name_kana",
    "person__nickname",
    "person__birth_date",
    "person__age_band",
    "person__household_id",
    "person__household__id",
    "center__name",
    "center__short_name",
    "primary_worker__username",
    "primary_worker__display_name",
    "primary_worker__first_name",
    "primary_worker__last_name",
)


def case_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """Visible cases matching the filters, ready to render as rows (a fixed number of queries).

    filters (all optional): status (a Status value, or "open"), phase, worker (a user id,
    "me", or "none" for unassigned; matches primary or secondary), risk ("any" or one flag
    name), overdue (true: open with next_contact_on before today), center (id), q (reading,
    name or nickname, folded and matched like person search).
    """
    filters = filters or {}
    queryset = (
        policy.visible_cases(user)
        .filter(person__merged_into__isnull=True)
        .select_related("person", "person__household", "center", "primary_worker")
        .only(*LIST_ROW_FIELDS)
        .prefetch_related("secondary_workers", "person__household__members")
    )
    status = filters.get("status")
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if filters.get("phase"):
        queryset = queryset.filter(phase=filters["phase"])
    worker = filters.get("worker")
    if worker == "none":
        queryset = queryset.filter(primary_worker__isnull=True)
    elif worker:
        worker_id = user.pk if worker == "me" else worker
        worker_id = getattr(worker_id, "pk", worker_id)
        queryset = queryset.filter(
            Q(primary_worker_id=worker_id)
            | Q(
                pk__in=Case.secondary_workers.through.objects.filter(user_id=worker_id).values(
                    "case_id"
                )
            )
        )
    risk = filters.get("risk")
    if risk == "any":
        queryset = queryset.filter(
            Q(risk_self_harm=True)
            | Q(risk_violence=True)
            | Q(risk_abuse=True)
            | Q(risk_no_medical=True)
        )
    elif risk in RISK_FILTERS:
        queryset = queryset.filter(**{f"risk_{risk}": True})
    if filters.get("overdue"):
        queryset = queryset.filter(
            status__in=OPEN_STATUSES, next_contact_on__lt=timezone.localdate()
        )
    center = filters.get("center")
    if center:
        queryset = queryset.filter(center_id=getattr(center, "pk", center))
    key = normalize_kana(filters.get("q") or "")
    if key:
        queryset = queryset.filter(people_selectors.search_key_matches(key, prefix="person__"))
    return queryset.order_by(
        F("next_contact_on").asc(nulls_last=True),
        F("last_contact_at").desc(nulls_last=True),
        "-pk",
    )

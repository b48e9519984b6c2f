"""Every write of cases and contacts. Each runs in one transaction and writes its audit event
inside it. Views call these; nothing else saves a Case, CaseChange or Contact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.accounts.models import Center, Role, User
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.core.errors import StaleEditError
from yorisoi.people import policy as people_policy
from yorisoi.people import services as people_services
from yorisoi.people.models import PARENT_RELATIONSHIPS, HouseholdMember, Person

from . import policy
from .models import (
    Case,
    CaseChange,
    ClosureReason,
    Consulter,
    Contact,
    Phase,
    PlanVersion,
    Status,
)

CASE_AUDIT_FIELDS = (
    "status",
    "phase",
    "primary_worker_id",
    "primary_assigned_at",
    "opened_on",
    "closed_on",
    "closure_reason",
    "next_contact_on",
    "risk_self_harm",
    "risk_violence",
    "risk_abuse",
    "risk_no_medical",
    "risk_note",
    "risk_escalated_at",
    "risk_acknowledged_at",
    "risk_acknowledged_by_id",
)
# Fields of a contact a caller may set through contact_record / contact_update.
CONTACT_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "method",
    "consulter",
    "consulter_member",
    "consulter_detail",
    "summary",
    "note",
    "follow_up",
    "next_contact_on",
    "heard_via",
)
CONTACT_AUDIT_FIELDS = tuple(
    f"{name}_id" if name == "consulter_member" else name for name in CONTACT_FIELDS
)
RISK_FLAGS = ("risk_self_harm", "risk_violence", "risk_abuse", "risk_no_medical")
# A case comes back from 終結 to one of these.
REOPEN_STATUSES = (Status.INTAKE, Status.SUPPORT)
CASE_STAFF_ROLES = (Role.WORKER, Role.MANAGER)


def _token(value: str | None) -> str | None:
    return (value or "").strip()[:64] or None


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _require_case_edit(user, case: Case) -> None:
    if not policy.can_edit_case(user, case):
        raise PermissionDenied


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _sync_caller(case: Case, current: Case, names) -> None:
    """Keep the caller's object in step with what was saved."""
    for name in (*names, "version", "updated_at"):
        setattr(case, name, getattr(current, name))


def _check_case_version(current: Case, expected_version: int | None, wanted: dict) -> None:
    if expected_version is None or current.version == expected_version:
        return
    changes = {
        name: (getattr(current, name), value)
        for name, value in wanted.items()
        if getattr(current, name) != value
    }
    # Even when the fields this form sets agree, the case moved on: say so rather than
    # quietly applying a decision that was taken on an older picture of the case.
    if not changes:
        changes = {"version": (current.version, expected_version)}
    raise StaleEditError(changes, current_version=current.version)


def is_case_staff(user: User, center_id: int) -> bool:
    """Whether `user` may hold cases at the center (worker or manager there)."""
    return bool(user and user.is_active and user.has_role(*CASE_STAFF_ROLES, center=center_id))


def _record_case_change(
    *, user, case: Case, field: str, old: str, new: str, on: date | None, reason: str = ""
) -> CaseChange:
    return CaseChange.objects.create(
        case=case,
        field=field,
        old_value=old or "",
        new_value=new or "",
        changed_on=on or timezone.localdate(),
        changed_by=user,
        reason=reason,
    )


def _after_contact(case: Case, contact: Contact) -> None:
    """Keep last_contact_at and next_contact_on of a (locked) case in step with a new or
    changed contact. The newest contact decides the next planned date, so back-filling an
    old contact does not undo a newer plan; an older one only fills a date still missing."""
    latest = case.contacts.aggregate(latest=Max("occurred_at"))["latest"]
    updates: dict[str, Any] = {}
    if latest != case.last_contact_at:
        updates["last_contact_at"] = latest
    if case.status == Status.CLOSED or latest is None:
        pass
    elif contact.occurred_at >= latest:
        if contact.next_contact_on:
            updates["next_contact_on"] = contact.next_contact_on
        elif case.next_contact_on and case.next_contact_on <= _local_date(contact.occurred_at):
            # The planned contact has happened and no new one was set.
            updates["next_contact_on"] = None
    elif contact.next_contact_on and case.next_contact_on is None:
        updates["next_contact_on"] = contact.next_contact_on
    if updates:
        for name, value in updates.items():
            setattr(case, name, value)
        Case.objects.filter(pk=case.pk).update(**updates, updated_at=timezone.now())


def _clean_workers(case_center_id: int, workers) -> list[User]:
    out: list[User] = []
    for worker in workers or []:
        if not is_case_staff(worker, case_center_id):
            raise ValidationError({"workers": _("このセンターの職員を選んでください。")})
        if worker not in out:
            out.append(worker)
    return out


def _clean_consulter_member(case: Case, member: HouseholdMember | None) -> None:
    if member is None:
        return
    if member.household_id is None or member.household_id != case.person.household_id:
        raise ValidationError({"consulter_member": _("この方の世帯の家族を選んでください。")})


def _find_or_add_member(
    *, user, person: Person, relationship: str, name: str, age: int | None
) -> HouseholdMember:
    """The household member who consulted: the same parent if already recorded, else a new one."""
    household = person.household
    if household is not None:
        members = list(household.members.all())
        for member in members:
            same_name = name and member.name == name
            same_parent = (
                relationship in PARENT_RELATIONSHIPS
                and member.relationship == relationship
                and (not name or not member.name or same_name)
            )
            if same_parent or (same_name and member.relationship == relationship):
                if age is not None and member.age is None:
                    people_services.household_member_update(
                        user=user, member=member, data={"age": age}
                    )
                return member
    return people_services.household_member_add(
        user=user,
        person=person,
        data={"relationship": relationship, "name": name, "age": age},
    )


@transaction.atomic
def intake_record(
    *,
    user,
    center: Center,
    person: Person | None = None,
    person_data: dict | None = None,
    consulter: str,
    consulter_relationship: str = "",
    consulter_name: str = "",
    consulter_age: int | None = None,
    consulter_detail: str = "",
    method: str,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    heard_via: str = "",
    summary: str = "",
    note: str = "",
    follow_up: str = "",
    next_contact_on: date | None = None,
    submission_token: str | None = None,
) -> Contact:
    """Record a first consultation: the person (found or new, possibly with no name), the
    consulting family member in the person's household, the case at this center (reopened
    when it was closed) with the user as primary worker, and the intake contact.

    A second submit with the same submission_token returns the first contact.
    """
    if not is_case_staff(user, center.pk):
        raise PermissionDenied
    token = _token(submission_token)
    if token:
        existing = Contact.objects.filter(submission_token=token).select_related("case").first()
        if existing is not None:
            if existing.center_id != center.pk:
                raise PermissionDenied
            return existing
    occurred_at = occurred_at or timezone.now()
    today = timezone.localdate()

    if person is not None:
        if not people_policy.visible_persons(user).filter(pk=person.pk).exists():
            raise PermissionDenied
        # The person's row is locked until the intake commits, so two calls about the same person
        # take turns: the second finds the case the first opened instead of inserting another
        # (SQLite's IMMEDIATE transactions already make writers take turns; PostgreSQL's do not).
        locked = Person.objects.select_for_update(of=("self",)).select_related("household")
        person = locked.get(pk=person.pk)
        while person.merged_into_id:
            person = locked.get(pk=person.merged_into_id)
    else:
        person = people_services.person_create(user=user, data=dict(person_data or {}))

    case = Case.objects.select_for_update().filter(person=person, center=center).first()
    created = reopened = False
    if case is None:
        case = Case(
            person=person,
            center=center,
            status=Status.INTAKE,
            primary_worker=user,
            primary_assigned_at=timezone.now(),
            opened_on=min(_local_date(occurred_at), today),
            created_by=user,
        )
        case.full_clean(exclude=["person", "center"])
        case.save()
        audit.record_change(
            actor=user,
            obj=case,
            action=Action.CREATE,
            after={"person_id": person.pk, **audit.snapshot(case, CASE_AUDIT_FIELDS)},
        )
        _record_case_change(
            user=user,
            case=case,
            field=CaseChange.Field.STATUS,
            old="",
            new=Status.INTAKE,
            on=case.opened_on,
        )
        _record_case_change(
            user=user,
            case=case,
            field=CaseChange.Field.PRIMARY_WORKER,
            old="",
            new=str(user.pk),
            on=case.opened_on,
        )
        created = True
    elif case.status == Status.CLOSED:
        before = audit.snapshot(case, CASE_AUDIT_FIELDS)
        _record_case_change(
            user=user,
            case=case,
            field=CaseChange.Field.STATUS,
            old=case.status,
            new=Status.INTAKE,
            on=today,
            reason=_("新たな相談により再開"),
        )
        case.status = Status.INTAKE
        case.closed_on = None
        case.closure_reason = ""
        if case.primary_worker_id is None:
            case.primary_worker = user
            case.primary_assigned_at = timezone.now()
        case.version += 1
        case.save()
        audit.record_change(
            actor=user,
            obj=case,
            before=before,
            after=audit.snapshot(case, CASE_AUDIT_FIELDS),
            reason=_("新たな相談により再開"),
        )
        reopened = True
    elif not policy.can_edit_case(user, case):
        # An open case held by a colleague: a new consultation about the person still goes
        # on record, and the user joins the case as a secondary worker.
        case.secondary_workers.add(user)
        audit.record(
            actor=user,
            action=Action.UPDATE,
            obj=case,
            changes={"secondary_workers": [None, f"+{user.pk}"]},
        )

    member = None
    if consulter == Consulter.FAMILY and consulter_relationship:
        member = _find_or_add_member(
            user=user,
            person=Person.objects.select_related("household").get(pk=person.pk),
            relationship=consulter_relationship,
            name=consulter_name,
            age=consulter_age,
        )

    contact = Contact(
        center=center,
        case=case,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        method=method,
        consulter=consulter,
        consulter_member=member,
        consulter_detail=consulter_detail,
        summary=summary,
        note=note,
        follow_up=follow_up,
        next_contact_on=next_contact_on,
        is_intake=created or reopened,
        heard_via=heard_via,
        recorded_by=user,
        submission_token=token,
    )
    contact.full_clean(exclude=["submission_token"])
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if token:
            # The same form saved by a concurrent request an instant ago: return its contact
            # and undo the person and case this request made.
            existing = Contact.objects.get(submission_token=token)
            transaction.set_rollback(True)
            return existing
        raise
    contact.workers.add(user)
    audit.record_change(
        actor=user,
        obj=contact,
        action=Action.CREATE,
        after={"case_id": case.pk, **audit.snapshot(contact, CONTACT_AUDIT_FIELDS)},
    )
    _after_contact(case, contact)
    return contact


@transaction.atomic
def contact_record(
    *,
    user,
    case: Case,
    method: str,
    consulter: str,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    consulter_member: HouseholdMember | None = None,
    consulter_detail: str = "",
    workers: list[User] | None = None,
    summary: str = "",
    note: str = "",
    follow_up: str = "",
    next_contact_on: date | None = None,
    heard_via: str = "",
    submission_token: str | None = None,
) -> Contact:
    """Record a contact on an open case. A double submit with the same token returns the
    contact the first submit created."""
    _require_case_edit(user, case)
    token = _token(submission_token)
    if token:
        existing = Contact.objects.filter(submission_token=token).first()
        if existing is not None:
            if existing.case_id != case.pk:
                raise PermissionDenied
            return existing
    # Lock the case row only: on PostgreSQL a plain FOR UPDATE would lock the person as well.
    current = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    if current.status == Status.CLOSED:
        raise ValidationError(
            _("このケースは終結しています。記録を追加するには、先にケースを再開してください。")
        )
    _clean_consulter_member(current, consulter_member)
    staff = _clean_workers(current.center_id, workers if workers else [user])
    contact = Contact(
        center_id=current.center_id,
        case=current,
        occurred_at=occurred_at or timezone.now(),
        duration_minutes=duration_minutes,
        method=method,
        consulter=consulter,
        consulter_member=consulter_member,
        consulter_detail=consulter_detail,
        summary=summary,
        note=note,
        follow_up=follow_up,
        next_contact_on=next_contact_on,
        heard_via=heard_via,
        recorded_by=user,
        submission_token=token,
    )
    contact.full_clean(exclude=["submission_token"])
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if token:
            return Contact.objects.get(submission_token=token)
        raise
    contact.workers.set(staff)
    audit.record_change(
        actor=user,
        obj=contact,
        action=Action.CREATE,
        after={
            "case_id": current.pk,
            "workers": sorted(w.pk for w in staff),
            **audit.snapshot(contact, CONTACT_AUDIT_FIELDS),
        },
    )
    _after_contact(current, contact)
    _sync_caller(case, current, ("last_contact_at", "next_contact_on"))
    return contact


@transaction.atomic
def contact_update(
    *,
    user,
    contact: Contact,
    data: dict[str, Any],
    expected_version: int,
    workers: list[User] | None = None,
) -> Contact:
    """Change a contact if nobody saved it since `expected_version` was read.

    Raises StaleEditError with {field: (stored value, submitted value)} otherwise and saves
    nothing.
    """
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    if contact.case_id is None:
        if not (user.is_authenticated and user.is_manager_of(contact.center_id)):
            raise PermissionDenied
        case = None
    else:
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=contact.case_id)
        )
        _require_case_edit(user, case)
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    current_workers = set(current.workers.values_list("pk", flat=True))
    if current.version != expected_version:
        changes = {
            name: (getattr(current, name), value)
            for name, value in data.items()
            if getattr(current, name) != value
        }
        if workers is not None and {w.pk for w in workers} != current_workers:
            changes["workers"] = (
                sorted(current_workers),
                sorted(w.pk for w in workers),
            )
        if not changes:
            return current
        raise StaleEditError(changes, current_version=current.version)
    if case is not None and "consulter_member" in data:
        _clean_consulter_member(case, data["consulter_member"])
    before = audit.snapshot(current, CONTACT_AUDIT_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean(exclude=["submission_token"])
    after = audit.snapshot(current, CONTACT_AUDIT_FIELDS)
    staff = None
    if workers is not None:
        staff = _clean_workers(current.center_id, workers)
        if {w.pk for w in staff} != current_workers:
            before["workers"] = sorted(current_workers)
            after["workers"] = sorted(w.pk for w in staff)
    if after == before:
        return current
    current.version += 1
    current.save()
    if staff is not None:
        current.workers.set(staff)
    audit.record_change(actor=user, obj=current, before=before, after=after)
    if case is not None:
        _after_contact(case, current)
    for name in (*data, "version", "updated_at"):
        setattr(contact, name, getattr(current, name))
    return current


@transaction.atomic
def case_change_status(
    *,
    user,
    case: Case,
    status: str,
    reason: str = "",
    closure_reason: str = "",
    on: date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move a case along 受付 → … → 終結, or reopen it. Each change is a dated CaseChange row."""
    if status not in Status.values:
        raise ValidationError({"status": _("状況を選んでください。")})
    _require_case_edit(user, case)
    current = _lock_case(case)
    _check_case_version(current, expected_version, {"status": status})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("未来の日付は指定できません。")})
    if on < current.opened_on:
        raise ValidationError({"on": _("受付日より前の日付は指定できません。")})
    if status == current.status:
        raise ValidationError({"status": _("すでにその状況になっています。")})
    reason = (reason or "").strip()
    if status == Status.CLOSED:
        if closure_reason not in ClosureReason.values:
            raise ValidationError({"closure_reason": _("終結理由を選んでください。")})
    elif current.status == Status.CLOSED:
        if status not in REOPEN_STATUSES:
            raise ValidationError(
                {"status": _("再開するときは「受付」か「支援中」を選んでください。")}
            )
        if not reason:
            raise ValidationError({"reason": _("再開する理由を入力してください。")})
    before = audit.snapshot(current, CASE_AUDIT_FIELDS)
    old = current.status
    if status == Status.CLOSED:
        current.closed_on = on
        current.closure_reason = closure_reason
        current.next_contact_on = None
        if not reason:
            reason = str(ClosureReason(closure_reason).label)
    else:
        current.closed_on = None
        current.closure_reason = ""
    current.status = status
    current.full_clean(exclude=["person", "center"])
    current.version += 1
    current.save()
    _record_case_change(
        user=user,
        case=current,
        field=CaseChange.Field.STATUS,
        old=old,
        new=status,
        on=on,
        reason=reason,
    )
    audit.record_change(
        actor=user,
        obj=current,
        before=before,
        after=audit.snapshot(current, CASE_AUDIT_FIELDS),
        reason=reason,
    )
    _sync_caller(case, current, ("status", "closed_on", "closure_reason", "next_contact_on"))
    return current


@transaction.atomic
def case_change_phase(
    *,
    user,
    case: Case,
    phase: str,
    reason: str = "",
    on: date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move a case to another support phase (forward or back), as a dated CaseChange row."""
    if phase not in Phase.values:
        raise ValidationError({"phase": _("支援段階を選んでください。")})
    _require_case_edit(user, case)
    current = _lock_case(case)
    _check_case_version(current, expected_version, {"phase": phase})
    if current.status == Status.CLOSED:
        raise ValidationError(_("終結したケースの支援段階は変更できません。"))
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("未来の日付は指定できません。")})
    if on < current.opened_on:
        raise ValidationError({"on": _("受付日より前の日付は指定できません。")})
    if phase == current.phase:
        raise ValidationError({"phase": _("すでにその支援段階になっています。")})
    old = current.phase
    current.phase = phase
    current.version += 1
    current.save()
    _record_case_change(
        user=user,
        case=current,
        field=CaseChange.Field.PHASE,
        old=old,
        new=phase,
        on=on,
        reason=(reason or "").strip(),
    )
    audit.record_change(
        actor=user,
        obj=current,
        before={"phase": old},
        after={"phase": phase},
        reason=reason,
    )
    _sync_caller(case, current, ("phase",))
    return current


@transaction.atomic
def case_assign(
    *,
    user,
    case: Case,
    primary_worker: User | None,
    secondary_workers: list[User] | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Set the primary (and, when given, the secondary) workers. Managers of the center only.

    secondary_workers=None leaves the secondary workers as they are.
    """
    if not (user.is_authenticated and user.is_manager_of(case.center_id)):
        raise PermissionDenied
    current = _lock_case(case)
    _check_case_version(
        current, expected_version, {"primary_worker_id": getattr(primary_worker, "pk", None)}
    )
    if primary_worker is not None and not is_case_staff(primary_worker, current.center_id):
        raise ValidationError(
            {"primary_worker": _("主担当には、このセンターの支援員か管理者を選んでください。")}
        )
    old_secondary = sorted(current.secondary_workers.values_list("pk", flat=True))
    new_secondary = old_secondary
    if secondary_workers is not None:
        for worker in secondary_workers:
            if not is_case_staff(worker, current.center_id):
                raise ValidationError(
                    {"secondary_workers": _("副担当には、このセンターの職員を選んでください。")}
                )
        new_secondary = sorted(
            {w.pk for w in secondary_workers} - {getattr(primary_worker, "pk", None)}
        )
    before = audit.snapshot(current, ("primary_worker_id", "primary_assigned_at"))
    before["secondary_workers"] = old_secondary
    old_primary = current.primary_worker_id
    new_primary = getattr(primary_worker, "pk", None)
    if old_primary == new_primary and old_secondary == new_secondary:
        return current
    if old_primary != new_primary:
        current.primary_worker = primary_worker
        current.primary_assigned_at = timezone.now() if primary_worker else None
        _record_case_change(
            user=user,
            case=current,
            field=CaseChange.Field.PRIMARY_WORKER,
            old=str(old_primary or ""),
            new=str(new_primary or ""),
            on=timezone.localdate(),
            reason=(reason or "").strip(),
        )
    current.version += 1
    current.save()
    if new_secondary != old_secondary:
        current.secondary_workers.set(new_secondary)
    after = audit.snapshot(current, ("primary_worker_id", "primary_assigned_at"))
    after["secondary_workers"] = new_secondary
    audit.record_change(actor=user, obj=current, before=before, after=after, reason=reason)
    _sync_caller(case, current, ("primary_worker_id", "primary_assigned_at"))
    if "primary_worker" in case._state.fields_cache:
        del case._state.fields_cache["primary_worker"]
    return current


@transaction.atomic
def case_set_risk(
    *,
    user,
    case: Case,
    flags: dict[str, bool],
    note: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """Set the risk flags (keys: self_harm, violence, abuse, no_medical, with or without the
    `risk_` prefix). A newly raised flag marks the case escalated until a manager acknowledges.
    note=None leaves the risk detail unchanged."""
    wanted: dict[str, bool] = {}
    for key, value in flags.items():
        name = key if key.startswith("risk_") else f"risk_{key}"
        if name not in RISK_FLAGS:
            raise ValueError(f"unknown risk flag: {key}")
        wanted[name] = bool(value)
    _require_case_edit(user, case)
    current = _lock_case(case)
    if note is not None:
        wanted_with_note = {**wanted, "risk_note": note}
    else:
        wanted_with_note = wanted
    _check_case_version(current, expected_version, wanted_with_note)
    before = audit.snapshot(current, CASE_AUDIT_FIELDS)
    raised = any(value and not getattr(current, name) for name, value in wanted.items())
    for name, value in wanted_with_note.items():
        setattr(current, name, value)
    if raised:
        current.risk_escalated_at = timezone.now()
        current.risk_acknowledged_at = None
        current.risk_acknowledged_by = None
    if not any(getattr(current, name) for name in RISK_FLAGS):
        current.risk_escalated_at = None
    after = audit.snapshot(current, CASE_AUDIT_FIELDS)
    if after == before:
        return current
    current.version += 1
    current.save()
    audit.record_change(actor=user, obj=current, before=before, after=after)
    _sync_caller(
        case,
        current,
        (*RISK_FLAGS, "risk_note", "risk_escalated_at", "risk_acknowledged_at"),
    )
    return current


@transaction.atomic
def case_acknowledge_risk(*, user, case: Case) -> Case:
    """A manager of the center confirms they have seen the raised risk flags."""
    if not (user.is_authenticated and user.is_manager_of(case.center_id)):
        raise PermissionDenied
    current = _lock_case(case)
    if current.risk_escalated_at is None or current.risk_acknowledged_at is not None:
        return current
    before = audit.snapshot(current, ("risk_acknowledged_at", "risk_acknowledged_by_id"))
    current.risk_acknowledged_at = timezone.now()
    current.risk_acknowledged_by = user
    current.save(update_fields=["risk_acknowledged_at", "risk_acknowledged_by", "updated_at"])
    audit.record_change(
        actor=user,
        obj=current,
        before=before,
        after=audit.snapshot(current, ("risk_acknowledged_at", "risk_acknowledged_by_id")),
    )
    _sync_caller(case, current, ("risk_acknowledged_at", "risk_acknowledged_by_id"))
    return current


# --- plans and hand-over (支援プラン, 引継ぎ) ---------------------------------------------------

PLAN_FIELDS = (
    "goals",
    "voice",
    "planned_supports",
    "review_on",
    "agreed_by",
    "agreed_on",
    "informed_by_assessment_id",
)


@transaction.atomic
def plan_version_create(
    *, user, case: Case, data: dict[str, Any], based_on_number: int | None = None
) -> PlanVersion:
    """Add the next version of the case's plan. Versions are never edited, only added.

    `based_on_number` is the latest version's number when the form was opened (0 when there
    was none). If a version was added since, the one added is returned when it holds exactly
    what is submitted now (the same form sent twice); otherwise StaleEditError names what
    differs, and nothing is saved.
    """
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    _require_case_edit(user, case)
    current = _lock_case(case)
    if current.status == Status.CLOSED:
        raise ValidationError(
            _("このケースは終結しています。プランを追加するには、先にケースを再開してください。")
        )
    latest = PlanVersion.objects.filter(case=current).order_by("-number").first()
    latest_number = latest.number if latest else 0
    if based_on_number is not None and based_on_number != latest_number:
        changes = {}
        if latest is not None:
            changes = {
                name: (getattr(latest, name), value)
                for name, value in data.items()
                if getattr(latest, name) != value
            }
            if not changes:
                return latest
        raise StaleEditError(
            changes or {"number": (latest_number, based_on_number)},
            current_version=latest_number,
        )
    version = PlanVersion(case=current, number=latest_number + 1, created_by=user, **data)
    version.full_clean(exclude=["case", "created_by"])
    version.save()
    audit.record_change(
        actor=user,
        obj=version,
        action=Action.CREATE,
        after={
            "case_id": current.pk,
            "number": version.number,
            **audit.snapshot(version, PLAN_FIELDS),
        },
    )
    return version


@transaction.atomic
def cases_hand_over(*, user, case_ids, to_worker: User, reason: str) -> list[Case]:
    """Make `to_worker` the primary worker of every case in `case_ids`, all or none.

    Managers of the cases' center only; each case gets its own CaseChange and audit event
    through case_assign. Cases the worker already holds are left as they are.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("引継ぎの理由を入力してください。")})
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        raise ValidationError({"cases": _("引き継ぐケースを1件以上選んでください。")})
    cases = list(
        policy.visible_cases(user)
        .filter(pk__in=ids)
        .select_for_update()
        .prefetch_related("secondary_workers")
        .order_by("pk")
    )
    if len(cases) != len(ids):
        raise PermissionDenied
    for case in cases:
        if not user.is_manager_of(case.center_id):
            raise PermissionDenied
        if case.status == Status.CLOSED:
            raise ValidationError(
                {"cases": _("終結したケースは引き継げません（ケース %(id)s）。") % {"id": case.pk}}
            )
        gone = to_worker.leaving_on is not None and to_worker.leaving_on < timezone.localdate()
        if gone or not is_case_staff(to_worker, case.center_id):
            raise ValidationError(
                {"to_worker": _("新しい主担当には、このセンターの支援員を選んでください。")}
            )
    for case in cases:
        if case.primary_worker_id == to_worker.pk:
            continue
        secondary = list(case.secondary_workers.all())
        case_assign(
            user=user,
            case=case,
            primary_worker=to_worker,
            # The new primary worker stops being a secondary one; the others stay.
            secondary_workers=secondary if to_worker in secondary else None,
            reason=reason,
        )
    return cases

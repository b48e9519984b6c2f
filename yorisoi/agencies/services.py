"""Every write of the agencies app. Each runs in one transaction and writes its audit event
inside it. Views call these; nothing else saves an Agency, Referral, Meeting or CaseSummary."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.accounts.models import Center
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.cases import policy as cases_policy
from yorisoi.cases import services as cases_services
from yorisoi.cases.models import Case, Consulter, Contact, Method, Status
from yorisoi.core.errors import StaleEditError

from . import consent as consent_rules
from . import deidentify, policy
from .models import (
    ACTIVE_STATUSES,
    CONSENT_CHECKED_STATUSES,
    REASON_REQUIRED_STATUSES,
    TRANSITIONS,
    Agency,
    AgencyAttendance,
    AgencyConsultation,
    CaseSummary,
    Meeting,
    MeetingKind,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)

AGENCY_FIELDS = (
    "name",
    "kind",
    "address",
    "phone",
    "email",
    "contact_person",
    "contacts_note",
    "liaison_channel",
    "referral_needs",
    "liaison_agreed_on",
    "note",
    "is_active",
)
REFERRAL_AUDIT_FIELDS = (
    "case_id",
    "kind",
    "agency_id",
    "to_center_id",
    "from_center_id",
    "shared_kinds",
    "request",
    "summary",
    "status",
)
MEETING_FIELDS = (
    "kind",
    "title",
    "center",
    "held_on",
    "starts_at",
    "is_online",
    "place",
    "is_stress_care",
    "agenda",
    "minutes",
    "follow_up",
    "other_attendees",
)
MEETING_AUDIT_FIELDS = tuple(f"{n}_id" if n == "center" else n for n in MEETING_FIELDS)
# A progress note identical to one the same user posted this recently is a double submit.
DUPLICATE_POST_WINDOW = timedelta(minutes=2)


def _token(value: str | None) -> str | None:
    return (value or "").strip()[:64] or None


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")


# --- agencies ----------------------------------------------------------------------------------


@transaction.atomic
def agency_create(*, user, data: dict[str, Any]) -> Agency:
    _check_fields(data, AGENCY_FIELDS)
    if not policy.can_edit_agencies(user):
        raise PermissionDenied
    agency = Agency(**data)
    agency.full_clean()
    agency.save()
    audit.record_change(actor=user, obj=agency, action=Action.CREATE)
    return agency


@transaction.atomic
def agency_update(
    *, user, agency: Agency, data: dict[str, Any], expected_version: int | None = None
) -> Agency:
    """Save the given fields; refused (StaleEditError) if someone saved the agency since
    `expected_version` was read and their values differ from these."""
    _check_fields(data, AGENCY_FIELDS)
    if not policy.can_edit_agencies(user):
        raise PermissionDenied
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    if expected_version is not None and current.version != expected_version:
        changes = {
            name: (getattr(current, name), value)
            for name, value in data.items()
            if getattr(current, name) != value
        }
        if not changes:
            return current
        raise StaleEditError(changes, current_version=current.version)
    before = audit.snapshot(current, AGENCY_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    after = audit.snapshot(current, AGENCY_FIELDS)
    if after == before:
        return current
    current.version += 1
    current.save()
    audit.record_change(actor=user, obj=current, before=before, after=after)
    return current


# --- referrals and hand-overs ------------------------------------------------------------------


def _event(
    referral: Referral, *, user, kind: str, text: str = "", frm: str = "", to: str = ""
) -> ReferralEvent:
    agencies = policy.partner_agency_ids(user)
    by_agency_id = referral.agency_id if referral.agency_id in agencies else None
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        from_status=frm,
        to_status=to,
        text=text,
        by=user,
        by_agency_id=by_agency_id,
    )


def _record_override(*, user, referral: Referral, missing: list[str], reason: str) -> None:
    """A manager shares without (full) consent for an emergency: kept on the referral, as an
    event, and in the audit log with the reason."""
    referral.override_kinds = consent_rules.ordered_kinds(
        set(referral.override_kinds or []) | set(missing)
    )
    referral.override_reason = reason
    referral.override_by = user
    referral.override_at = timezone.now()
    _event(referral, user=user, kind=ReferralEvent.Kind.OVERRIDE, text=reason)
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=referral,
        changes={"consent_override": [None, list(missing)]},
        reason=reason,
    )


def _check_consent(
    *, user, referral: Referral, case: Case, emergency_reason: str, as_receiver: bool
) -> list[str]:
    """Kinds the referral would share without consent, or raise ConsentMissing.

    Returns the kinds an emergency decision now covers (to be recorded by the caller once the
    referral exists); an empty list when consent covers everything.
    """
    missing = consent_rules.missing_kinds(
        person_id=case.person_id,
        kinds=referral.shared_kinds,
        agency=referral.agency,
        to_center=referral.to_center,
        covered=referral.override_kinds or [],
    )
    if not missing:
        return []
    if as_receiver:
        raise consent_rules.ConsentMissing(consent_rules.receiver_message(), missing=missing)
    reason = (emergency_reason or "").strip()
    if not reason:
        raise consent_rules.ConsentMissing(
            consent_rules.missing_message(
                person_id=case.person_id,
                missing=missing,
                agency=referral.agency,
                to_center=referral.to_center,
            ),
            missing=missing,
        )
    if not policy.can_override_consent(user, case):
        raise ValidationError(
            {
                "emergency_reason": _(
                    "同意のないまま緊急に情報を提供する判断は、センター長・管理者だけが"
                    "行えます。センター長・管理者に相談してください。"
                )
            }
        )
    return missing


def _refuse_duplicate(case: Case, *, agency=None, to_center=None, exclude_id=None) -> None:
    active = Referral.objects.filter(case_id=case.pk, status__in=ACTIVE_STATUSES)
    if agency is not None:
        active = active.filter(agency=agency)
    else:
        active = active.filter(to_center=to_center)
    if exclude_id:
        active = active.exclude(pk=exclude_id)
    existing = active.first()
    if existing is not None:
        raise ValidationError(
            _(
                "このケースは、すでに%(recipient)sへの紹介・引継ぎが進行中です"
                "（紹介 %(id)s・%(status)s）。新しく依頼する代わりに、その紹介の経過を"
                "確認してください。"
            )
            % {
                "recipient": agency or to_center,
                "id": existing.pk,
                "status": existing.get_status_display(),
            }
        )


def _refuse_existing_case_at(case: Case, center: Center) -> None:
    if Case.objects.filter(person_id=case.person_id, center=center).exclude(pk=case.pk).exists():
        raise ValidationError(
            {
                "to_center": _(
                    "この方には、すでに%(center)sのケースがあります。引継ぎではなく、"
                    "%(center)sとそのケースで連携してください。"
                )
                % {"center": center}
            }
        )


@transaction.atomic
def referral_create(
    *,
    user,
    case: Case,
    kind: str,
    shared_kinds,
    request: str,
    summary: str = "",
    agency: Agency | None = None,
    to_center: Center | None = None,
    emergency_reason: str = "",
    submission_token: str | None = None,
) -> Referral:
    """Refer the case to an agency, hand it over to another center, or start joint support.

    Refused: a closed case, a second open referral of the case to the same place, a hand-over
    to the case's own center or to a center where the person already has a case, and any
    sharing the person's (or family's) consent does not cover — unless a manager records an
    emergency reason, which is audited.
    """
    if not cases_policy.can_edit_case(user, case):
        raise PermissionDenied
    token = _token(submission_token)
    if token:
        existing = Referral.objects.filter(submission_token=token).first()
        if existing is not None:
            if existing.case_id != case.pk:
                raise PermissionDenied
            return existing
    current = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "center")
        .get(pk=case.pk)
    )
    if current.status == Status.CLOSED:
        raise ValidationError(
            _("このケースは終結しています。紹介・引継ぎをするには、先にケースを再開してください。")
        )
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("紹介の種類を選んでください。")})
    if kind == ReferralKind.HANDOVER:
        agency = None
        if to_center is None:
            raise ValidationError({"to_center": _("引継ぎ先のセンターを選んでください。")})
        if to_center.pk == current.center_id:
            raise ValidationError(
                {"to_center": _("このケースのセンター以外の、引継ぎ先のセンターを選んでください。")}
            )
        if not to_center.is_active:
            raise ValidationError({"to_center": _("このセンターは現在利用されていません。")})
        _refuse_existing_case_at(current, to_center)
    else:
        to_center = None
        if agency is None:
            raise ValidationError({"agency": _("紹介先の機関を選んでください。")})
        if not agency.is_active:
            raise ValidationError(
                {"agency": _("この機関は連携を休止しています。機関の情報を確認してください。")}
            )
    referral = Referral(
        case=current,
        kind=kind,
        agency=agency,
        to_center=to_center,
        from_center_id=current.center_id,
        shared_kinds=consent_rules.ordered_kinds(shared_kinds)
        + sorted(set(shared_kinds or []) - set(consent_rules.ordered_kinds(shared_kinds))),
        request=(request or "").strip(),
        summary=(summary or "").strip(),
        status=ReferralStatus.REQUESTED,
        created_by=user,
        submission_token=token,
    )
    # shared_kinds is checked by Referral.clean, with a message that says what to do.
    referral.full_clean(
        exclude=["case", "from_center", "created_by", "submission_token", "shared_kinds"]
    )
    _refuse_duplicate(current, agency=agency, to_center=to_center)
    override = _check_consent(
        user=user,
        referral=referral,
        case=current,
        emergency_reason=emergency_reason,
        as_receiver=False,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        if token and Referral.objects.filter(submission_token=token).exists():
            return Referral.objects.get(submission_token=token)
        # Another request opened the same referral an instant ago.
        _refuse_duplicate(current, agency=agency, to_center=to_center)
        raise
    audit.record_change(
        actor=user,
        obj=referral,
        action=Action.CREATE,
        after=audit.snapshot(referral, REFERRAL_AUDIT_FIELDS),
    )
    _event(referral, user=user, kind=ReferralEvent.Kind.STATUS, to=ReferralStatus.REQUESTED)
    if override:
        _record_override(
            user=user, referral=referral, missing=override, reason=emergency_reason.strip()
        )
        referral.save(
            update_fields=[
                "override_kinds",
                "override_reason",
                "override_by",
                "override_at",
                "updated_at",
            ]
        )
    return referral


def transition_refused_message(referral: Referral, to_status: str) -> str:
    return _("「%(current)s」の紹介を「%(target)s」にすることはできません。") % {
        "current": referral.get_status_display(),
        "target": ReferralStatus(to_status).label,
    }


@transaction.atomic
def referral_transition(
    *,
    user,
    referral: Referral,
    to_status: str,
    text: str = "",
    emergency_reason: str = "",
    new_primary_worker=None,
    expected_version: int | None = None,
) -> Referral:
    """Move a referral along the one status machine (models.TRANSITIONS).

    A step not in the table is refused with a message naming both statuses; a step the user's
    side may not take is a PermissionDenied. 差戻し and 不成立 need a reason, 完了 the outcome.
    Moving forward (依頼, 受理, 対応中) checks consent again. A hand-over accepted by a manager
    of the receiving center moves the case there: its center, and so who may see it.
    """
    if to_status not in ReferralStatus.values:
        raise ValidationError({"to_status": _("変更後の状況を選んでください。")})
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "case__person", "agency", "to_center")
        .get(pk=referral.pk)
    )
    if expected_version is not None and current.version != expected_version:
        if current.status == to_status:
            return current  # the same step submitted twice
        raise ValidationError(
            _(
                "この紹介は、画面を開いた後に更新されています（現在の状況：%(status)s）。"
                "画面を開き直してから操作してください。"
            )
            % {"status": current.get_status_display()}
        )
    if (current.status, to_status) not in TRANSITIONS:
        raise ValidationError(transition_refused_message(current, to_status))
    if not policy.may_transition(user, current, to_status):
        raise PermissionDenied
    text = (text or "").strip()
    if to_status in REASON_REQUIRED_STATUSES and not text:
        if to_status == ReferralStatus.COMPLETED:
            message = _("結果（どのような支援につながったか）を入力してください。")
        elif to_status == ReferralStatus.RETURNED:
            message = _("差し戻す理由（紹介元に確認・補足してほしいこと）を入力してください。")
        else:
            message = _("不成立の理由を入力してください。")
        raise ValidationError({"text": message})
    as_receiver = policy.is_receiver(user, current) and not policy.is_sender(user, current)
    override: list[str] = []
    if to_status in CONSENT_CHECKED_STATUSES:
        if to_status == ReferralStatus.REQUESTED and current.case.status == Status.CLOSED:
            raise ValidationError(
                _(
                    "このケースは終結しています。紹介・引継ぎをするには、"
                    "先にケースを再開してください。"
                )
            )
        override = _check_consent(
            user=user,
            referral=current,
            case=current.case,
            emergency_reason=emergency_reason,
            as_receiver=as_receiver,
        )
    old = current.status
    if current.is_handover and to_status == ReferralStatus.ACCEPTED:
        _move_case(user=user, referral=current, new_primary_worker=new_primary_worker)
    current.status = to_status
    current.status_changed_at = timezone.now()
    current.version += 1
    if override:
        _record_override(
            user=user, referral=current, missing=override, reason=emergency_reason.strip()
        )
    current.save()
    _event(current, user=user, kind=ReferralEvent.Kind.STATUS, frm=old, to=to_status, text=text)
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=current,
        changes={"status": [old, to_status]},
        reason=text,
    )
    for name in ("status", "status_changed_at", "version", "override_kinds", "override_at"):
        setattr(referral, name, getattr(current, name))
    return current


def _move_case(*, user, referral: Referral, new_primary_worker) -> None:
    """Hand the case over: its center becomes the receiving center, so the sending center's
    staff no longer see it and the receiving center's do. The receiving manager names the
    new primary worker (or leaves it to assign later); the old workers are released."""
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    if case.status == Status.CLOSED:
        raise ValidationError(
            _("このケースは終結しているため、引き継げません。紹介元のセンターに確認してください。")
        )
    _refuse_existing_case_at(case, referral.to_center)
    if new_primary_worker is not None and not cases_services.is_case_staff(
        new_primary_worker, referral.to_center_id
    ):
        raise ValidationError(
            {"new_primary_worker": _("主担当には、引継ぎ先のセンターの職員を選んでください。")}
        )
    old_center = case.center_id
    Case.objects.filter(pk=case.pk).update(
        center_id=referral.to_center_id, version=F("version") + 1, updated_at=timezone.now()
    )
    case.refresh_from_db()
    reason = _("センター間の引継ぎ（紹介 %(id)s）") % {"id": referral.pk}
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=case,
        changes={"center_id": [old_center, case.center_id]},
        reason=reason,
    )
    cases_services.case_assign(
        user=user,
        case=case,
        primary_worker=new_primary_worker,
        secondary_workers=[],
        reason=reason,
    )
    referral.case = case


@transaction.atomic
def referral_post_progress(*, user, referral: Referral, text: str) -> ReferralEvent:
    """A progress note by either side while the referral is open. Posting the same note twice
    in a row (a double submit) keeps one."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("経過の内容を入力してください。")})
    current = (
        Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    )
    if not policy.can_post_progress(user, current):
        if not current.is_active:
            raise ValidationError(
                _("この紹介は「%(status)s」になっているため、経過は追加できません。")
                % {"status": current.get_status_display()}
            )
        raise PermissionDenied
    last = current.events.order_by("-at", "-id").first()
    if (
        last is not None
        and last.kind == ReferralEvent.Kind.PROGRESS
        and last.by_id == user.pk
        and last.text == text
        and last.at >= timezone.now() - DUPLICATE_POST_WINDOW
    ):
        return last
    event = _event(current, user=user, kind=ReferralEvent.Kind.PROGRESS, text=text)
    audit.record_change(actor=user, obj=event, action=Action.CREATE, changes={"text": ["", "…"]})
    Referral.objects.filter(pk=current.pk).update(updated_at=timezone.now())
    return event


# --- agency consultations (機関相談) ---------------------------------------------------------


@transaction.atomic
def consultation_record(
    *,
    user,
    center: Center,
    agency: Agency,
    method: str = Method.INTER_AGENCY,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    case: Case | None = None,
    consulter_detail: str = "",
    summary: str = "",
    note: str = "",
    follow_up: str = "",
    submission_token: str | None = None,
) -> AgencyConsultation:
    """Record an agency asking the center for advice: a contact with consulter = agency, on a
    case when the person is known to the center, otherwise on the center alone."""
    token = _token(submission_token)
    if token:
        existing = (
            AgencyConsultation.objects.filter(contact__submission_token=token)
            .select_related("contact")
            .first()
        )
        if existing is not None:
            if existing.contact.center_id not in user.center_ids_with(*policy.STAFF_ROLES):
                raise PermissionDenied
            return existing
    detail = f"{agency.name} {consulter_detail}".strip()[:200]
    if case is not None:
        if case.center_id != center.pk:
            raise ValidationError({"case": _("選んだセンターのケースを指定してください。")})
        if not cases_policy.can_edit_case(user, case):
            raise ValidationError(
                {
                    "case": _(
                        "このケースの記録を書き込めるのは、主担当・副担当とセンター長です。"
                        "ケースを指定せずに記録するか、担当者に依頼してください。"
                    )
                }
            )
        contact = cases_services.contact_record(
            user=user,
            case=case,
            method=method,
            consulter=Consulter.AGENCY,
            occurred_at=occurred_at,
            duration_minutes=duration_minutes,
            consulter_detail=detail,
            summary=summary,
            note=note,
            follow_up=follow_up,
            submission_token=token,
        )
    else:
        if not user.has_role(*policy.STAFF_ROLES, center=center.pk):
            raise PermissionDenied
        # cases records contacts only on a case; a consultation about someone the center has
        # no record of is a case-less contact of the center (Contact.case is nullable for it).
        contact = Contact(
            center=center,
            case=None,
            occurred_at=occurred_at or timezone.now(),
            duration_minutes=duration_minutes,
            method=method,
            consulter=Consulter.AGENCY,
            consulter_detail=detail,
            summary=summary,
            note=note,
            follow_up=follow_up,
            recorded_by=user,
            submission_token=token,
        )
        contact.full_clean(exclude=["submission_token", "case"])
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:
            if token:
                return AgencyConsultation.objects.get(contact__submission_token=token)
            raise
        contact.workers.add(user)
        audit.record_change(
            actor=user,
            obj=contact,
            action=Action.CREATE,
            after=audit.snapshot(contact, cases_services.CONTACT_AUDIT_FIELDS),
        )
    link, created = AgencyConsultation.objects.get_or_create(
        contact=contact, defaults={"agency": agency}
    )
    if created:
        audit.record_change(
            actor=user,
            obj=link,
            action=Action.CREATE,
            after={"contact_id": contact.pk, "agency_id": agency.pk},
        )
    return link


# --- the network: meetings, case conferences, trainings ---------------------------------------


@transaction.atomic
def meeting_save(
    *,
    user,
    data: dict[str, Any],
    agencies=None,
    staff=None,
    meeting: Meeting | None = None,
    expected_version: int | None = None,
    submission_token: str | None = None,
) -> Meeting:
    """Create a meeting, or update one. `agencies` and `staff` (None: unchanged) replace the
    attending agencies (keeping the attendee numbers of those that stay) and staff."""
    _check_fields(data, MEETING_FIELDS)
    center = data.get("center") or (meeting.center if meeting else None)
    if center is None or not user.has_role(*policy.STAFF_ROLES, center=center.pk):
        raise PermissionDenied
    if meeting is None:
        token = _token(submission_token)
        if token:
            existing = Meeting.objects.filter(submission_token=token).first()
            if existing is not None:
                return existing
        current = Meeting(created_by=user, submission_token=token, **data)
        current.full_clean(exclude=["created_by", "submission_token"])
        current.save()
        before: dict[str, Any] = {}
        action = Action.CREATE
    else:
        if not policy.can_edit_meeting(user, meeting):
            raise PermissionDenied
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if expected_version is not None and current.version != expected_version:
            changes = {
                name: (getattr(current, name), value)
                for name, value in data.items()
                if getattr(current, name) != value
            }
            if changes:
                raise StaleEditError(changes, current_version=current.version)
        before = audit.snapshot(current, MEETING_AUDIT_FIELDS)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean(exclude=["created_by", "submission_token"])
        current.version += 1
        current.save()
        action = Action.UPDATE
    after = audit.snapshot(current, MEETING_AUDIT_FIELDS)
    if agencies is not None:
        wanted = {a.pk for a in agencies}
        have = set(current.attendances.values_list("agency_id", flat=True))
        current.attendances.exclude(agency_id__in=wanted).delete()
        AgencyAttendance.objects.bulk_create(
            [AgencyAttendance(meeting=current, agency_id=pk) for pk in sorted(wanted - have)]
        )
        before["agencies"] = sorted(have)
        after["agencies"] = sorted(wanted)
    if staff is not None:
        have_staff = set(current.attending_staff.values_list("pk", flat=True))
        current.attending_staff.set(list(staff))
        before["staff"] = sorted(have_staff)
        after["staff"] = sorted(u.pk for u in staff)
    if action == Action.CREATE or after != before:
        audit.record_change(actor=user, obj=current, action=action, before=before, after=after)
    return current


@transaction.atomic
def attendance_set(*, user, meeting: Meeting, counts: dict[int, int]) -> None:
    """Set how many staff of each attending agency came (1 or more)."""
    if not policy.can_edit_meeting(user, meeting):
        raise PermissionDenied
    rows = {a.agency_id: a for a in meeting.attendances.select_for_update()}
    changes = {}
    for agency_id, count in counts.items():
        row = rows.get(agency_id)
        if row is None:
            continue
        if count is None or count < 1:
            raise ValidationError(_("出席人数は1以上の数で入力してください。"))
        if row.attendees != count:
            changes[str(agency_id)] = [row.attendees, count]
            row.attendees = count
            row.save(update_fields=["attendees"])
    if changes:
        audit.record(actor=user, action=Action.UPDATE, obj=meeting, changes={"attendees": changes})


def can_edit_summary(user, summary: CaseSummary) -> bool:
    if summary.is_shared:
        return False
    if summary.prepared_by_id == user.pk:
        return True
    case = summary.source_case
    return case is not None and cases_policy.can_edit_case(user, case)


@transaction.atomic
def summary_create(*, user, meeting: Meeting, case: Case, title: str = "") -> CaseSummary:
    """Generate a de-identified summary of `case` for a case conference, as a draft that the
    worker reviews and edits before it is shared. Only the case's editors may do this."""
    if meeting.kind != MeetingKind.CASE_CONFERENCE:
        raise ValidationError(_("事例の要約を追加できるのは、事例検討の会議だけです。"))
    if not cases_policy.can_edit_case(user, case):
        raise PermissionDenied
    number = meeting.summaries.count() + 1
    summary = CaseSummary.objects.create(
        meeting=meeting,
        source_case=case,
        title=(title or "").strip() or _("事例%(letter)s") % {"letter": _letter(number)},
        text=deidentify.summary_for_case(case),
        prepared_by=user,
    )
    audit.record(
        actor=user,
        action=Action.CREATE,
        obj=summary,
        changes={"meeting_id": [None, meeting.pk], "source_case_id": [None, case.pk]},
    )
    return summary


def _letter(number: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[(number - 1) % 26] + ("" if number <= 26 else str((number - 1) // 26))


@transaction.atomic
def summary_update(
    *, user, summary: CaseSummary, title: str, text: str, expected_version: int | None = None
) -> CaseSummary:
    """Save the worker's edits of a draft summary."""
    current = (
        CaseSummary.objects.select_for_update(of=("self",))
        .select_related("source_case")
        .get(pk=summary.pk)
    )
    if not can_edit_summary(user, current):
        if current.is_shared:
            raise ValidationError(_("共有済みの要約は変更できません。"))
        raise PermissionDenied
    if expected_version is not None and current.version != expected_version:
        changes = {}
        if current.title != title:
            changes["title"] = (current.title, title)
        if current.text != text:
            changes["text"] = (current.text, text)
        if changes:
            raise StaleEditError(changes, current_version=current.version)
        return current
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("要約の本文を入力してください。")})
    current.title = (title or "").strip() or current.title
    current.text = text
    current.version += 1
    current.save()
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=current,
        changes={"text": ["[redacted]", "[redacted]"]},
    )
    summary.title, summary.text, summary.version = current.title, current.text, current.version
    return current


@transaction.atomic
def summary_share(*, user, summary: CaseSummary) -> CaseSummary:
    """Share a reviewed draft with the meeting. Refused while the text still holds anything
    that identifies the person: a name, reading or nickname of the person or family, a phone
    number, an e-mail or street address, the ward, or an exact date."""
    current = (
        CaseSummary.objects.select_for_update(of=("self",))
        .select_related("source_case")
        .get(pk=summary.pk)
    )
    if current.is_shared:
        return current
    if not can_edit_summary(user, current):
        raise PermissionDenied
    found = deidentify.find_identifiers(current.text, current.source_case)
    if found:
        raise ValidationError(
            {
                "text": _(
                    "要約に、個人が特定されるおそれのある情報が残っています：%(found)s。"
                    "該当する部分を書き換えてから共有してください。"
                )
                % {"found": _("、").join(found)}
            }
        )
    current.status = CaseSummary.Status.SHARED
    current.shared_by = user
    current.shared_at = timezone.now()
    current.version += 1
    current.save()
    audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=current,
        changes={"status": [CaseSummary.Status.DRAFT, CaseSummary.Status.SHARED]},
    )
    summary.status, summary.version = current.status, current.version
    return current

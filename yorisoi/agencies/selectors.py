"""Every read of agencies, referrals, agency consultations and meetings, each starting from
agencies.policy and taking the acting user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yorisoi.accounts.models import Center, Role, User
from yorisoi.audit import services as audit
from yorisoi.audit.models import Action
from yorisoi.cases import policy as cases_policy
from yorisoi.cases.models import Case, PlanVersion
from yorisoi.core.japanese import fiscal_year_bounds
from yorisoi.people.models import InfoKind

from . import consent as consent_rules
from . import policy
from .models import (
    ACTIVE_STATUSES,
    Agency,
    AgencyAttendance,
    AgencyConsultation,
    AgencyKind,
    CaseSummary,
    Meeting,
    MeetingKind,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)

# --- agencies ----------------------------------------------------------------------------------


def agency_list(*, user, include_inactive: bool = False) -> QuerySet[Agency]:
    """The agency registry, for staff. Partners and others find no agency pages at all."""
    if not policy.is_center_staff(user):
        raise Http404
    queryset = Agency.objects.annotate(
        staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True)
    )
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("kind", "name")


def agency_get(*, user, agency_id: int) -> Agency:
    if not policy.is_center_staff(user):
        raise Http404
    return get_object_or_404(Agency, pk=agency_id)


def agency_staff(*, agency: Agency) -> list[User]:
    return [
        link.user
        for link in agency.staff.filter(is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    ]


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("kind", "name")


# --- referrals ---------------------------------------------------------------------------------


def _referral_queryset(user) -> QuerySet[Referral]:
    return policy.visible_referrals(user).select_related(
        "case", "case__person", "case__center", "agency", "to_center", "from_center", "created_by"
    )


def referral_get(*, user, referral_id: int, record: bool = True) -> Referral:
    """One referral the user may see; a referral they may not see is a 404."""
    referral = get_object_or_404(_referral_queryset(user), pk=referral_id)
    if record:
        audit.record_view(actor=user, obj=referral)
    return referral


def referral_list(*, user, status: str = "", kind: str = "") -> QuerySet[Referral]:
    """Visible referrals, newest change first, ready to render as rows (fixed query count).

    status: a ReferralStatus value, "active" (still open) or "" (all).
    """
    if not (policy.is_partner(user) or policy.is_center_staff(user)):
        raise Http404
    queryset = _referral_queryset(user)
    if status == "active":
        queryset = queryset.filter(status__in=ACTIVE_STATUSES)
    elif status in ReferralStatus.values:
        queryset = queryset.filter(status=status)
    if kind in ReferralKind.values:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-status_changed_at", "-id")


def referrals_of_case(*, user, case: Case) -> list[Referral]:
    """The referrals of a case (from cases.selectors.case_get, access-checked)."""
    return list(
        Referral.objects.filter(case_id=case.pk)
        .select_related("agency", "to_center", "created_by")
        .order_by("-created_at", "-id")
    )


def referral_events(*, user, referral: Referral) -> list[ReferralEvent]:
    """The steps of a referral. The receiving side does not see the sending center's
    emergency decisions (the reasons are about the person)."""
    events = referral.events.select_related("by", "by_agency").order_by("at", "id")
    if not policy.is_sender(user, referral) and not user.is_manager_of(referral.from_center_id):
        events = events.exclude(kind=ReferralEvent.Kind.OVERRIDE)
    return list(events)


def events_for_case_timeline(*, user, case: Case) -> list[ReferralEvent]:
    return list(
        ReferralEvent.objects.filter(referral__case_id=case.pk)
        .select_related("referral", "referral__agency", "referral__to_center", "by", "by_agency")
        .order_by("-at", "-id")
    )


@dataclass
class SharedInfo:
    """What the receiving side of a referral may see about the person, kind by kind."""

    kinds: list[str]  # shared and in force (consented, or by an emergency decision)
    withheld: list[str]  # asked to share, but no consent in force now
    request: str = ""
    contact: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    assessments: dict[str, Any] | None = None
    plan: PlanVersion | None = None
    by_emergency: bool = False
    labels: list[str] = field(default_factory=list)
    withheld_labels: list[str] = field(default_factory=list)


def visible_kinds(referral: Referral) -> list[str]:
    """The kinds of the referral the receiving side may see now: those a consent in force
    covers, plus those an emergency decision covered. A withdrawal counts at once."""
    shared = consent_rules.ordered_kinds(referral.shared_kinds)
    allowed = consent_rules.consented(
        person_id=referral.case.person_id, agency=referral.agency, to_center=referral.to_center
    )
    allowed |= set(referral.override_kinds or [])
    return [k for k in shared if k in allowed]


def referral_shared_info(*, user, referral: Referral) -> SharedInfo:
    """The person's information this referral shares, limited to the consented kinds.

    `referral` must come from referral_get. The receiving side's reading is recorded against
    the case (which kinds, through which referral) so the center's audit log shows it.
    """
    kinds = visible_kinds(referral)
    shared = consent_rules.ordered_kinds(referral.shared_kinds)
    info = SharedInfo(
        kinds=kinds,
        withheld=[k for k in shared if k not in kinds],
        by_emergency=bool(set(referral.override_kinds or []) & set(kinds)),
    )
    info.labels = [str(InfoKind(k).label) for k in info.kinds]
    info.withheld_labels = [str(InfoKind(k).label) for k in info.withheld]
    if not kinds:
        return info
    case = referral.case
    person = case.person
    info.request = referral.request
    if InfoKind.CONTACT in kinds:
        info.contact = {
            "name": person.full_name,
            "reading": person.full_name_kana,
            "nickname": person.nickname,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "preferences": person.contact_preferences,
        }
    if InfoKind.SUMMARY in kinds:
        info.summary = {
            "age_band": person.effective_age_band_label(),
            "sex": person.get_sex_display(),
            "phase": case.get_phase_display(),
            "text": referral.summary,
        }
    if InfoKind.ASSESSMENTS in kinds:
        info.assessments = latest_assessment(case)
    if InfoKind.PLAN in kinds:
        info.plan = PlanVersion.objects.filter(case_id=case.pk).order_by("-number").first()
    if not cases_policy.visible_cases(user).filter(pk=case.pk).exists():
        audit.record(
            actor=user,
            action=Action.VIEW,
            obj=case,
            changes={"referral": referral.pk, "kinds": kinds},
            reason=_("紹介 %(id)s を通じた閲覧") % {"id": referral.pk},
        )
    return info


def _pick(labels: Any, fallback: str = "") -> str:
    if isinstance(labels, dict):
        lang = "en" if (get_language() or "ja").startswith("en") else "ja"
        return str(labels.get(lang) or labels.get("ja") or fallback)
    return str(labels or fallback)


def latest_assessment(case: Case) -> dict[str, Any] | None:
    """The scores of the case's latest complete assessment, when the assessments app is
    installed. Read defensively through the app registry: agencies does not import
    assessments (they sit side by side), and a change there must not break a referral."""
    if not apps.is_installed("yorisoi.assessments"):
        return None
    try:
        model = apps.get_model("assessments", "Assessment")
        latest = (
            model.objects.filter(case_id=case.pk, status="complete")
            .order_by("-assessed_on", "-id")
            .prefetch_related("responses")
            .first()
        )
        if latest is None:
            return {"assessed_on": None, "lines": []}
        lines = []
        for response in latest.responses.all():
            snapshot = response.snapshot or {}
            result = response.result or {}
            parts = []
            if response.total is not None:
                parts.append(_("%(total)s点") % {"total": response.total})
            band = result.get("band") or {}
            if isinstance(band, dict) and band.get("labels"):
                parts.append(_pick(band.get("labels")))
            classification = result.get("classification") or {}
            if isinstance(classification, dict) and classification.get("labels"):
                parts.append(_pick(classification.get("labels")))
            lines.append(
                {
                    "label": _pick(snapshot.get("labels"), response.instrument_id),
                    "result": " ".join(parts) or _("記録あり"),
                }
            )
        return {"assessed_on": latest.assessed_on, "lines": lines}
    except (LookupError, AttributeError, TypeError, ValueError):
        return None


def home_referrals(*, user) -> dict[str, list[Referral]] | None:
    """For the home page: a partner's open referrals; a manager's incoming hand-overs; a
    worker's referrals sent back (差戻し) on cases they may edit."""
    if policy.is_partner(user):
        rows = list(
            _referral_queryset(user)
            .filter(status__in=ACTIVE_STATUSES)
            .order_by("status", "-status_changed_at", "-id")[:50]
        )
        return {"partner": rows}
    if not policy.is_center_staff(user):
        return None
    managed = [
        m.center_id
        for m in user.memberships_cached
        if m.role == Role.MANAGER and m.center_id is not None
    ]
    handovers = []
    if managed:
        handovers = list(
            _referral_queryset(user).filter(
                kind=ReferralKind.HANDOVER,
                to_center_id__in=managed,
                status=ReferralStatus.REQUESTED,
            )[:50]
        )
    returned = list(
        _referral_queryset(user)
        .filter(status=ReferralStatus.RETURNED)
        .filter(Q(created_by=user) | Q(case__primary_worker=user))
        .order_by("-status_changed_at")[:50]
    )
    if not handovers and not returned:
        return None
    return {"handovers": handovers, "returned": returned}


# --- agency consultations ----------------------------------------------------------------------


def consultation_list(
    *, user, fiscal_year: int | None = None, agency_id: int | None = None
) -> QuerySet[AgencyConsultation]:
    if not policy.is_center_staff(user):
        raise Http404
    queryset = policy.visible_consultations(user).select_related(
        "agency", "contact", "contact__center", "contact__case", "contact__case__person"
    )
    if fiscal_year:
        start, end = fiscal_year_bounds(fiscal_year)
        queryset = queryset.filter(
            contact__occurred_at__date__gte=start, contact__occurred_at__date__lte=end
        )
    if agency_id:
        queryset = queryset.filter(agency_id=agency_id)
    return queryset.order_by("-contact__occurred_at", "-id")


def consultation_counts(*, center_ids, start: date, end: date) -> dict[str, Any]:
    """機関相談 counted apart from other contacts, for statistics: totals, with and without a
    case, and by kind of agency, between two days (inclusive). Aggregates only."""
    rows = AgencyConsultation.objects.filter(
        contact__center_id__in=list(center_ids),
        contact__occurred_at__date__gte=start,
        contact__occurred_at__date__lte=end,
    )
    totals = rows.aggregate(
        total=Count("id"),
        with_case=Count("id", filter=Q(contact__case__isnull=False)),
    )
    by_kind = {
        row["agency__kind"]: row["n"]
        for row in rows.values("agency__kind").annotate(n=Count("id")).order_by()
    }
    return {
        "total": totals["total"] or 0,
        "with_case": totals["with_case"] or 0,
        "without_case": (totals["total"] or 0) - (totals["with_case"] or 0),
        "by_kind": [
            {"kind": value, "label": str(label), "count": by_kind.get(value, 0)}
            for value, label in AgencyKind.choices
        ],
    }


def consultation_counts_for(*, user, fiscal_year: int) -> dict[str, Any]:
    """consultation_counts over the user's centers for one 年度."""
    start, end = fiscal_year_bounds(fiscal_year)
    return consultation_counts(
        center_ids=user.center_ids_with(*policy.STAFF_ROLES), start=start, end=end
    )


def visible_case_for_consultation(*, user, case_id: int) -> Case | None:
    return cases_policy.visible_cases(user).filter(pk=case_id).select_related("center").first()


# --- meetings and trainings --------------------------------------------------------------------


def meeting_list(*, user, kind: str = "", fiscal_year: int | None = None) -> QuerySet[Meeting]:
    if not policy.is_center_staff(user):
        raise Http404
    queryset = (
        policy.visible_meetings(user)
        .select_related("center")
        .annotate(
            agency_count=Count("attendances", distinct=True),
            shared_summaries=Count(
                "summaries", filter=Q(summaries__status=CaseSummary.Status.SHARED), distinct=True
            ),
        )
    )
    if kind in MeetingKind.values:
        queryset = queryset.filter(kind=kind)
    if fiscal_year:
        start, end = fiscal_year_bounds(fiscal_year)
        queryset = queryset.filter(held_on__gte=start, held_on__lte=end)
    return queryset.order_by("-held_on", "-id")


def meeting_get(*, user, meeting_id: int) -> Meeting:
    if not policy.is_center_staff(user):
        raise Http404
    queryset = (
        policy.visible_meetings(user)
        .select_related("center", "created_by")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=AgencyAttendance.objects.select_related("agency").order_by(
                    "agency__kind", "agency__name"
                ),
            ),
            Prefetch("attending_staff", queryset=User.objects.order_by("display_name", "pk")),
        )
    )
    return get_object_or_404(queryset, pk=meeting_id)


def meeting_summaries(*, user, meeting: Meeting) -> dict[str, list[CaseSummary]]:
    """Shared summaries for everyone who sees the meeting; drafts only for whoever may edit
    them (their preparer, or an editor of the source case)."""
    from .services import can_edit_summary

    rows = list(
        meeting.summaries.select_related("prepared_by", "shared_by", "source_case").order_by("id")
    )
    shared = [s for s in rows if s.is_shared]
    drafts = [s for s in rows if not s.is_shared and can_edit_summary(user, s)]
    return {"shared": shared, "drafts": drafts}


def summary_get(*, user, meeting: Meeting, summary_id: int) -> CaseSummary:
    """A summary of the meeting: shared ones for anyone who sees the meeting, a draft only
    for someone who may edit it."""
    from .services import can_edit_summary

    summary = get_object_or_404(
        CaseSummary.objects.select_related("source_case", "prepared_by"),
        pk=summary_id,
        meeting_id=meeting.pk,
    )
    if not summary.is_shared and not can_edit_summary(user, summary):
        raise Http404
    return summary


def editable_cases(*, user) -> QuerySet[Case]:
    """Open cases this user may edit, for choosing a case to summarise (by number)."""
    return cases_policy.visible_cases(user)


def training_attendance(*, user, fiscal_year: int) -> dict[str, Any]:
    """Training attendance in one 年度: per agency (trainings attended, persons, of which on
    workers' own stress care) and per center's staff. A fixed number of queries."""
    if not policy.is_center_staff(user):
        raise Http404
    start, end = fiscal_year_bounds(fiscal_year)
    trainings = Meeting.objects.filter(
        kind=MeetingKind.TRAINING, held_on__gte=start, held_on__lte=end
    )
    per_agency = (
        AgencyAttendance.objects.filter(meeting__in=trainings)
        .values("agency_id", "agency__name", "agency__kind")
        .annotate(
            trainings=Count("meeting", distinct=True),
            persons=Sum("attendees"),
            stress_care=Count("meeting", filter=Q(meeting__is_stress_care=True), distinct=True),
        )
        .order_by("agency__kind", "agency__name")
    )
    agencies = [
        {
            "agency_id": row["agency_id"],
            "name": row["agency__name"],
            "kind": str(AgencyKind(row["agency__kind"]).label),
            "trainings": row["trainings"],
            "persons": row["persons"] or 0,
            "stress_care": row["stress_care"],
        }
        for row in per_agency
    ]
    through = Meeting.attending_staff.through
    staff_rows = (
        through.objects.filter(meeting__in=trainings)
        .values("user__memberships__center_id")
        .annotate(
            attendances=Count("id", distinct=True),
            persons=Count("user", distinct=True),
            stress_care=Count("id", filter=Q(meeting__is_stress_care=True), distinct=True),
        )
        .filter(user__memberships__center_id__isnull=False)
        .order_by("user__memberships__center_id")
    )
    centers = {c.pk: c for c in Center.objects.all()}
    staff = [
        {
            "center": centers.get(row["user__memberships__center_id"]),
            "attendances": row["attendances"],
            "persons": row["persons"],
            "stress_care": row["stress_care"],
        }
        for row in staff_rows
    ]
    totals = trainings.aggregate(
        count=Count("id"), stress_care=Count("id", filter=Q(is_stress_care=True))
    )
    return {
        "fiscal_year": fiscal_year,
        "agencies": agencies,
        "staff": staff,
        "trainings": totals["count"] or 0,
        "stress_care_trainings": totals["stress_care"] or 0,
    }


def current_fiscal_year() -> int:
    from yorisoi.core.japanese import fiscal_year

    return fiscal_year(timezone.localdate())


def can_see_case(*, user, case_id: int) -> bool:
    """Whether the case page itself is open to the user (the referral page links to it)."""
    return cases_policy.visible_cases(user).filter(pk=case_id).exists()

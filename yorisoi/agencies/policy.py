"""Who may see or change agencies, referrals, agency consultations and network meetings.

Partners never see cases: they see the referrals addressed to their agency, and through a
referral only the consented kinds of information (selectors.referral_shared_info). Every
referral queryset starts from visible_referrals.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role
from yorisoi.cases import policy as cases_policy

from .models import (
    TRANSITIONS,
    AgencyConsultation,
    AgencyStaff,
    Meeting,
    Referral,
    ReferralKind,
    Side,
)

STAFF_ROLES = (Role.MANAGER, Role.WORKER)


def is_center_staff(user) -> bool:
    """A manager or worker somewhere: the agency registry and the network are theirs."""
    return user.is_authenticated and bool(user.center_ids_with(*STAFF_ROLES))


def partner_agency_ids(user) -> set[int]:
    """The agencies a partner user works for (active links, active partner role)."""
    if not user.is_authenticated or not user.has_role(Role.PARTNER):
        return set()
    cached = getattr(user, "_partner_agency_ids", None)
    if cached is None:
        cached = set(
            AgencyStaff.objects.filter(
                user=user, is_active=True, agency__is_active=True
            ).values_list("agency_id", flat=True)
        )
        user._partner_agency_ids = cached
    return cached


def is_partner(user) -> bool:
    return bool(partner_agency_ids(user))


def can_edit_agencies(user) -> bool:
    """Managers keep the agency registry (admins may also use the Django admin)."""
    return user.is_authenticated and user.has_role(Role.MANAGER)


def visible_referrals(user) -> QuerySet[Referral]:
    """Referrals this user may see.

    - partner staff: referrals and joint support addressed to their agency;
    - managers and workers: the referrals of the cases they may see, and hand-overs
      addressed to their centers (so the receiving center can decide);
    - anyone else: none.
    """
    if not user.is_authenticated:
        return Referral.objects.none()
    scope = Q(pk__in=[])
    agencies = partner_agency_ids(user)
    if agencies:
        scope |= Q(agency_id__in=agencies, kind__in=[ReferralKind.REFERRAL, ReferralKind.JOINT])
    centers = user.center_ids_with(*STAFF_ROLES)
    if centers:
        scope |= Q(case__in=cases_policy.visible_cases(user)) | Q(
            kind=ReferralKind.HANDOVER, to_center_id__in=centers
        )
    return Referral.objects.filter(scope)


def is_receiver(user, referral: Referral) -> bool:
    """Partner staff of the agency, or for a hand-over a manager of the receiving center."""
    if not user.is_authenticated:
        return False
    if referral.kind == ReferralKind.HANDOVER:
        return user.is_manager_of(referral.to_center_id)
    return referral.agency_id in partner_agency_ids(user)


def is_sender(user, referral: Referral) -> bool:
    """Whoever may edit the case at its (current) center."""
    return user.is_authenticated and cases_policy.can_edit_case(user, referral.case)


def may_transition(user, referral: Referral, to_status: str) -> bool:
    side = TRANSITIONS.get((referral.status, to_status))
    if side is None:
        return False
    if side == Side.RECEIVER:
        return is_receiver(user, referral)
    if side == Side.SENDER:
        return is_sender(user, referral)
    return is_receiver(user, referral) or is_sender(user, referral)


def allowed_transitions(user, referral: Referral) -> list[str]:
    """The statuses this user may move the referral to now, in the machine's order."""
    return [
        to
        for (frm, to) in TRANSITIONS
        if frm == referral.status and may_transition(user, referral, to)
    ]


def can_post_progress(user, referral: Referral) -> bool:
    """Either side may add a progress note while the referral is open."""
    return referral.is_active and (is_receiver(user, referral) or is_sender(user, referral))


def can_override_consent(user, case) -> bool:
    """Only a manager of the case's center may share without consent, for an emergency."""
    return user.is_authenticated and user.is_manager_of(case.center_id)


def visible_consultations(user) -> QuerySet[AgencyConsultation]:
    """Agency consultations recorded at the user's centers (with or without a case)."""
    if not is_center_staff(user):
        return AgencyConsultation.objects.none()
    return AgencyConsultation.objects.filter(contact__in=cases_policy.visible_contacts(user))


def visible_meetings(user) -> QuerySet[Meeting]:
    """The network is city-wide: managers and workers of every center see every meeting.
    A meeting holds no personal data, only reviewed de-identified summaries."""
    if not is_center_staff(user):
        return Meeting.objects.none()
    return Meeting.objects.all()


def can_edit_meeting(user, meeting: Meeting) -> bool:
    return user.is_authenticated and user.has_role(*STAFF_ROLES, center=meeting.center_id)


def can_create_meeting(user) -> bool:
    return is_center_staff(user)

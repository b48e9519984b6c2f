"""Plain helpers that build agencies, consents and referrals through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from yorisoi.agencies import services
from yorisoi.agencies.models import Agency, AgencyKind, AgencyStaff, Referral, ReferralKind
from yorisoi.people import services as people_services
from yorisoi.people.models import Consent, ConsentMethod, InfoKind

_seq = count(1)
ALL_KINDS = list(InfoKind.values)


def make_agency(name: str | None = None, *, kind: str = AgencyKind.EMPLOYMENT, **extra) -> Agency:
    return Agency.objects.create(name=name or f"テスト機関{next(_seq)}", kind=kind, **extra)


def link_partner(user, agency: Agency) -> AgencyStaff:
    link = AgencyStaff.objects.create(user=user, agency=agency)
    user.__dict__.pop("_partner_agency_ids", None)
    return link


def consent_for(
    user,
    case,
    *,
    agency: Agency | None = None,
    to_center=None,
    kinds=None,
    starts_on=None,
    ends_on=None,
    **extra,
) -> Consent:
    today = timezone.localdate()
    data = {
        "agency": agency,
        "recipient_center": to_center,
        "kinds": list(kinds if kinds is not None else ALL_KINDS),
        "purpose": "就労支援の利用のため",
        "starts_on": starts_on or today,
        "ends_on": ends_on or today + timedelta(days=365),
        "method": extra.pop("method", ConsentMethod.SIGNED_FORM),
        **extra,
    }
    return people_services.consent_record(
        user=user, person=case.person, center=case.center, data=data
    )


def refer(
    user,
    case,
    agency: Agency | None = None,
    *,
    kinds=None,
    kind: str = ReferralKind.REFERRAL,
    to_center=None,
    **extra,
) -> Referral:
    return services.referral_create(
        user=user,
        case=case,
        kind=kind,
        agency=agency,
        to_center=to_center,
        shared_kinds=list(kinds if kinds is not None else ALL_KINDS),
        request=extra.pop("request", "就労体験の受け入れについてご相談させてください。"),
        summary=extra.pop("summary", "最近は居場所に月2回通えています。"),
        **extra,
    )

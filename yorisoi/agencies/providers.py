"""What the agencies app contributes to lower apps' pages, through yorisoi.core.registry:
the case page's consents-and-referrals section with its 「紹介・引継ぎを依頼」 action, the
referral steps on the case timeline, the home page's referral lists (a partner's own agency's
referrals above all), navigation entries and the demo loader. Registered in
AgenciesConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yorisoi.cases import policy as cases_policy
from yorisoi.core import registry
from yorisoi.core.registry import Section, TimelineEntry
from yorisoi.people import selectors as people_selectors

from . import policy, selectors

CASE_SECTION_ORDER = 40
HOME_ORDER_PARTNER = 1
HOME_ORDER_STAFF = 20
NAV_ORDER_STAFF = 50
NAV_ORDER_PARTNER = 10


def case_section(request, case) -> Section | None:
    """Consents and referrals on the case page. `case` comes from cases.selectors.case_get."""
    user = request.user
    if not user.is_authenticated:
        return None
    return Section(
        order=CASE_SECTION_ORDER,
        template="agencies/sections/case.html",
        context={
            "case": case,
            "consents": people_selectors.consents_of_person(user=user, person=case.person),
            "referrals": selectors.referrals_of_case(user=user, case=case),
            "can_edit": cases_policy.can_edit_case(user, case),
            "is_open": case.is_open,
        },
    )


def timeline(user, case) -> list[TimelineEntry]:
    """Every step of the case's referrals, including a partner's progress and outcome."""
    return [
        TimelineEntry(
            when=event.at,
            kind="referral",
            template="agencies/timeline/referral_event.html",
            context={"event": event, "referral": event.referral, "case": case},
        )
        for event in selectors.events_for_case_timeline(user=user, case=case)
    ]


def home_section(request) -> Section | None:
    lists = selectors.home_referrals(user=request.user)
    if lists is None:
        return None
    is_partner = "partner" in lists
    return Section(
        order=HOME_ORDER_PARTNER if is_partner else HOME_ORDER_STAFF,
        template="agencies/sections/home.html",
        context={"lists": lists, "is_partner": is_partner},
    )


def nav(request) -> list[tuple[str, str, int]]:
    user = request.user
    items = []
    if policy.is_center_staff(user):
        items.append((_("関係機関・連携"), reverse("agencies:agency_list"), NAV_ORDER_STAFF))
    elif policy.is_partner(user):
        items.append((_("紹介・依頼"), reverse("agencies:referral_list"), NAV_ORDER_PARTNER))
    return items


def register() -> None:
    pairs = (
        (registry.case_section_providers, case_section),
        (registry.timeline_providers, timeline),
        (registry.home_providers, home_section),
        (registry.nav_providers, nav),
    )
    for providers, provider in pairs:
        if provider not in providers:
            providers.append(provider)
    from .demo import load_demo_agencies

    if all(loader is not load_demo_agencies for _order, loader in registry.demo_loaders):
        registry.demo_loaders.append((30, load_demo_agencies))
    # The agency registry is configuration an admin may keep in the Django admin (Agency and
    # AgencyStaff only are registered there; referrals never are).
    from yorisoi.accounts.models import ADMIN_ROLE_APP_LABELS

    ADMIN_ROLE_APP_LABELS.add("agencies")

"""The demo loader: agencies, partner1's agency with a referral, a consultation or two and
the network's meetings; a second run changes nothing."""

from __future__ import annotations

from django.core.management import call_command

from yorisoi.agencies.demo import PARTNER_AGENCY
from yorisoi.agencies.models import Agency, AgencyConsultation, Meeting, Referral
from yorisoi.agencies.policy import visible_referrals
from yorisoi.people.models import Consent


def test_loaddemo_links_partner1_and_is_idempotent(db):
    call_command("loaddemo", stdout=open("/dev/null", "w"))
    from yorisoi.accounts.models import User

    partner1 = User.objects.get(username="partner1")
    agency = Agency.objects.get(name=PARTNER_AGENCY)
    assert agency.kind == "employment"
    assert agency.staff.filter(user=partner1).exists()
    mine = visible_referrals(partner1)
    assert mine.count() == 1 and mine.get().agency == agency
    assert Consent.objects.filter(agency=agency).count() == 1
    counts = (
        Agency.objects.count(),
        Referral.objects.count(),
        AgencyConsultation.objects.count(),
        Meeting.objects.count(),
    )
    call_command("loaddemo", stdout=open("/dev/null", "w"))
    assert counts == (
        Agency.objects.count(),
        Referral.objects.count(),
        AgencyConsultation.objects.count(),
        Meeting.objects.count(),
    )

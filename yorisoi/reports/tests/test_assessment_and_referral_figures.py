"""Breakdowns that come from the assessments and agencies apps: the withdrawal classification
and its length from the latest outing assessment, and where people were referred."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.agencies.models import Agency, AgencyKind, Referral
from yorisoi.assessments.catalog import builtin_rows
from yorisoi.assessments.models import Assessment, InstrumentResponse
from yorisoi.reports.stats import UNKNOWN, fiscal_year_statistics

from . import factories as f
from .conftest import YEAR


def outing(case, *, on: date, classification: str, months: int | None, user, complete=True):
    assessment = Assessment.objects.create(
        case=case,
        center=case.center,
        assessed_on=on,
        created_by=user,
        status=Assessment.Status.COMPLETE if complete else Assessment.Status.DRAFT,
        completed_at=timezone.now() if complete else None,
    )
    definition = builtin_rows()["outing"]
    response = InstrumentResponse(
        assessment=assessment,
        definition=definition,
        instrument_id="outing",
        definition_version=definition.version,
        definition_hash=definition.sha256,
        snapshot={},
        classification=classification if complete else "",
    )
    response.answers = {"outing_state": "rarely_room"} | (
        {"duration": months} if months is not None else {}
    )
    response.save()
    return assessment


@pytest.fixture
def assessed(small_world, worker1):
    yamada, anon, dup = small_world["yamada"], small_world["anon"], small_world["dup"]
    # An older narrow classification is superseded by the latest one (semi).
    outing(yamada, on=date(2024, 5, 1), classification="narrow", months=30, user=worker1)
    outing(yamada, on=date(2024, 12, 1), classification="semi", months=40, user=worker1)
    # After the year's end: not counted for this year.
    outing(anon, on=date(2025, 4, 10), classification="narrow", months=100, user=worker1)
    outing(anon, on=date(2024, 6, 1), classification="narrow", months=130, user=worker1)
    # A draft does not count.
    outing(dup, on=date(2024, 7, 1), classification="semi", months=5, user=worker1, complete=False)
    return small_world


def rows(stats, key):
    return {r.key: r for r in stats.breakdown(key).rows}


def test_withdrawal_classification_and_length(assessed, center1):
    stats = fiscal_year_statistics(fiscal_year=YEAR, center_ids=[center1.pk], is_city=False)
    withdrawal = rows(stats, "withdrawal")
    assert (withdrawal["semi"].persons, withdrawal["semi"].count) == (1, 3)
    assert (withdrawal["narrow"].persons, withdrawal["narrow"].count) == (1, 2)
    assert withdrawal[UNKNOWN].persons == 1  # the merged 佐藤 (only a draft)
    duration = rows(stats, "duration")
    assert duration["3y_5y"].persons == 1  # 40 months
    assert duration["10y_20y"].persons == 1  # 130 months
    assert duration[UNKNOWN].persons == 1
    assert sum(r.count for r in stats.breakdown("duration").rows) == stats.totals["contacts"]
    assert sum(r.count for r in stats.breakdown("withdrawal").rows) == stats.totals["contacts"]


def test_drill_down_by_classification_and_length(client, manager1, center1, assessed):
    client.force_login(manager1)
    base = reverse("reports:drilldown") + f"?year={YEAR}&center={center1.pk}"
    semi = client.get(base + "&dimension=withdrawal&value=semi")
    assert semi.status_code == 200
    assert "山田" in semi.content.decode()
    long = client.get(base + "&dimension=duration&value=10y_20y").content.decode()
    assert "氏名不詳" in long and "山田" not in long


def test_referral_destinations(small_world, center1, center2, worker1):
    employment = Agency.objects.create(name="ハローワーク中央", kind=AgencyKind.EMPLOYMENT)
    medical = Agency.objects.create(name="こころのクリニック", kind=AgencyKind.MEDICAL)

    def refer(case, *, agency=None, to_center=None, when):
        referral = Referral.objects.create(
            case=case,
            agency=agency,
            to_center=to_center,
            from_center=case.center,
            request="就労体験の相談",
            created_by=worker1,
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=when)

    refer(small_world["yamada"], agency=employment, when=f.at(date(2024, 6, 1)))
    refer(small_world["anon"], agency=employment, when=f.at(date(2024, 7, 1)))
    refer(small_world["anon"], agency=medical, when=f.at(date(2024, 3, 1)))
    refer(small_world["dup"], to_center=center2, when=f.at(date(2025, 1, 1)))
    stats = fiscal_year_statistics(fiscal_year=YEAR, center_ids=[center1.pk], is_city=False)
    referral = rows(stats, "referral")
    assert (referral[AgencyKind.EMPLOYMENT].count, referral[AgencyKind.EMPLOYMENT].persons) == (
        2,
        2,
    )
    assert referral[AgencyKind.MEDICAL].count == 0
    assert referral[AgencyKind.MEDICAL].prev_count == 1
    assert referral["center"].count == 1
    assert stats.totals["referrals"] == 3


def test_agency_consultations_by_kind_of_agency(client, manager1, small_world, center1, worker1):
    from yorisoi.agencies.models import AgencyConsultation
    from yorisoi.cases.models import Consulter, Contact, Method

    school = Agency.objects.create(name="ひかり中学校", kind=AgencyKind.SCHOOL)
    welfare = Agency.objects.create(name="福祉事務所", kind=AgencyKind.WELFARE)
    caseless = Contact.objects.get(case__isnull=True)
    AgencyConsultation.objects.create(contact=caseless, agency=welfare)
    about_yamada = f.contact(
        small_world["yamada"],
        when=f.at(date(2024, 11, 5)),
        user=worker1,
        consulter=Consulter.AGENCY,
        method=Method.INTER_AGENCY,
    )
    AgencyConsultation.objects.create(contact=about_yamada, agency=school)
    stats = fiscal_year_statistics(fiscal_year=YEAR, center_ids=[center1.pk], is_city=False)
    asked = rows(stats, "agency_consultation")
    assert (asked[AgencyKind.SCHOOL].count, asked[AgencyKind.SCHOOL].persons) == (1, 1)
    assert (asked[AgencyKind.WELFARE].count, asked[AgencyKind.WELFARE].persons) == (1, 0)
    assert stats.breakdown("agency_consultation").total.count == 2
    client.force_login(manager1)
    listed = client.get(
        reverse("reports:drilldown")
        + f"?year={YEAR}&center={center1.pk}&dimension=agency_consultation&value=school"
    )
    assert "山田" in listed.content.decode()

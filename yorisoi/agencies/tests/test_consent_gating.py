"""Creating and advancing a referral checks consent; without it the worker is told exactly
what agreement is missing, and nothing is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.agencies import services
from yorisoi.agencies.consent import ConsentMissing
from yorisoi.agencies.models import Referral, ReferralStatus
from yorisoi.people import services as people_services

from .factories import consent_for, refer

ADVICE = (
    "ケースの「同意」欄で、提供先・提供する情報・期間を本人（または家族）と確認し、"
    "同意を記録してください。"
)


def _missing(agency_name: str, kinds: str) -> str:
    return (
        f"{agency_name}に{kinds}を提供することへの本人または家族の同意が記録されていません。"
        + ADVICE
    )


def test_no_consent_names_the_agency_and_every_kind(worker1, agency, case_c1):
    with pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, agency, kinds=["contact", "summary"])
    assert error.value.messages == [
        _missing("しごとサポートみなと", "「氏名・連絡先」、「相談の概要」")
    ]
    assert error.value.missing == ["contact", "summary"]
    assert not Referral.objects.exists()


def test_partial_consent_names_only_the_missing_kinds(worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency, kinds=["contact", "summary"])
    with pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, agency, kinds=["contact", "summary", "plan", "assessments"])
    assert error.value.messages == [
        _missing("しごとサポートみなと", "「アセスメント」、「支援プラン」")
    ]
    assert not Referral.objects.exists()


def test_consent_for_another_agency_does_not_count(worker1, agency, other_agency, case_c1):
    consent_for(worker1, case_c1, agency=other_agency)
    with pytest.raises(ConsentMissing):
        refer(worker1, case_c1, agency, kinds=["summary"])


def test_a_withdrawn_consent_is_named_with_its_day(worker1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency, kinds=["summary"])
    people_services.consent_withdraw(user=worker1, consent=consent, reason="本人から電話で")
    today = timezone.localdate().isoformat()
    with pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, agency, kinds=["summary"])
    assert error.value.messages == [
        _missing("しごとサポートみなと", "「相談の概要」")
        + f"（{today} に撤回された同意があります。）"
    ]


def test_an_ended_consent_is_named_with_its_last_day(worker1, agency, case_c1):
    today = timezone.localdate()
    consent_for(
        worker1,
        case_c1,
        agency=agency,
        kinds=["summary"],
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, agency, kinds=["summary"])
    ended = (today - timedelta(days=1)).isoformat()
    assert error.value.messages[0].endswith(f"（{ended} に期間が終わった同意があります。）")


def test_a_consent_that_has_not_started_yet_does_not_count(worker1, agency, case_c1):
    today = timezone.localdate()
    consent_for(
        worker1,
        case_c1,
        agency=agency,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    with pytest.raises(ConsentMissing):
        refer(worker1, case_c1, agency)


def test_two_consents_together_cover_the_kinds(worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency, kinds=["contact"])
    consent_for(worker1, case_c1, agency=agency, kinds=["plan"])
    referral = refer(worker1, case_c1, agency, kinds=["contact", "plan"])
    assert referral.status == ReferralStatus.REQUESTED


def test_a_family_member_may_give_the_consent(worker1, agency, case_c1):
    member = case_c1.person.household.members.get()  # the mother who phoned at intake
    consent = consent_for(worker1, case_c1, agency=agency, given_by_member=member)
    assert consent.given_by_display.startswith("母")
    assert refer(worker1, case_c1, agency).status == ReferralStatus.REQUESTED


def test_accepting_after_withdrawal_is_refused_for_the_agency(worker1, partner1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency)
    referral = refer(worker1, case_c1, agency)
    people_services.consent_withdraw(user=worker1, consent=consent, reason="本人の希望")
    with pytest.raises(ConsentMissing) as error:
        services.referral_transition(
            user=partner1, referral=referral, to_status=ReferralStatus.ACCEPTED
        )
    # The agency is told what to do, never whose consent or why.
    assert error.value.messages == [
        "この紹介で共有する情報について、本人の同意が確認できない状態になっています。"
        "紹介元のセンターにお問い合わせください。"
    ]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REQUESTED


def test_starting_work_after_withdrawal_is_refused(worker1, partner1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency)
    referral = refer(worker1, case_c1, agency)
    services.referral_transition(
        user=partner1, referral=referral, to_status=ReferralStatus.ACCEPTED
    )
    people_services.consent_withdraw(user=worker1, consent=consent, reason="本人の希望")
    with pytest.raises(ConsentMissing):
        services.referral_transition(
            user=partner1, referral=referral, to_status=ReferralStatus.IN_PROGRESS
        )
    # Closing steps share nothing more: the agency may still report the outcome.
    services.referral_transition(
        user=partner1,
        referral=referral,
        to_status=ReferralStatus.NOT_ESTABLISHED,
        text="同意の撤回のため終了",
    )


def test_resubmitting_a_returned_referral_checks_consent_again(worker1, partner1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency, kinds=["contact", "summary"])
    referral = refer(worker1, case_c1, agency, kinds=["contact", "summary"])
    services.referral_transition(
        user=partner1,
        referral=referral,
        to_status=ReferralStatus.RETURNED,
        text="希望する曜日を教えてください",
    )
    people_services.consent_withdraw(user=worker1, consent=consent, reason="家族から")
    with pytest.raises(ConsentMissing) as error:
        services.referral_transition(
            user=worker1, referral=referral, to_status=ReferralStatus.REQUESTED, text="追記"
        )
    assert error.value.messages[0].startswith(
        _missing("しごとサポートみなと", "「氏名・連絡先」、「相談の概要」")
    )


def test_the_form_shows_the_exact_missing_agreement(client, worker1, agency, case_c1):
    client.force_login(worker1)
    response = client.post(
        f"/agencies/cases/{case_c1.pk}/refer/",
        {
            "kind": "referral",
            "agency": agency.pk,
            "shared_kinds": ["contact", "plan"],
            "request": "就労体験のご相談",
            "submission_token": "tok-missing",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _missing("しごとサポートみなと", "「氏名・連絡先」、「支援プラン」") in html
    assert f"/agencies/cases/{case_c1.pk}/consents/new/" in html
    # Only managers are offered the emergency field.
    assert "emergency_reason" not in html
    assert not Referral.objects.exists()


def test_the_missing_agreement_is_said_in_english_too(worker1, agency, case_c1):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, agency, kinds=["contact", "plan"])
    assert error.value.messages == [
        "No consent of the person or the family is recorded for sharing “Name and contact”, "
        "“Support plan” with しごとサポートみなと. In the case's “Consent” section, "
        "confirm the recipient, the information and the period with the person (or the "
        "family) and record their consent."
    ]

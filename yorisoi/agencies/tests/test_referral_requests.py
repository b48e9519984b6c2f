"""Requesting a referral from the case page: what is refused (a closed case, a second open
referral to the same agency) and what the case page shows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yorisoi.agencies import services
from yorisoi.agencies.models import Referral, ReferralStatus
from yorisoi.cases import services as cases_services
from yorisoi.cases.models import Status

from .factories import consent_for, refer


def _form(agency, **extra):
    return {
        "kind": "referral",
        "agency": agency.pk,
        "shared_kinds": ["contact", "summary"],
        "request": "就労体験の受け入れについてご相談させてください。",
        "summary": "最近は居場所に通えています。",
        "submission_token": "tok-r1",
        **extra,
    }


def test_the_worker_refers_from_the_case_page(client, worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    client.force_login(worker1)
    html = client.get(case_c1.get_absolute_url()).content.decode()
    assert f"/agencies/cases/{case_c1.pk}/refer/" in html
    assert f"/agencies/cases/{case_c1.pk}/consents/new/" in html
    response = client.post(f"/agencies/cases/{case_c1.pk}/refer/", _form(agency))
    referral = Referral.objects.get()
    assert response["Location"] == referral.get_absolute_url()
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.from_center == case_c1.center
    assert referral.shared_kinds == ["contact", "summary"]
    # A double submit creates no second referral.
    client.post(f"/agencies/cases/{case_c1.pk}/refer/", _form(agency))
    assert Referral.objects.count() == 1
    html = client.get(case_c1.get_absolute_url()).content.decode()
    assert referral.get_absolute_url() in html and "しごとサポートみなと" in html


def test_a_closed_case_cannot_be_referred(client, worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    cases_services.case_change_status(
        user=worker1, case=case_c1, status=Status.CLOSED, closure_reason="goal_reached"
    )
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, agency)
    assert error.value.messages == [
        "このケースは終結しています。紹介・引継ぎをするには、先にケースを再開してください。"
    ]
    client.force_login(worker1)
    response = client.post(f"/agencies/cases/{case_c1.pk}/refer/", _form(agency))
    assert "このケースは終結しています。" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_second_open_referral_to_the_same_agency_is_refused(worker1, partner1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    first = refer(worker1, case_c1, agency)
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, agency)
    assert error.value.messages == [
        f"このケースは、すでにしごとサポートみなとへの紹介・引継ぎが進行中です（紹介 {first.pk}"
        "・依頼）。新しく依頼する代わりに、その紹介の経過を確認してください。"
    ]
    services.referral_transition(user=partner1, referral=first, to_status=ReferralStatus.ACCEPTED)
    with pytest.raises(ValidationError):
        refer(worker1, case_c1, agency)
    services.referral_transition(
        user=partner1, referral=first, to_status=ReferralStatus.COMPLETED, text="就労につながった"
    )
    # Once the first is finished, a new referral is fine.
    assert refer(worker1, case_c1, agency).status == ReferralStatus.REQUESTED


def test_the_same_case_may_go_to_two_different_agencies(worker1, agency, other_agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    consent_for(worker1, case_c1, agency=other_agency)
    refer(worker1, case_c1, agency)
    refer(worker1, case_c1, other_agency)
    assert Referral.objects.count() == 2


def test_an_inactive_agency_is_refused(worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    agency.is_active = False
    agency.save()
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, agency)
    assert "agency" in error.value.message_dict


def test_at_least_one_kind_must_be_shared(worker1, agency, case_c1):
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, agency, kinds=[])
    assert error.value.message_dict == {"shared_kinds": ["提供する情報を1つ以上選んでください。"]}


def test_a_returned_referral_shows_on_the_worker_s_home(client, worker1, partner1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    referral = refer(worker1, case_c1, agency)
    services.referral_transition(
        user=partner1,
        referral=referral,
        to_status=ReferralStatus.RETURNED,
        text="本人の希望する曜日を教えてください",
    )
    client.force_login(worker1)
    html = client.get("/").content.decode()
    assert "差し戻された紹介" in html and referral.get_absolute_url() in html
    html = client.get(case_c1.get_absolute_url()).content.decode()
    assert "本人の希望する曜日を教えてください" in html


def test_progress_notes_need_text_and_are_not_doubled(worker1, partner1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    referral = refer(worker1, case_c1, agency)
    with pytest.raises(ValidationError):
        services.referral_post_progress(user=partner1, referral=referral, text=" ")
    services.referral_post_progress(user=partner1, referral=referral, text="面談日を調整中")
    services.referral_post_progress(user=partner1, referral=referral, text="面談日を調整中")
    assert referral.events.filter(kind="progress").count() == 1

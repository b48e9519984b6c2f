"""Withdrawing consent hides the shared information from the agency at once."""

from __future__ import annotations

from yorisoi.agencies.models import ReferralStatus

from .factories import consent_for, refer


def _withdraw(client, worker, case, consent, reason="本人から電話で撤回の申し出"):
    client.force_login(worker)
    return client.post(
        f"/agencies/cases/{case.pk}/consents/{consent.pk}/withdraw/",
        {"withdrawal_reason": reason},
    )


def test_withdrawal_hides_the_details_at_once(client, worker1, partner1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency, kinds=["contact", "summary"])
    referral = refer(
        worker1, case_c1, agency, kinds=["contact", "summary"], summary="夕方なら外出できる"
    )
    client.force_login(partner1)
    before = client.get(referral.get_absolute_url()).content.decode()
    assert "090-1111-2222" in before and "夕方なら外出できる" in before

    response = _withdraw(client, worker1, case_c1, consent)
    assert response.status_code == 302

    client.force_login(partner1)
    response = client.get(referral.get_absolute_url())
    assert response.status_code == 200  # the referral itself stays, its content does not
    after = response.content.decode()
    for secret in ("090-1111-2222", "山田", "やまだ", "夕方なら外出できる", "就労体験の受け入れ"):
        assert secret not in after, secret
    assert "同意が撤回されたか期間が終わったため" in after


def test_center_posts_are_hidden_too_but_the_agency_s_own_are_not(
    client, worker1, partner1, agency, case_c1
):
    from yorisoi.agencies import services

    consent = consent_for(worker1, case_c1, agency=agency)
    referral = refer(worker1, case_c1, agency)
    services.referral_transition(
        user=partner1, referral=referral, to_status=ReferralStatus.ACCEPTED
    )
    services.referral_post_progress(
        user=worker1, referral=referral, text="山田さんは火曜が都合よい"
    )
    services.referral_post_progress(user=partner1, referral=referral, text="面談日を調整中です")
    _withdraw(client, worker1, case_c1, consent)
    client.force_login(partner1)
    html = client.get(referral.get_absolute_url()).content.decode()
    assert "山田さんは火曜が都合よい" not in html
    assert "面談日を調整中です" in html


def test_withdrawal_needs_a_note_and_is_recorded(client, worker1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency)
    response = _withdraw(client, worker1, case_c1, consent, reason=" ")
    assert response.status_code == 200
    assert 'id="id_withdrawal_reason_error"' in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    _withdraw(client, worker1, case_c1, consent)
    consent.refresh_from_db()
    assert consent.withdrawn_by == worker1
    assert consent.withdrawal_reason == "本人から電話で撤回の申し出"


def test_the_case_page_shows_the_withdrawn_state(client, worker1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency)
    _withdraw(client, worker1, case_c1, consent)
    html = client.get(case_c1.get_absolute_url()).content.decode()
    assert "撤回" in html
    assert f"/consents/{consent.pk}/withdraw/" not in html


def test_only_the_case_s_editors_may_withdraw(client, worker1, worker1b, worker2, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency)
    client.force_login(worker1b)
    url = f"/agencies/cases/{case_c1.pk}/consents/{consent.pk}/withdraw/"
    assert client.post(url, {"withdrawal_reason": "x"}).status_code == 403
    client.force_login(worker2)
    assert client.post(url, {"withdrawal_reason": "x"}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_consent_of_another_person_is_404(client, worker1, center1, agency, case_c1):
    from yorisoi.cases.tests.factories import make_case

    other = make_case(worker1, center1)
    consent = consent_for(worker1, other, agency=agency)
    client.force_login(worker1)
    url = f"/agencies/cases/{case_c1.pk}/consents/{consent.pk}/withdraw/"
    assert client.get(url).status_code == 404

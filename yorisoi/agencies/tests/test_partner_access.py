"""The partner access matrix: partner1 sees only the referrals addressed to their agency and,
through them, only the consented kinds; every other page of the center is a 404."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yorisoi.agencies.models import ReferralStatus
from yorisoi.audit.models import Action, AuditEvent
from yorisoi.cases import services as cases_services
from yorisoi.cases.models import Contact
from yorisoi.cases.tests.factories import make_case

from .factories import consent_for, refer


def _patterns(namespace: str) -> list[tuple[str, URLPattern]]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == namespace:
            return [(f"{namespace}:{p.name}", p) for p in pattern.url_patterns if p.name]
    raise LookupError(namespace)


@pytest.fixture
def world(worker1, worker2, center1, center2, agency, other_agency, case_c1, partner1):
    consent_for(worker1, case_c1, agency=agency, kinds=["contact", "summary"])
    consent_for(worker1, case_c1, agency=other_agency)
    mine = refer(
        worker1,
        case_c1,
        agency,
        kinds=["contact", "summary"],
        summary="週に一度、夕方なら外出できる。",
    )
    theirs = refer(worker1, case_c1, other_agency, summary="通院の同行を希望。")
    cases_services.plan_version_create(
        user=worker1, case=case_c1, data={"goals": "短い時間から働いてみたい"}
    )
    other_case = make_case(worker2, center2, person_data={"family_name": "鈴木"})
    contact = Contact.objects.filter(case=case_c1).first()
    member = case_c1.person.household.members.first()
    return {
        "mine": mine,
        "theirs": theirs,
        "kwargs": {
            "case_id": case_c1.pk,
            "person_id": case_c1.person_id,
            "member_id": member.pk,
            "contact_id": contact.pk,
            "number": 1,
        },
        "other_case": other_case,
    }


def test_partner_lists_only_their_agency_s_referrals(client, partner1, world):
    client.force_login(partner1)
    html = client.get("/agencies/referrals/?status=").content.decode()
    assert world["mine"].get_absolute_url() in html
    assert world["theirs"].get_absolute_url() not in html
    # The list names no person: who the referral is about is behind the consent.
    assert "山田" not in html


def test_partner_sees_only_the_consented_kinds(client, partner1, world):
    client.force_login(partner1)
    response = client.get(world["mine"].get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "山田 太郎" in html and "090-1111-2222" in html  # contact details: consented
    assert "週に一度、夕方なら外出できる。" in html  # summary: consented
    assert "短い時間から働いてみたい" not in html  # the plan was not shared
    assert 'id="shared-plan"' not in html and 'id="shared-assessments"' not in html
    assert "通院の同行を希望。" not in html  # the other referral's text
    assert f"/cases/{world['mine'].case_id}/" not in html  # no way into the case


def test_kinds_asked_for_but_not_consented_are_withheld(client, worker1, partner1, agency, case_c1):
    consent = consent_for(worker1, case_c1, agency=agency, kinds=["contact", "plan"])
    referral = refer(worker1, case_c1, agency, kinds=["contact", "plan"])
    cases_services.plan_version_create(
        user=worker1, case=case_c1, data={"goals": "昼夜逆転を直したい"}
    )
    # The consent is narrowed by replacing it: withdraw, then agree to contact details only.
    from yorisoi.people import services as people_services

    people_services.consent_withdraw(user=worker1, consent=consent, reason="範囲を見直し")
    consent_for(worker1, case_c1, agency=agency, kinds=["contact"])
    client.force_login(partner1)
    html = client.get(referral.get_absolute_url()).content.decode()
    assert "090-1111-2222" in html
    assert "昼夜逆転を直したい" not in html
    assert "同意がないため表示していない情報：支援プラン" in html


def test_partner_reading_is_recorded_against_the_case(client, partner1, world):
    client.force_login(partner1)
    client.get(world["mine"].get_absolute_url())
    event = AuditEvent.objects.get(actor=partner1, action=Action.VIEW, object_type="cases.case")
    assert event.changes == {"referral": world["mine"].pk, "kinds": ["contact", "summary"]}
    assert event.center_id == world["mine"].from_center_id


def test_another_agency_s_referral_is_404_for_every_verb(client, partner1, world):
    client.force_login(partner1)
    theirs = world["theirs"]
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert (
        client.post(
            f"/agencies/referrals/{theirs.pk}/step/",
            {"step": "accepted", "step-accepted-version": theirs.version},
        ).status_code
        == 404
    )
    assert (
        client.post(f"/agencies/referrals/{theirs.pk}/post/", {"text": "こんにちは"}).status_code
        == 404
    )
    assert theirs.events.count() == 1


# htmx fragments of the intake form: they answer anyone without a case role with an empty
# fragment (200, no content) rather than 404. They reveal nothing; see the report.
EMPTY_FRAGMENTS = {"cases:intake_duplicates", "people:duplicates"}


@pytest.mark.parametrize("namespace", ["cases", "people"])
def test_every_case_and_people_url_is_404_for_a_partner(client, partner1, world, namespace):
    client.force_login(partner1)
    query = "?family_name_kana=やまだ&given_name_kana=たろう&phone=090-1111-2222"
    for name, pattern in _patterns(namespace):
        kwargs = {k: world["kwargs"][k] for k in pattern.pattern.converters}
        url = reverse(name, kwargs=kwargs)
        if name in EMPTY_FRAGMENTS:
            response = client.get(url + query)
            assert response.content.strip() == b"", url
            continue
        answers = {client.get(url).status_code, client.post(url, {}).status_code}
        # 404 for the method the page serves; 405 only for the method it never serves.
        assert 404 in answers and answers <= {404, 405}, (url, answers)


def test_every_other_agencies_url_is_404_for_a_partner(client, partner1, world, worker1):
    ids = {
        "agency_id": world["mine"].agency_id,
        "case_id": world["kwargs"]["case_id"],
        "consent_id": 1,
        "meeting_id": 1,
        "summary_id": 1,
        "referral_id": world["mine"].pk,
    }
    from yorisoi.agencies.models import Meeting

    Meeting.objects.create(
        kind="council",
        title="連絡会議",
        center=world["mine"].from_center,
        held_on="2025-05-01",
        created_by=worker1,
        pk=1,
    )
    client.force_login(partner1)
    open_to_partners = {"referral_list", "referral_detail", "referral_transition", "referral_post"}
    for name, pattern in _patterns("agencies"):
        if name.split(":")[1] in open_to_partners:
            continue
        url = reverse(name, kwargs={k: ids[k] for k in pattern.pattern.converters})
        answers = {client.get(url).status_code, client.post(url, {}).status_code}
        assert 404 in answers and answers <= {404, 405}, (url, answers)


def test_partner_takes_their_steps_and_they_reach_the_case_timeline(
    client, partner1, worker1, world
):
    mine = world["mine"]
    client.force_login(partner1)
    response = client.post(
        f"/agencies/referrals/{mine.pk}/step/",
        {"step": "accepted", "step-accepted-version": mine.version, "step-accepted-text": ""},
    )
    assert response.status_code == 302
    client.post(f"/agencies/referrals/{mine.pk}/post/", {"text": "初回面談を来週に設定しました。"})
    mine.refresh_from_db()
    client.post(
        f"/agencies/referrals/{mine.pk}/step/",
        {
            "step": "completed",
            "step-completed-version": mine.version,
            "step-completed-text": "週1回の作業体験を始めました。",
        },
    )
    mine.refresh_from_db()
    assert mine.status == ReferralStatus.COMPLETED
    client.force_login(worker1)
    html = client.get(f"/cases/{mine.case_id}/").content.decode()
    assert "初回面談を来週に設定しました。" in html
    assert "週1回の作業体験を始めました。" in html
    assert "しごとサポートみなと（partner1）" in html


def test_partner_may_decline_with_a_reason(client, partner1, world):
    mine = world["mine"]
    client.force_login(partner1)
    response = client.post(
        f"/agencies/referrals/{mine.pk}/step/",
        {"step": "not_established", "step-not_established-version": mine.version},
    )
    assert response.status_code == 200
    assert "不成立の理由を入力してください。" in response.content.decode()
    client.post(
        f"/agencies/referrals/{mine.pk}/step/",
        {
            "step": "not_established",
            "step-not_established-version": mine.version,
            "step-not_established-text": "対象年齢外のため",
        },
    )
    mine.refresh_from_db()
    assert mine.status == ReferralStatus.NOT_ESTABLISHED


def test_a_partner_without_an_agency_sees_no_referrals(client, world, db):
    from yorisoi.accounts.models import Role
    from yorisoi.conftest import make_user

    stranger = make_user("partner9", (None, Role.PARTNER))
    client.force_login(stranger)
    assert client.get("/agencies/referrals/").status_code == 404
    assert client.get(world["mine"].get_absolute_url()).status_code == 404


def test_center_staff_of_the_other_center_gets_404(client, worker2, manager2, world):
    for user in (worker2, manager2):
        client.force_login(user)
        assert client.get(world["mine"].get_absolute_url()).status_code == 404
        assert client.get(f"/agencies/cases/{world['mine'].case_id}/refer/").status_code == 404


def test_a_colleague_reads_but_may_not_refer(client, worker1b, world):
    client.force_login(worker1b)
    assert client.get(world["mine"].get_absolute_url()).status_code == 200
    assert client.get(f"/agencies/cases/{world['mine'].case_id}/refer/").status_code == 403
    assert client.get(f"/agencies/cases/{world['mine'].case_id}/consents/new/").status_code == 403


def test_the_referral_form_and_page_for_the_owner(client, worker1, world):
    client.force_login(worker1)
    assert client.get(f"/agencies/cases/{world['mine'].case_id}/refer/").status_code == 200
    html = client.get(world["mine"].get_absolute_url()).content.decode()
    assert "紹介先に表示されている情報" in html
    assert f"/cases/{world['mine'].case_id}/" in html


def test_sent_referrals_are_listed_for_the_center(client, worker1, world):
    client.force_login(worker1)
    html = client.get("/agencies/referrals/").content.decode()
    assert world["mine"].get_absolute_url() in html and world["theirs"].get_absolute_url() in html


def test_partner_home_lists_their_referrals(client, partner1, world):
    client.force_login(partner1)
    html = client.get("/").content.decode()
    assert "紹介された方" in html
    assert world["mine"].get_absolute_url() in html
    assert world["theirs"].get_absolute_url() not in html
    assert "/agencies/referrals/" in html


def test_consented_assessments_show_the_latest_scores(client, worker1, partner1, agency, case_c1):
    """Read through the app registry, as the app itself does (agencies does not import
    assessments)."""
    from datetime import date

    from django.apps import apps

    definition = apps.get_model("assessments", "InstrumentDefinition").objects.create(
        instrument_id="k6",
        version=1,
        source="builtin",
        text="{}",
        sha256="0" * 64,
        label_ja="K6",
        label_en="K6",
    )
    assessment = apps.get_model("assessments", "Assessment").objects.create(
        case=case_c1,
        center=case_c1.center,
        status="complete",
        assessed_on=date(2025, 5, 1),
        created_by=worker1,
    )
    apps.get_model("assessments", "InstrumentResponse").objects.create(
        assessment=assessment,
        definition=definition,
        instrument_id="k6",
        definition_version=1,
        definition_hash="0" * 64,
        snapshot={"labels": {"ja": "K6（こころの状態）", "en": "K6 (distress)"}},
        total=14,
        result={"band": {"labels": {"ja": "強い心理的苦痛", "en": "serious distress"}}},
    )
    consent_for(worker1, case_c1, agency=agency, kinds=["assessments"])
    referral = refer(worker1, case_c1, agency, kinds=["assessments"])
    client.force_login(partner1)
    html = client.get(referral.get_absolute_url()).content.decode()
    assert "K6（こころの状態）：14点 強い心理的苦痛" in html
    assert "2025-05-01 実施の最新のアセスメント" in html
    assert "090-1111-2222" not in html  # contact details were not shared

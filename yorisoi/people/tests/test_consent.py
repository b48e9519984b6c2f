"""Consents (同意): recorded by who agreed, for whom, what, why and how long; refused when the
end is before the start or a verbal consent has no witness; withdrawable, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yorisoi.agencies.tests.factories import consent_for, make_agency
from yorisoi.audit.models import Action, AuditEvent
from yorisoi.cases.tests.factories import make_case
from yorisoi.people import selectors, services
from yorisoi.people.models import Consent

END_BEFORE_START = (
    "終了日が開始日より前になっています。開始日と同じ日か、それより後の日付を入力してください。"
)


@pytest.fixture
def case(worker1, center1):
    return make_case(worker1, center1)


@pytest.fixture
def agency(db):
    return make_agency("ハローワーク北")


def _form(agency, **overrides):
    today = timezone.localdate()
    data = {
        "given_by": "self",
        "recipient": f"agency:{agency.pk}",
        "kinds": ["contact", "summary"],
        "purpose": "就労相談の利用のため",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "method": "signed_form",
        "witness_name": "",
        "note": "",
        "submission_token": "tok-1",
    }
    data.update(overrides)
    return data


def test_end_before_start_is_refused_by_the_service(worker1, case, agency):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        consent_for(worker1, case, agency=agency, starts_on=today, ends_on=today - timedelta(1))
    assert error.value.message_dict == {"ends_on": [END_BEFORE_START]}
    assert not Consent.objects.exists()


def test_end_before_start_is_refused_by_the_form(client, worker1, case, agency):
    client.force_login(worker1)
    today = timezone.localdate()
    response = client.post(
        f"/agencies/cases/{case.pk}/consents/new/",
        _form(agency, ends_on=(today - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert END_BEFORE_START in html
    assert 'aria-invalid="true"' in html
    assert not Consent.objects.exists()


def test_a_consent_on_the_same_day_is_fine(worker1, case, agency):
    today = timezone.localdate()
    consent = consent_for(worker1, case, agency=agency, starts_on=today, ends_on=today)
    assert consent.is_active(today)


def test_verbal_consent_needs_a_witness(client, worker1, case, agency):
    client.force_login(worker1)
    url = f"/agencies/cases/{case.pk}/consents/new/"
    response = client.post(url, _form(agency, method="verbal"))
    assert "口頭での同意には、立ち会った人の氏名を入力してください。" in response.content.decode()
    response = client.post(url, _form(agency, method="verbal", witness_name="鈴木（支援員）"))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.method, consent.witness_name) == ("verbal", "鈴木（支援員）")


def test_recorded_from_the_case_page_with_who_and_what(client, worker1, case, agency):
    member = case.person.household.members.get()
    client.force_login(worker1)
    response = client.post(
        f"/agencies/cases/{case.pk}/consents/new/",
        _form(agency, given_by=str(member.pk), kinds=["plan", "contact"]),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/#agencies-section"
    consent = Consent.objects.get()
    assert consent.person == case.person
    assert consent.given_by_member == member
    assert consent.agency == agency
    assert consent.kinds == ["contact", "plan"]
    assert consent.recorded_by == worker1
    event = AuditEvent.objects.get(object_type="people.consent", action=Action.CREATE)
    assert event.changes["kinds"] == [None, ["contact", "plan"]]
    html = client.get(case.get_absolute_url()).content.decode()
    assert "ハローワーク北" in html and "氏名・連絡先、支援プラン" in html


def test_a_double_submit_records_one_consent(client, worker1, case, agency):
    client.force_login(worker1)
    url = f"/agencies/cases/{case.pk}/consents/new/"
    client.post(url, _form(agency))
    client.post(url, _form(agency))
    assert Consent.objects.count() == 1


def test_no_kinds_and_no_recipient_are_refused(client, worker1, case, agency):
    client.force_login(worker1)
    response = client.post(
        f"/agencies/cases/{case.pk}/consents/new/", _form(agency, kinds=[], recipient="")
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_a_member_of_another_household_cannot_give_it(worker1, case, center1, agency):
    other = make_case(worker1, center1)
    stranger = other.person.household.members.get()
    with pytest.raises(ValidationError) as error:
        consent_for(worker1, case, agency=agency, given_by_member=stranger)
    assert "given_by_member" in error.value.message_dict


def test_a_worker_of_another_center_cannot_record(worker2, case, agency):
    with pytest.raises(PermissionDenied):
        consent_for(worker2, case, agency=agency)


def test_withdrawal_is_immediate_audited_and_idempotent(worker1, case, agency):
    consent = consent_for(worker1, case, agency=agency)
    assert selectors.consented_kinds(person_id=case.person_id, agency_id=agency.pk) == set(
        consent.kinds
    )
    services.consent_withdraw(user=worker1, consent=consent, reason="本人から")
    assert selectors.consented_kinds(person_id=case.person_id, agency_id=agency.pk) == set()
    first = consent.withdrawn_at
    services.consent_withdraw(user=worker1, consent=consent, reason="二度目")
    consent.refresh_from_db()
    assert consent.withdrawn_at == first and consent.withdrawal_reason == "本人から"
    events = AuditEvent.objects.filter(
        object_type="people.consent", object_id=str(consent.pk), action=Action.UPDATE
    )
    assert events.count() == 1 and events.get().reason == "本人から"


def test_the_database_refuses_an_end_before_the_start(worker1, case, agency):
    from django.db import IntegrityError, transaction

    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=case.person,
            agency=agency,
            kinds=["summary"],
            purpose="x",
            starts_on=today,
            ends_on=today - timedelta(days=1),
            method="signed_form",
            center=case.center,
            recorded_by=worker1,
        )

"""Only a manager may share without consent, only with a recorded emergency reason, and the
decision is audited (the action, the kinds, the reason)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yorisoi.agencies import services
from yorisoi.agencies.consent import ConsentMissing
from yorisoi.agencies.models import Referral, ReferralEvent, ReferralStatus
from yorisoi.audit.models import Action, AuditEvent

from .factories import consent_for, refer

REASON = "本人から「今夜死にたい」との連絡。主治医への情報提供が急ぎ必要。"


def test_a_worker_cannot_override(worker1, agency, case_c1):
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, agency, emergency_reason=REASON)
    assert error.value.message_dict == {
        "emergency_reason": [
            "同意のないまま緊急に情報を提供する判断は、センター長・管理者だけが行えます。"
            "センター長・管理者に相談してください。"
        ]
    }
    assert not Referral.objects.exists()


def test_a_manager_without_a_reason_is_told_what_is_missing(manager1, agency, case_c1):
    with pytest.raises(ConsentMissing):
        refer(manager1, case_c1, agency, emergency_reason="   ")


def test_a_manager_overrides_with_a_reason_and_it_is_audited(manager1, agency, case_c1):
    referral = refer(
        manager1, case_c1, agency, kinds=["contact", "summary"], emergency_reason=REASON
    )
    referral.refresh_from_db()
    assert referral.override_by == manager1
    assert referral.override_reason == REASON
    assert referral.override_kinds == ["contact", "summary"]
    assert referral.override_at is not None
    event = AuditEvent.objects.get(
        object_type="agencies.referral",
        object_id=str(referral.pk),
        changes__has_key="consent_override",
    )
    assert event.actor == manager1
    assert event.action == Action.UPDATE
    assert event.reason == REASON
    assert event.changes["consent_override"] == [None, ["contact", "summary"]]
    assert event.center_id == case_c1.center_id
    override = ReferralEvent.objects.get(referral=referral, kind=ReferralEvent.Kind.OVERRIDE)
    assert override.text == REASON


def test_the_override_covers_only_what_was_missing(manager1, worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency, kinds=["contact"])
    referral = refer(manager1, case_c1, agency, kinds=["contact", "plan"], emergency_reason=REASON)
    referral.refresh_from_db()
    assert referral.override_kinds == ["plan"]


def test_no_override_is_recorded_when_consent_covers_everything(manager1, worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    referral = refer(manager1, case_c1, agency, emergency_reason=REASON)
    referral.refresh_from_db()
    assert referral.override_at is None
    assert not AuditEvent.objects.filter(changes__has_key="consent_override").exists()


def test_after_an_override_the_agency_may_accept_and_sees_the_kinds(
    client, manager1, partner1, agency, case_c1
):
    referral = refer(manager1, case_c1, agency, kinds=["contact"], emergency_reason=REASON)
    services.referral_transition(
        user=partner1, referral=referral, to_status=ReferralStatus.ACCEPTED
    )
    client.force_login(partner1)
    html = client.get(referral.get_absolute_url()).content.decode()
    assert "090-1111-2222" in html
    assert "緊急時の判断による共有を含みます" in html
    # The reason is about the person and stays with the center.
    assert REASON not in html


def test_the_manager_sees_the_emergency_field_and_can_use_it(client, manager1, agency, case_c1):
    client.force_login(manager1)
    url = f"/agencies/cases/{case_c1.pk}/refer/"
    data = {
        "kind": "referral",
        "agency": agency.pk,
        "shared_kinds": ["summary"],
        "request": "緊急の受診調整",
        "submission_token": "tok-emergency",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert 'name="emergency_reason"' in html
    assert "生命や身体の安全にかかわる緊急の場合に限り" in html
    response = client.post(url, {**data, "emergency_reason": REASON})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == referral.get_absolute_url()
    assert referral.override_kinds == ["summary"]

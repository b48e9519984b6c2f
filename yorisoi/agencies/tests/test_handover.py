"""A hand-over between centers: on acceptance by the receiving center's manager the case
moves there, and with it who may see it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.agencies import services
from yorisoi.agencies.consent import ConsentMissing
from yorisoi.agencies.models import Referral, ReferralKind, ReferralStatus
from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Case, CaseChange, Status
from yorisoi.cases.tests.factories import make_case

from .factories import consent_for, refer


@pytest.fixture
def handover(worker1, case_c1, center2):
    consent_for(worker1, case_c1, to_center=center2)
    return refer(worker1, case_c1, kind=ReferralKind.HANDOVER, to_center=center2)


def test_acceptance_moves_the_case_and_its_access(
    client, handover, case_c1, worker1, manager2, worker2
):
    client.force_login(worker2)
    assert client.get(case_c1.get_absolute_url()).status_code == 404
    # The receiving center sees the request (and the consented details) before deciding.
    client.force_login(manager2)
    assert client.get(handover.get_absolute_url()).status_code == 200

    response = client.post(
        f"/agencies/referrals/{handover.pk}/step/",
        {
            "step": "accepted",
            "step-accepted-version": handover.version,
            "step-accepted-new_primary_worker": worker2.pk,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=case_c1.pk)
    assert case.center_id == manager2.memberships.get().center_id
    assert case.primary_worker == worker2
    assert Referral.objects.get(pk=handover.pk).status == ReferralStatus.ACCEPTED

    client.force_login(worker2)
    assert client.get(case_c1.get_absolute_url()).status_code == 200
    client.force_login(worker1)
    assert client.get(case_c1.get_absolute_url()).status_code == 404
    assert client.get(f"/people/{case_c1.person_id}/").status_code == 404

    moved = AuditEvent.objects.get(
        object_type="cases.case", object_id=str(case.pk), changes__has_key="center_id"
    )
    assert moved.actor == manager2
    assert CaseChange.objects.filter(
        case=case, field=CaseChange.Field.PRIMARY_WORKER, new_value=str(worker2.pk)
    ).exists()


def test_only_a_manager_of_the_receiving_center_accepts(handover, worker2, manager1):
    for user in (worker2, manager1):
        with pytest.raises(PermissionDenied):
            services.referral_transition(
                user=user, referral=handover, to_status=ReferralStatus.ACCEPTED
            )
    assert Case.objects.get(pk=handover.case_id).center_id == handover.from_center_id


def test_accepting_without_a_primary_worker_leaves_the_case_unassigned(handover, manager2, center2):
    services.referral_transition(
        user=manager2, referral=handover, to_status=ReferralStatus.ACCEPTED
    )
    case = Case.objects.get(pk=handover.case_id)
    assert case.center == center2
    assert case.primary_worker is None
    assert not case.secondary_workers.exists()


def test_refused_when_the_person_already_has_a_case_there(worker1, worker2, center2, case_c1):
    Case.objects.create(person=case_c1.person, center=center2, primary_worker=worker2)
    consent_for(worker1, case_c1, to_center=center2)
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, kind=ReferralKind.HANDOVER, to_center=center2)
    assert error.value.message_dict["to_center"] == [
        "この方には、すでに南部のケースがあります。引継ぎではなく、"
        "南部とそのケースで連携してください。"
    ]


def test_refused_at_acceptance_when_a_case_appeared_there_meanwhile(
    handover, manager2, worker2, center2, case_c1
):
    Case.objects.create(person=case_c1.person, center=center2, primary_worker=worker2)
    with pytest.raises(ValidationError):
        services.referral_transition(
            user=manager2, referral=handover, to_status=ReferralStatus.ACCEPTED
        )
    assert Case.objects.get(pk=case_c1.pk).center_id == case_c1.center_id
    assert Referral.objects.get(pk=handover.pk).status == ReferralStatus.REQUESTED


def test_a_handover_to_the_case_s_own_center_is_refused(worker1, center1, case_c1):
    with pytest.raises(ValidationError) as error:
        refer(worker1, case_c1, kind=ReferralKind.HANDOVER, to_center=center1)
    assert "to_center" in error.value.message_dict


def test_a_handover_needs_consent_for_the_receiving_center(worker1, center2, case_c1):
    with pytest.raises(ConsentMissing) as error:
        refer(worker1, case_c1, kind=ReferralKind.HANDOVER, to_center=center2, kinds=["summary"])
    assert error.value.messages[0].startswith("南部に「相談の概要」を提供する")


def test_a_closed_case_cannot_be_handed_over_when_accepted(handover, worker1, manager2, case_c1):
    from yorisoi.cases import services as cases_services

    cases_services.case_change_status(
        user=worker1, case=case_c1, status=Status.CLOSED, closure_reason="moved"
    )
    with pytest.raises(ValidationError):
        services.referral_transition(
            user=manager2, referral=handover, to_status=ReferralStatus.ACCEPTED
        )


def test_the_sending_worker_no_longer_sees_the_referral_once_the_case_moved(
    client, handover, worker1, manager2
):
    services.referral_transition(
        user=manager2, referral=handover, to_status=ReferralStatus.ACCEPTED
    )
    client.force_login(worker1)
    assert client.get(handover.get_absolute_url()).status_code == 404


def test_an_unrelated_case_at_the_other_center_is_untouched(handover, manager2, worker2, center2):
    other = make_case(worker2, center2)
    services.referral_transition(
        user=manager2, referral=handover, to_status=ReferralStatus.ACCEPTED
    )
    assert Case.objects.get(pk=other.pk).primary_worker == worker2


def test_the_receiving_manager_sees_the_request_on_their_home(client, handover, manager2, worker2):
    client.force_login(manager2)
    html = client.get("/").content.decode()
    assert "あなたのセンターへの引継ぎの依頼" in html and handover.get_absolute_url() in html
    client.force_login(worker2)
    assert "あなたのセンターへの引継ぎの依頼" not in client.get("/").content.decode()

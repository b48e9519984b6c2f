"""The one status machine: every allowed step succeeds for the side that may take it, every
other (from, to) pair is refused with a message naming both statuses."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yorisoi.agencies import services
from yorisoi.agencies.models import (
    TRANSITIONS,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Side,
)
from yorisoi.audit.models import AuditEvent

from .factories import consent_for, refer

ALL_PAIRS = [(a, b) for a, b in itertools.product(ReferralStatus.values, repeat=2) if a != b]
ALLOWED = sorted(TRANSITIONS)
REFUSED = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]
ONE_SIDED = [pair for pair in ALLOWED if TRANSITIONS[pair] != Side.EITHER]
EITHER = [pair for pair in ALLOWED if TRANSITIONS[pair] == Side.EITHER]


@pytest.fixture
def referral(worker1, agency, case_c1):
    consent_for(worker1, case_c1, agency=agency)
    return refer(worker1, case_c1, agency)


def _put(referral: Referral, status: str) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


def test_the_table_covers_the_issue_s_machine():
    assert (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED) in TRANSITIONS
    assert (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS) in TRANSITIONS
    for final in (ReferralStatus.COMPLETED, ReferralStatus.NOT_ESTABLISHED):
        assert not [pair for pair in TRANSITIONS if pair[0] == final], "final states stay final"
    assert len(ALLOWED) + len(REFUSED) == len(ALL_PAIRS)


@pytest.mark.parametrize(("frm", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_step_succeeds_for_its_side(referral, worker1, partner1, frm, to):
    _put(referral, frm)
    side = TRANSITIONS[(frm, to)]
    actor = worker1 if side == Side.SENDER else partner1
    moved = services.referral_transition(
        user=actor, referral=referral, to_status=to, text="理由・結果・メモ"
    )
    assert moved.status == to
    assert Referral.objects.get(pk=referral.pk).status == to
    event = ReferralEvent.objects.filter(referral=referral).order_by("-id").first()
    assert (event.from_status, event.to_status, event.by_id) == (frm, to, actor.pk)
    assert AuditEvent.objects.filter(
        object_type="agencies.referral",
        object_id=str(referral.pk),
        changes__status=[frm, to],
    ).exists()


@pytest.mark.parametrize(("frm", "to"), EITHER, ids=[f"{a}->{b}" for a, b in EITHER])
def test_steps_either_side_may_take_also_succeed_for_the_sender(referral, worker1, frm, to):
    _put(referral, frm)
    moved = services.referral_transition(
        user=worker1, referral=referral, to_status=to, text="本人の希望で取り下げ"
    )
    assert moved.status == to


@pytest.mark.parametrize(("frm", "to"), ONE_SIDED, ids=[f"{a}->{b}" for a, b in ONE_SIDED])
def test_the_other_side_may_not_take_a_one_sided_step(referral, worker1, partner1, frm, to):
    side = TRANSITIONS[(frm, to)]
    _put(referral, frm)
    other = partner1 if side == Side.SENDER else worker1
    with pytest.raises(PermissionDenied):
        services.referral_transition(user=other, referral=referral, to_status=to, text="x")
    assert Referral.objects.get(pk=referral.pk).status == frm


@pytest.mark.parametrize(("frm", "to"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_step_outside_the_table_is_refused_with_a_clear_message(
    referral, worker1, partner1, frm, to
):
    _put(referral, frm)
    for actor in (worker1, partner1):
        with pytest.raises(ValidationError) as error:
            services.referral_transition(user=actor, referral=referral, to_status=to, text="x")
        expected = (
            f"「{ReferralStatus(frm).label}」の紹介を「{ReferralStatus(to).label}」に"
            "することはできません。"
        )
        assert error.value.messages == [expected]
    assert Referral.objects.get(pk=referral.pk).status == frm


@pytest.mark.parametrize(
    ("to", "message"),
    [
        (
            ReferralStatus.RETURNED,
            "差し戻す理由（紹介元に確認・補足してほしいこと）を入力してください。",
        ),
        (ReferralStatus.NOT_ESTABLISHED, "不成立の理由を入力してください。"),
    ],
)
def test_returning_or_declining_needs_a_reason(referral, partner1, to, message):
    with pytest.raises(ValidationError) as error:
        services.referral_transition(user=partner1, referral=referral, to_status=to, text=" ")
    assert error.value.message_dict == {"text": [message]}


def test_completing_needs_the_outcome(referral, partner1):
    services.referral_transition(
        user=partner1, referral=referral, to_status=ReferralStatus.ACCEPTED
    )
    with pytest.raises(ValidationError) as error:
        services.referral_transition(
            user=partner1, referral=referral, to_status=ReferralStatus.COMPLETED
        )
    assert error.value.message_dict == {
        "text": ["結果（どのような支援につながったか）を入力してください。"]
    }


def test_a_stale_step_is_refused_and_a_double_submit_is_harmless(referral, partner1):
    version = referral.version
    services.referral_transition(
        user=partner1,
        referral=referral,
        to_status=ReferralStatus.ACCEPTED,
        expected_version=version,
    )
    again = services.referral_transition(
        user=partner1,
        referral=Referral.objects.get(pk=referral.pk),
        to_status=ReferralStatus.ACCEPTED,
        expected_version=version,
    )
    assert again.status == ReferralStatus.ACCEPTED
    assert referral.events.filter(to_status=ReferralStatus.ACCEPTED).count() == 1
    with pytest.raises(ValidationError) as error:
        services.referral_transition(
            user=partner1,
            referral=referral,
            to_status=ReferralStatus.RETURNED,
            text="x",
            expected_version=version,
        )
    assert "画面を開いた後に更新されています（現在の状況：受理）" in error.value.messages[0]


def test_a_refused_step_over_http_says_why(client, referral, partner1):
    _put(referral, ReferralStatus.COMPLETED)
    client.force_login(partner1)
    response = client.post(
        f"/agencies/referrals/{referral.pk}/step/",
        {"step": "accepted", "step-accepted-version": referral.version},
    )
    assert response.status_code == 200
    assert "「完了」の紹介を「受理」にすることはできません。" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.COMPLETED

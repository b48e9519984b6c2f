"""An admin reaches a case's content only through a logged, reasoned, time-limited break-glass."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yorisoi.audit import selectors
from yorisoi.audit.models import AuditEvent, BreakGlassGrant
from yorisoi.cases import policy as case_policy
from yorisoi.cases.models import Case
from yorisoi.people import policy as person_policy
from yorisoi.people.models import Person

REASON = "本人の安否確認のため、夜間に緊急で連絡先を確認する必要がある"


@pytest.fixture
def case(center1) -> Case:
    return Case.objects.create(person=Person.objects.create(nickname="みどり"), center=center1)


def break_glass(client, case, reason=REASON, **extra):
    return client.post(
        "/audit/break-glass/",
        {"object_type": "cases.case", "object_id": case.pk, "reason": reason, **extra},
    )


def test_admin_sees_the_case_only_after_breaking_the_glass(client, admin_user, case):
    assert not case_policy.visible_cases(admin_user).filter(pk=case.pk).exists()
    assert not person_policy.visible_persons(admin_user).filter(pk=case.person_id).exists()
    client.force_login(admin_user)

    response = break_glass(client, case)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)  # fresh cached roles
    assert case_policy.visible_cases(admin_user).filter(pk=case.pk).exists()
    assert person_policy.visible_persons(admin_user).filter(pk=case.person_id).exists()


def test_the_audit_row_carries_the_reason_and_the_center(client, admin_user, case, center1):
    client.force_login(admin_user)
    break_glass(client, case)
    event = AuditEvent.objects.get(action="break_glass")
    assert event.reason == REASON
    assert (event.object_type, event.object_id) == ("cases.case", str(case.pk))
    assert event.center_id == center1.pk
    assert event.actor == admin_user


def test_the_centers_manager_sees_the_break_glass_in_the_log(client, admin_user, manager1, case):
    client.force_login(admin_user)
    break_glass(client, case)
    client.force_login(manager1)
    page = client.get(f"/audit/object/cases.case/{case.pk}/").content.decode()
    assert REASON in page and "緊急閲覧" in page


def test_the_grant_expires(client, admin_user, case, settings, monkeypatch):
    settings.YORISOI_BREAK_GLASS_MINUTES = 30
    client.force_login(admin_user)
    break_glass(client, case)
    grant = BreakGlassGrant.objects.get()
    assert grant.expires_at - grant.created_at == pytest.approx(
        datetime.timedelta(minutes=30), abs=datetime.timedelta(seconds=5)
    )
    later = timezone.now() + datetime.timedelta(minutes=31)
    monkeypatch.setattr(selectors.timezone, "now", lambda: later)
    assert selectors.break_glass_object_ids(user=admin_user, object_type="cases.case") == []
    assert not case_policy.visible_cases(admin_user).filter(pk=case.pk).exists()


def test_a_short_reason_is_refused_with_a_japanese_message(client, admin_user, case):
    client.force_login(admin_user)
    response = break_glass(client, case, reason="確認のため")
    assert response.status_code == 200
    assert "理由は10文字以上で、具体的に入力してください。" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="break_glass").exists()


def test_a_missing_reason_is_refused(client, admin_user, case):
    client.force_login(admin_user)
    response = break_glass(client, case, reason="")
    assert "理由を入力してください。" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_an_unknown_case_id_is_refused(client, admin_user, case):
    client.force_login(admin_user)
    response = client.post(
        "/audit/break-glass/",
        {"object_type": "cases.case", "object_id": case.pk + 100, "reason": REASON},
    )
    assert "このIDの対象は見つかりません。" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_a_double_submit_records_one_grant(client, admin_user, case):
    client.force_login(admin_user)
    break_glass(client, case)
    break_glass(client, case)
    assert BreakGlassGrant.objects.count() == 1
    assert AuditEvent.objects.filter(action="break_glass").count() == 1


def test_the_form_offers_cases_and_lists_active_grants(client, admin_user, case):
    client.force_login(admin_user)
    page = client.get("/audit/break-glass/").content.decode()
    assert 'value="cases.case"' in page
    break_glass(client, case)
    page = client.get("/audit/break-glass/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page


@pytest.mark.parametrize("who", ["manager1", "worker1", "peer1", "partner1", "analyst1"])
def test_non_admins_get_404(client, request, who, case):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/audit/break-glass/").status_code == 404
    assert break_glass(client, case).status_code == 404
    assert not BreakGlassGrant.objects.exists()

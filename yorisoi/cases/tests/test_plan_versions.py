"""支援プラン: versions are added, never edited; family words are marked; closed cases and
double submits are refused; only the case's workers and managers write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import ClosureReason, PlanVersion, Status
from yorisoi.core import registry
from yorisoi.core.registry import Section

pytestmark = pytest.mark.django_db


def plan_post(based_on: int = 0, **overrides) -> dict:
    data = {
        "voice": "person",
        "goals": "昼夜逆転を直したい。\nコンビニに一人で行けるようになりたい。",
        "planned_supports": "月2回の訪問。",
        "review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "agreed_by": "本人",
        "agreed_on": timezone.localdate().isoformat(),
        "based_on": str(based_on),
    }
    data.update(overrides)
    return data


def new_url(case) -> str:
    return reverse("cases:plan_new", args=[case.pk])


def list_url(case) -> str:
    return reverse("cases:plan_list", args=[case.pk])


def test_first_and_second_versions_are_both_kept(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(new_url(case_c1), plan_post())
    assert response.status_code == 302
    assert response["Location"] == list_url(case_c1)

    # The form for the next version opens with the first version's words.
    page = client.get(new_url(case_c1)).content.decode()
    assert "昼夜逆転を直したい。" in page
    assert 'name="based_on" value="1"' in page

    response = client.post(
        new_url(case_c1), plan_post(based_on=1, goals="週に一度、居場所に行ってみたい。")
    )
    assert response.status_code == 302

    versions = list(PlanVersion.objects.filter(case=case_c1).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].goals.startswith("昼夜逆転を直したい。")
    assert versions[1].goals == "週に一度、居場所に行ってみたい。"

    listing = client.get(list_url(case_c1)).content.decode()
    assert "現在のプラン（第2版）" in listing
    assert "週に一度、居場所に行ってみたい。" in listing
    assert reverse("cases:plan_detail", args=[case_c1.pk, 1]) in listing

    first = client.get(reverse("cases:plan_detail", args=[case_c1.pk, 1])).content.decode()
    assert "昼夜逆転を直したい。" in first


def test_each_version_is_audited(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post())
    version = PlanVersion.objects.get(case=case_c1)
    event = AuditEvent.objects.get(object_type="cases.planversion", object_id=str(version.pk))
    assert event.action == "create"
    assert event.actor == worker1
    assert event.center_id == case_c1.center_id
    # The goals are sensitive: the audit row names the change, not the words.
    assert "昼夜逆転" not in str(event.changes)


def test_family_words_are_labelled_as_the_familys(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post(voice="family", goals="息子には外に出てほしい。"))
    page = client.get(list_url(case_c1)).content.decode()
    assert 'data-voice="family">家族の言葉</span>' in page
    assert "家族から聞いた目標です。本人の言葉ではありません。" in page
    assert "本人から聞いた言葉のままの目標です。" not in page


def test_person_words_are_labelled_as_the_persons(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post(voice="person"))
    page = client.get(list_url(case_c1)).content.decode()
    assert 'data-voice="person">本人の言葉</span>' in page


def test_closed_case_refuses_a_new_version(client, worker1, case_c1):
    services.case_change_status(
        user=worker1, case=case_c1, status=Status.CLOSED, closure_reason=ClosureReason.MOVED
    )
    client.force_login(worker1)
    page = client.get(new_url(case_c1))
    assert page.status_code == 200
    assert "このケースは終結しています。" in page.content.decode()
    assert 'id="plan-form"' not in page.content.decode()

    response = client.post(new_url(case_c1), plan_post())
    assert response.status_code == 400
    assert "このケースは終結しています。" in response.content.decode()
    assert not PlanVersion.objects.filter(case=case_c1).exists()


def test_double_submit_creates_one_version(client, worker1, case_c1):
    client.force_login(worker1)
    first = client.post(new_url(case_c1), plan_post())
    second = client.post(new_url(case_c1), plan_post())
    assert first.status_code == 302
    assert second.status_code == 302
    assert PlanVersion.objects.filter(case=case_c1).count() == 1


def test_a_version_saved_meanwhile_is_not_overwritten(client, worker1, manager1, case_c1):
    client.force_login(manager1)
    client.post(new_url(case_c1), plan_post(goals="家族の会に参加する。"))
    client.force_login(worker1)
    response = client.post(new_url(case_c1), plan_post(goals="散歩をしたい。"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "ほかの職員が新しい版を保存しています" in page
    assert "家族の会に参加する。" in page
    # The user's words are kept, and the next save builds on the version now stored.
    assert "散歩をしたい。" in page
    assert 'name="based_on" value="1"' in page
    assert PlanVersion.objects.filter(case=case_c1).count() == 1

    response = client.post(new_url(case_c1), plan_post(based_on=1, goals="散歩をしたい。"))
    assert response.status_code == 302
    assert PlanVersion.objects.get(case=case_c1, number=2).goals == "散歩をしたい。"


def test_missing_goals_and_half_agreement_are_explained(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(new_url(case_c1), plan_post(goals="  ", agreed_on=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "目標を入力してください。" in page
    assert "合意した日を入力してください。" in page
    assert 'aria-invalid="true"' in page
    assert not PlanVersion.objects.exists()


def test_future_agreement_date_is_refused(client, worker1, case_c1):
    client.force_login(worker1)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(new_url(case_c1), plan_post(agreed_on=tomorrow))
    assert response.status_code == 400
    assert "合意日が未来の日付になっています。" in response.content.decode()


def test_status_is_not_changed_but_suggested(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(new_url(case_c1), plan_post(), follow=True)
    case_c1.refresh_from_db()
    assert case_c1.status == Status.INTAKE
    assert "ケースの状況を「プラン」に進める場合は" in response.content.decode()


def test_assessment_the_plan_builds_on_is_stored(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post(informed_by_assessment_id="42"))
    assert PlanVersion.objects.get(case=case_c1).informed_by_assessment_id == 42


def test_context_sections_show_beside_the_editor(client, worker1, case_c1, monkeypatch):
    seen = []

    def provider(user, case):
        seen.append((user, case.pk))
        return Section(order=1, template="cases/plan_version_body.html", context={})

    monkeypatch.setattr(registry, "plan_context_providers", [provider])
    monkeypatch.setattr("yorisoi.cases.views_plans.plan_context_providers", [provider])
    client.force_login(worker1)
    page = client.get(new_url(case_c1)).content.decode()
    assert seen == [(worker1, case_c1.pk)]
    assert "参考にできるアセスメントなどはまだありません。" not in page


def test_colleague_without_assignment_reads_but_cannot_write(client, worker1, worker1b, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post())
    client.force_login(worker1b)
    listing = client.get(list_url(case_c1))
    assert listing.status_code == 200
    assert new_url(case_c1) not in listing.content.decode()
    assert client.get(new_url(case_c1)).status_code == 403
    assert client.post(new_url(case_c1), plan_post(based_on=1)).status_code == 403
    assert PlanVersion.objects.filter(case=case_c1).count() == 1


def test_manager_of_the_center_may_write(client, manager1, case_c1):
    client.force_login(manager1)
    assert client.post(new_url(case_c1), plan_post()).status_code == 302


@pytest.mark.parametrize("name", ["plan_list", "plan_new", "plan_compare"])
def test_stranger_from_another_center_gets_404(client, worker2, manager2, case_c1, name):
    url = reverse(f"cases:{name}", args=[case_c1.pk])
    for user in (worker2, manager2):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert client.post(new_url(case_c1), plan_post()).status_code == 404


def test_stranger_cannot_open_a_version(client, worker1, worker2, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), plan_post())
    client.force_login(worker2)
    assert client.get(reverse("cases:plan_detail", args=[case_c1.pk, 1])).status_code == 404


def test_missing_version_is_404(client, worker1, case_c1):
    client.force_login(worker1)
    assert client.get(reverse("cases:plan_detail", args=[case_c1.pk, 9])).status_code == 404


@pytest.mark.parametrize("user_fixture", ["peer1", "partner1", "analyst1"])
def test_other_roles_get_404(client, request, case_c1, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(list_url(case_c1)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, case_c1):
    response = client.get(list_url(case_c1))
    assert response.status_code == 302
    assert "login" in response["Location"]

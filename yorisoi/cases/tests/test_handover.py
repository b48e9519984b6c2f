"""Bulk hand-over from the manager's view: all chosen cases move to one worker of the same
center, in one go, each audited; the new worker sees them on their home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yorisoi.accounts.models import Role
from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Case, CaseChange
from yorisoi.conftest import make_user

from .factories import make_case

pytestmark = pytest.mark.django_db
HANDOVER = reverse("cases:manage_handover")


def named_case(user, center, name: str) -> Case:
    return make_case(user, center, person_data={"family_name": name, "given_name": "さん"})


@pytest.fixture
def leaving_worker(center1):
    return make_user("leaving", (center1, Role.WORKER))


@pytest.fixture
def two_cases(leaving_worker, center1):
    return [named_case(leaving_worker, center1, "一"), named_case(leaving_worker, center1, "二")]


def post(client, user, center, cases, to_worker, reason="異動のため", **extra):
    client.force_login(user)
    data = {
        "center": str(center.pk),
        "cases": [str(c.pk) for c in cases],
        "to_worker": str(to_worker.pk) if to_worker else "",
        "reason": reason,
        **extra,
    }
    return client.post(HANDOVER, data)


def primary_ids(cases) -> list[int | None]:
    return [Case.objects.get(pk=c.pk).primary_worker_id for c in cases]


def test_bulk_hand_over_moves_every_case_and_audits_each(
    client, manager1, worker1b, center1, two_cases
):
    before = AuditEvent.objects.count()
    response = post(client, manager1, center1, two_cases, worker1b)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:manage") + f"?center={center1.pk}"
    assert primary_ids(two_cases) == [worker1b.pk, worker1b.pk]

    for case in two_cases:
        change = CaseChange.objects.get(case=case, field="primary_worker", new_value=worker1b.pk)
        assert change.reason == "異動のため"
        assert change.changed_by == manager1
        event = AuditEvent.objects.filter(
            pk__gt=before, object_type="cases.case", object_id=str(case.pk), action="update"
        ).get()
        assert event.actor == manager1
        assert event.reason == "異動のため"
        assert event.changes["primary_worker_id"][1] == worker1b.pk

    page = client.get(response["Location"]).content.decode()
    assert "2件のケースをworker1bさんに引き継ぎました。" in page


def test_new_worker_sees_the_cases_as_new_assignments(
    client, manager1, worker1b, center1, two_cases
):
    post(client, manager1, center1, two_cases, worker1b)
    client.force_login(worker1b)
    page = client.get(reverse("core:home")).content.decode()
    start = page.index('id="h-home-new"')
    new_list = page[start : page.index("</section>", start)]
    assert "一 さん" in new_list and "二 さん" in new_list


def test_new_primary_worker_stops_being_a_secondary_one(
    client, manager1, worker1, worker1b, center1, two_cases
):
    two_cases[0].secondary_workers.add(worker1b, worker1)
    post(client, manager1, center1, two_cases[:1], worker1b)
    case = Case.objects.get(pk=two_cases[0].pk)
    assert case.primary_worker_id == worker1b.pk
    assert set(case.secondary_workers.values_list("pk", flat=True)) == {worker1.pk}


def test_reason_is_required_and_nothing_moves(client, manager1, worker1b, center1, two_cases):
    owner = two_cases[0].primary_worker_id
    response = post(client, manager1, center1, two_cases, worker1b, reason="  ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "引継ぎの理由を入力してください。" in page
    # The choices are kept for the second try.
    assert f'value="{two_cases[0].pk}" id="handover-{two_cases[0].pk}" checked' in page
    assert primary_ids(two_cases) == [owner, owner]


def test_no_case_chosen_is_explained(client, manager1, worker1b, center1, two_cases):
    response = post(client, manager1, center1, [], worker1b)
    assert response.status_code == 400
    assert "引き継ぐケースを1件以上選んでください。" in response.content.decode()


def test_worker_of_another_center_cannot_receive(client, manager1, worker2, center1, two_cases):
    owner = two_cases[0].primary_worker_id
    response = post(client, manager1, center1, two_cases, worker2)
    assert response.status_code == 400
    assert "新しい主担当には、このセンターの支援員を選んでください。" in response.content.decode()
    assert primary_ids(two_cases) == [owner, owner]


def test_a_case_of_another_center_spoils_nothing(
    client, manager1, worker1b, worker2, center1, center2, two_cases
):
    foreign = named_case(worker2, center2, "南")
    owner = two_cases[0].primary_worker_id
    response = post(client, manager1, center1, [*two_cases, foreign], worker1b)
    assert response.status_code == 400
    assert "選んだケースの一部は引き継げません" in response.content.decode()
    assert primary_ids(two_cases) == [owner, owner]
    assert primary_ids([foreign]) == [worker2.pk]


def test_manager_of_another_center_gets_404(client, manager2, worker1b, center1, two_cases):
    owner = two_cases[0].primary_worker_id
    assert post(client, manager2, center1, two_cases, worker1b).status_code == 404
    assert primary_ids(two_cases) == [owner, owner]


def test_worker_cannot_hand_over(client, worker1, worker1b, center1, two_cases):
    owner = two_cases[0].primary_worker_id
    assert post(client, worker1, center1, two_cases, worker1b).status_code == 404
    assert primary_ids(two_cases) == [owner, owner]


def test_cases_already_held_by_the_worker_are_refused_as_a_no_op(
    client, manager1, leaving_worker, center1, two_cases
):
    response = post(client, manager1, center1, two_cases, leaving_worker)
    assert response.status_code == 400
    assert "すでにこの職員が主担当です" in response.content.decode()


def test_unassigned_intakes_can_be_assigned_in_bulk(client, manager1, worker1b, center1):
    cases = [named_case(worker1b, center1, "受付一"), named_case(worker1b, center1, "受付二")]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(primary_worker=None)
    response = post(client, manager1, center1, cases, worker1b, reason="新規受付の割当")
    assert response.status_code == 302
    assert primary_ids(cases) == [worker1b.pk, worker1b.pk]

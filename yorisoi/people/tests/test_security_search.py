"""Person search and the case list's `q` cannot be used to enumerate other centers' persons."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent

from .factories import person_with_case

SEARCH = reverse("people:search")
CASES = reverse("cases:list")


@pytest.fixture
def center1_person(center1):
    return person_with_case(
        center1,
        family_name="秘密",
        given_name="花子",
        family_name_kana="ヒミツ",
        given_name_kana="ハナコ",
        nickname="はなちゃん",
        birth_date=date(1985, 3, 3),
        phone="090-7777-8888",
    )


QUERIES = ["ひみつ", "ヒミツ ハナコ", "秘密", "はなちゃん", "7777", "090-7777-8888", "ﾋﾐﾂ"]


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("url", [SEARCH, CASES])
def test_worker_of_another_center_finds_nothing(client, worker2, center1_person, url, q):
    client.force_login(worker2)
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    assert "花子" not in body
    assert f"/people/{center1_person.pk}/" not in body


@pytest.mark.parametrize("q", QUERIES[:2])
def test_htmx_search_fragment_finds_nothing_either(client, worker2, center1_person, q):
    client.force_login(worker2)
    response = client.get(
        SEARCH, {"q": q}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    assert response.status_code == 200
    assert "花子" not in response.content.decode()


@pytest.mark.parametrize("role", ["peer1", "partner1", "analyst1", "admin_user"])
@pytest.mark.parametrize("url", [SEARCH, CASES])
def test_non_case_roles_get_404(client, request, center1_person, url, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url, {"q": "ひみつ"}).status_code == 404


@pytest.mark.parametrize("url", [SEARCH, CASES])
def test_the_centers_own_worker_finds_the_person(client, worker1b, center1_person, url):
    client.force_login(worker1b)
    body = client.get(url, {"q": "ひみつ"}).content.decode()
    assert "花子" in body


def test_case_list_center_filter_cannot_name_another_center(
    client, worker2, center1, center1_person
):
    client.force_login(worker2)
    response = client.get(CASES, {"center": center1.pk})
    assert "花子" not in response.content.decode()


def test_case_list_worker_filter_cannot_pick_another_centers_worker(
    client, worker1, worker2, center1_person
):
    case = center1_person.cases.get()
    case.primary_worker = worker1
    case.save(update_fields=["primary_worker"])
    client.force_login(worker2)
    response = client.get(CASES, {"worker": worker1.pk})
    assert "花子" not in response.content.decode()


def test_a_search_leaves_an_audit_event_naming_the_persons_shown(client, worker1, center1_person):
    client.force_login(worker1)
    client.get(SEARCH, {"q": "ひみつ"})
    event = AuditEvent.objects.filter(
        action="view", object_type="people.person", actor=worker1
    ).latest("id")
    assert event.changes == {"person_ids": [center1_person.pk]}
    assert "ひみつ" not in event.reason and "ひみつ" not in str(event.changes)


def test_a_search_that_finds_nobody_records_no_view(client, worker2, center1_person):
    client.force_login(worker2)
    client.get(SEARCH, {"q": "ひみつ"})
    assert not AuditEvent.objects.filter(action="view", actor=worker2).exists()


def test_manager_sees_who_opened_a_person_page_of_the_center(
    client, worker1, manager1, manager2, center1_person
):
    client.force_login(worker1)
    assert client.get(reverse("people:detail", args=[center1_person.pk])).status_code == 200
    log = reverse("audit:object_log", args=["people.person", center1_person.pk])
    client.force_login(manager1)
    response = client.get(log)
    assert response.status_code == 200
    assert "worker1" in response.content.decode()
    client.force_login(manager2)
    assert client.get(log).status_code == 404


def test_manager_sees_the_searches_of_the_centers_workers(
    client, worker1, manager1, center1_person
):
    client.force_login(worker1)
    client.get(SEARCH, {"q": "ひみつ"})
    client.force_login(manager1)
    page = client.get(reverse("audit:center_log")).content.decode()
    assert "検索結果に表示した本人" in page

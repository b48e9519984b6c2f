"""Who may open the person pages: managers and workers of a center holding a case of the person.
Everyone else gets 404, never a 403 that confirms the person exists."""

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent

from .factories import member, person_with_case


@pytest.fixture
def person(center1):
    person = person_with_case(center1, family_name="山田", family_name_kana="やまだ")
    member(person, "mother", 70)
    return person


def person_urls(person):
    m = person.household.members.get()
    return [
        reverse("people:detail", args=[person.pk]),
        reverse("people:edit", args=[person.pk]),
        reverse("people:household", args=[person.pk]),
        reverse("people:member_edit", args=[person.pk, m.pk]),
        reverse("people:member_remove", args=[person.pk, m.pk]),
    ]


@pytest.mark.parametrize("who", ["worker1", "worker1b", "manager1"])
def test_staff_of_the_center_see_every_person_page(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    for url in person_urls(person):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["worker2", "manager2", "peer1", "partner1", "analyst1", "admin_user"]
)
def test_everyone_else_gets_404(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    urls = person_urls(person)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:]:  # the pages that take a POST
        assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize("who", ["peer1", "partner1", "analyst1"])
def test_search_is_not_offered_to_other_roles(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("people:search"), {"q": "やまだ"}).status_code == 404
    response = client.get(reverse("people:duplicates"), {"family_name_kana": "やまだ"})
    assert response.content.decode().strip() == ""


def test_other_center_search_finds_nothing(client, worker2, person):
    client.force_login(worker2)
    response = client.get(reverse("people:search"), {"q": "やまだ"})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_anonymous_is_sent_to_login(client, person):
    for url in [*person_urls(person), reverse("people:search"), reverse("people:duplicates")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_person_page_view_is_audited(client, worker1, person):
    client.force_login(worker1)
    client.get(reverse("people:detail", args=[person.pk]))
    assert AuditEvent.objects.filter(
        action="view", object_type="people.person", object_id=str(person.pk), actor=worker1
    ).exists()


def test_member_of_another_household_is_404(client, worker1, center1, person):
    other = person_with_case(center1)
    other_member = member(other, "father", 80)
    client.force_login(worker1)
    url = reverse("people:member_edit", args=[person.pk, other_member.pk])
    assert client.get(url).status_code == 404


def test_nav_shows_person_search_to_workers_only(client, worker1, peer1):
    client.force_login(worker1)
    assert "本人検索" in client.get(reverse("core:home")).content.decode()
    client.force_login(peer1)
    assert "本人検索" not in client.get(reverse("core:home")).content.decode()

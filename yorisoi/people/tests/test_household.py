from datetime import date

from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.people.models import HouseholdMember

from .factories import member, person_with_case


def test_add_member_creates_household(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    url = reverse("people:household", args=[person.pk])
    page = client.get(url)
    token = page.context["submission_token"]
    response = client.post(
        url,
        {
            "relationship": "mother",
            "name": "花子",
            "age": "74",
            "lives_together": "on",
            "submission_token": token,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    added = person.household.members.get()
    assert (added.relationship, added.age, added.lives_together) == ("mother", 74, True)
    assert AuditEvent.objects.filter(action="create", object_type="people.householdmember").exists()


def test_double_submit_adds_one_member(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    url = reverse("people:household", args=[person.pk])
    token = client.get(url).context["submission_token"]
    data = {"relationship": "father", "age": "80", "submission_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert HouseholdMember.objects.count() == 1


def test_member_without_relationship_gets_a_clear_error(client, worker1, center1):
    person = person_with_case(center1)
    client.force_login(worker1)
    url = reverse("people:household", args=[person.pk])
    response = client.post(url, {"age": "200", "submission_token": "t1"})
    assert response.status_code == 200
    assert HouseholdMember.objects.count() == 0
    assert response.context["form"].errors.keys() == {"relationship", "age"}


def test_edit_member_age_is_recorded_as_of_today(client, worker1, center1):
    person = person_with_case(center1)
    m = member(person, "mother", 60, age_recorded_on=date(2015, 1, 1))
    client.force_login(worker1)
    url = reverse("people:member_edit", args=[person.pk, m.pk])
    response = client.post(url, {"relationship": "mother", "age": "71"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.age == 71
    assert m.age_recorded_on != date(2015, 1, 1)
    assert m.current_age() == 71


def test_remove_member_asks_first_then_removes(client, worker1, center1):
    person = person_with_case(center1)
    m = member(person, "sibling", 45)
    client.force_login(worker1)
    url = reverse("people:member_remove", args=[person.pk, m.pk])
    assert "削除しますか" in client.get(url).content.decode()
    assert HouseholdMember.objects.filter(pk=m.pk).exists()
    assert client.post(url).status_code == 302
    assert not HouseholdMember.objects.filter(pk=m.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="people.householdmember").exists()


def test_household_page_shows_current_ages(client, worker1, center1):
    person = person_with_case(center1)
    member(person, "father", 70, age_recorded_on=date(date.today().year - 3, 1, 1))
    client.force_login(worker1)
    html = client.get(reverse("people:household", args=[person.pk])).content.decode()
    assert "73歳" in html

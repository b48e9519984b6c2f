from datetime import date

import pytest
from django.urls import reverse

from yorisoi.people.models import Person
from yorisoi.people.selectors import aging_household

from .factories import member, person_with_case

TODAY = date(2025, 6, 15)


def born_years_ago(years: int) -> date:
    return date(TODAY.year - years, TODAY.month, TODAY.day)


@pytest.fixture
def person(db):
    return Person.objects.create(birth_date=born_years_ago(40))


def test_40_with_mother_70_is_aging(person):
    member(person, "mother", 70, age_recorded_on=TODAY)
    assert aging_household(person, today=TODAY)


def test_39_with_mother_70_is_not(db):
    person = Person.objects.create(birth_date=date(TODAY.year - 40, TODAY.month, TODAY.day + 1))
    assert person.age(TODAY) == 39
    member(person, "mother", 70, age_recorded_on=TODAY)
    assert not aging_household(person, today=TODAY)


def test_40_with_father_69_is_not(person):
    member(person, "father", 69, age_recorded_on=TODAY)
    assert not aging_household(person, today=TODAY)


def test_no_parents_is_not(person):
    member(person, "sibling", 75, age_recorded_on=TODAY)
    member(person, "grandparent", 95, age_recorded_on=TODAY)
    assert not aging_household(person, today=TODAY)


def test_no_household_is_not(person):
    assert not aging_household(person, today=TODAY)


def test_parent_age_unknown_is_not(person):
    member(person, "mother", None, age_recorded_on=TODAY)
    assert not aging_household(person, today=TODAY)


def test_member_age_recorded_years_ago_counts_the_years_since(person):
    member(person, "mother", 65, age_recorded_on=date(2019, 6, 1))
    assert aging_household(person, today=TODAY)
    assert not aging_household(person, today=date(2024, 5, 31))


def test_age_band_lower_bound_used_without_birth_date(db):
    forties = Person.objects.create(age_band="40s")
    member(forties, "father", 78, age_recorded_on=TODAY)
    thirties = Person.objects.create(age_band="30s")
    member(thirties, "father", 78, age_recorded_on=TODAY)
    unknown = Person.objects.create()
    member(unknown, "father", 78, age_recorded_on=TODAY)
    assert aging_household(forties, today=TODAY)
    assert not aging_household(thirties, today=TODAY)
    assert not aging_household(unknown, today=TODAY)


def test_person_page_shows_the_8050_badge(client, worker1, center1):
    person = person_with_case(center1, age_band="50s")
    member(person, "mother", 82)
    client.force_login(worker1)
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "8050世帯" in html
    assert "82歳" in html

"""Plain helpers that build persons with cases for the people tests."""

from __future__ import annotations

from yorisoi.cases.models import Case
from yorisoi.people.models import Household, HouseholdMember, Person


def person_with_case(center, **fields) -> Person:
    """A person (saved directly, keys filled by save) with one case at `center`."""
    person = Person.objects.create(**fields)
    Case.objects.create(person=person, center=center)
    return person


def member(person: Person, relationship: str, age: int | None, **fields) -> HouseholdMember:
    if person.household_id is None:
        person.household = Household.objects.create()
        person.save(update_fields=["household"])
    return HouseholdMember.objects.create(
        household=person.household, relationship=relationship, age=age, **fields
    )

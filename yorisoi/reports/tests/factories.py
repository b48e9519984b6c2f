"""Plain helpers that make case work for the statistics tests."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from yorisoi.cases.models import Case, Consulter, Contact, Method, Status
from yorisoi.people.models import Person


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware local (Asia/Tokyo) datetime on `day`."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def person(name: str = "", **fields) -> Person:
    """A person with a family name (or none: anonymous)."""
    return Person.objects.create(family_name=name, **fields)


def case(person_: Person, center, *, opened_on: date, **fields) -> Case:
    return Case.objects.create(person=person_, center=center, opened_on=opened_on, **fields)


def contact(
    case_: Case | None,
    *,
    when: datetime,
    user,
    center=None,
    method: str = Method.PHONE,
    consulter: str = Consulter.FAMILY,
    is_intake: bool = False,
    heard_via: str = "",
) -> Contact:
    return Contact.objects.create(
        case=case_,
        center=center or case_.center,
        occurred_at=when,
        method=method,
        consulter=consulter,
        is_intake=is_intake,
        heard_via=heard_via,
        recorded_by=user,
    )


def closed(case_: Case, *, on: date, reason: str) -> Case:
    case_.status = Status.CLOSED
    case_.closed_on = on
    case_.closure_reason = reason
    case_.save()
    return case_

"""Which persons a user may see: those with a case the user may see.

people sits below cases, so it reaches cases only through the reverse relation `cases`
(no import); the rule here is the same as cases.policy.visible_cases (managers and workers
of the case's center, plus an admin's unexpired break-glass grants) and must stay in step.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yorisoi.accounts.models import Role
from yorisoi.audit.selectors import break_glass_object_ids

from .models import HouseholdMember, Person

PERSON_READ_ROLES = (Role.MANAGER, Role.WORKER)


def _case_scope(user) -> Q | None:
    """A filter on Case rows that the user may see, or None when there are none."""
    if not user.is_authenticated:
        return None
    scope = Q(center_id__in=user.center_ids_with(*PERSON_READ_ROLES))
    if user.has_role(Role.ADMIN):
        granted = break_glass_object_ids(user=user, object_type="cases.case")
        if granted:
            scope |= Q(pk__in=[int(i) for i in granted])
    return scope


def _case_model():
    return Person._meta.get_field("cases").related_model


def visible_persons(user) -> QuerySet[Person]:
    """Persons with at least one case the user may see. Selectors start here."""
    scope = _case_scope(user)
    if scope is None:
        return Person.objects.none()
    case_ids = _case_model().objects.filter(scope).values("person_id")
    return Person.objects.filter(pk__in=case_ids)


def visible_cases_of_persons(user) -> QuerySet:
    """The cases a user may see, for listing beside persons (search results, person page)."""
    scope = _case_scope(user)
    Case = _case_model()
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(scope)


def can_read_persons(user) -> bool:
    """Whether the person pages (search) are open to this user at all."""
    return user.is_authenticated and user.has_role(*PERSON_READ_ROLES)


def can_edit_person(user, person: Person) -> bool:
    """Managers and workers of a center holding one of the person's cases may edit the person
    and their household. A break-glass grant lets an admin read, not write."""
    if not user.is_authenticated:
        return False
    centers = user.center_ids_with(*PERSON_READ_ROLES)
    if not centers:
        return False
    return _case_model().objects.filter(person_id=person.pk, center_id__in=centers).exists()


def can_edit_member(user, member: HouseholdMember) -> bool:
    """The member's household belongs to a person this user may edit."""
    if not user.is_authenticated:
        return False
    centers = user.center_ids_with(*PERSON_READ_ROLES)
    return (
        bool(centers)
        and _case_model()
        .objects.filter(person__household_id=member.household_id, center_id__in=centers)
        .exists()
    )
